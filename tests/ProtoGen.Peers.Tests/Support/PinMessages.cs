using ProtoGen.Peers;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>
/// A user message set of the test assembly, generated like any user's (docs/extending.md): its dispatcher goes into
/// <see cref="PeerConfig.MessageSets"/>, its messages to the generated <c>IPinListener&lt;TPeer&gt;</c>.
/// </summary>
[MessageSet("Pin")]
public static partial class PinMessages
{
}

/// <summary>The <c>pinmsg</c> message: one number.</summary>
[Message("pinmsg")]
public sealed partial record PinMessage
{
    /// <summary>Any value.</summary>
    public ulong Value { get; init; }
}
