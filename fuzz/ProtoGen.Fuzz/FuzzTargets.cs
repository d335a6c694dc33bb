namespace ProtoGen.Fuzz;

/// <summary>One fuzzing target: a name for the command line, its property and its seeds.</summary>
/// <param name="Name">The name fuzz/run.sh and the replay test use (also the corpus folder, fuzz/corpus/NAME).</param>
/// <param name="Summary">What it reaches.</param>
/// <param name="Run">
/// Checks the property on one input: returns when it holds (the input was accepted and round-trips, or was rejected
/// with <see cref="ProtocolException"/>), throws anything else when it does not.
/// </param>
/// <param name="Seeds">Its seed inputs, derived from the repository's mainnet data.</param>
public sealed record FuzzTarget(string Name, string Summary, Action<ReadOnlyMemory<byte>> Run, Func<Seeds, IEnumerable<(string Name, byte[] Input)>> Seeds);

/// <summary>Every fuzzing target. fuzz/run.sh, the CI pass and tests/ProtoGen.Fuzz.Tests all take their list from here.</summary>
public static class FuzzTargets
{
    /// <summary>The targets, in the order `fuzz/run.sh all` runs them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("frame", "v1 framing: V1MessageTransport.TryRead over segmented input, payloads decoded from the sequence", FrameTarget.Run, seeds => seeds.ForFrames()),
        new("message", "every message decoder in BitcoinMessages.Messages, span and memory", MessageTarget.Run, seeds => seeds.ForMessages()),
        new("tx", "the transaction decoder, span and lazy memory paths", TransactionTarget.Run, seeds => seeds.ForTransactions()),
        new("block", "the block decoder, span and lazy memory paths, every transaction's parts read", BlockTarget.Run, seeds => seeds.ForBlocks()),

        new("v2", "BIP324 packets: V2PacketDecoder.TryRead over segmented input with fixed keys, raw or encrypted by the harness first, then the message type and decoder of each packet's contents", V2PacketTarget.Run, V2PacketTarget.SeedsFrom),
    ];

    /// <summary>The target named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The name.</param>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(target => target.Name == name);
}
