using System.Collections.Generic;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    /// <summary>
    /// The BIP434 features the remote announced between its version and verack, in the order they came (at most
    /// <see cref="PeerDefaults.MaxFeatures"/>; ids that are not printable ASCII and repeated ids are left out). Complete
    /// once the handshake is (<see cref="IsHandshakeComplete"/>); empty for a peer below version 70017.
    /// </summary>
    public IReadOnlyList<PeerFeature> RemoteFeatures => _handshake.RemoteFeatures;
}
