using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>The BIP324 handshake and rekeying constants, each defined once.</summary>
internal static class V2Protocol
{
    /// <summary>Packets (or length chunks) per key: both rekeying ciphers move to a new key after this many.</summary>
    public const int RekeyInterval = 224;

    /// <summary>The size of an ElligatorSwift-encoded public key.</summary>
    public const int EllSwiftKeySize = 64;

    /// <summary>The size of a secp256k1 private key.</summary>
    public const int PrivateKeySize = 32;

    /// <summary>The size of the shared secret and of each derived cipher key.</summary>
    public const int SecretSize = 32;

    /// <summary>The size of the session id.</summary>
    public const int SessionIdSize = 32;

    /// <summary>The size of each garbage terminator.</summary>
    public const int GarbageTerminatorSize = 16;

    /// <summary>The most garbage either side may send after its key.</summary>
    public const int MaxGarbageLength = 4095;

    /// <summary>The bytes a v1 <c>version</c> header starts with: magic plus the 12-byte command.</summary>
    public const int V1PrefixLength = 4 + MessageCommand.Size;

    /// <summary>
    /// The most decoy packets accepted between the garbage terminator and the version packet. BIP324 lets either side
    /// send decoys at any time; no implementation sends any before its version packet, and a cap turns a decoy flood
    /// in the handshake into a typed error (<see cref="ProtocolError.TooManyDecoys"/>) instead of work without end.
    /// </summary>
    public const int MaxDecoysBeforeVersion = 64;

    /// <summary>
    /// The largest version packet sent: empty contents, as Bitcoin Core sends (other contents are reserved for
    /// future transport versions; received contents are ignored).
    /// </summary>
    public const int VersionContentsLength = 0;

    /// <summary>
    /// The most bytes our handshake ever queues to send: key, garbage, terminator and the version packet.
    /// </summary>
    public const int MaxHandshakeSend = EllSwiftKeySize + MaxGarbageLength + GarbageTerminatorSize + V2Packet.Expansion + VersionContentsLength;
}
