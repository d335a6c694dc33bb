using System.Buffers;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>
/// Small-message corpora and the allocation arithmetic of the allocation tests: bytes allocated per message beyond
/// what the decoded message itself takes.
/// </summary>
internal static class Allocations
{
    /// <summary>The small messages the tests stream, each kind on its own.</summary>
    public static TheoryData<string> Kinds => new() { "inv", "ping", "pong", "getdata", "tx" };

    /// <summary>A small message of <paramref name="kind"/>; <paramref name="i"/> varies its content.</summary>
    public static IMessage Create(string kind, int i) => kind switch
    {
        "inv" => new InvMessage { Inventory = Inventory(i, InventoryType.WitnessTx) },
        "getdata" => new GetDataMessage { Inventory = Inventory(i, InventoryType.WitnessTx) },
        "ping" => new PingMessage { Nonce = (ulong)i },
        "pong" => new PongMessage { Nonce = (ulong)i },
        "tx" => SmallTransaction,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>50 inventory entries, as a node announces transactions.</summary>
    public static InventoryVector[] Inventory(int seed, InventoryType type)
    {
        var items = new InventoryVector[50];
        for (int j = 0; j < items.Length; j++)
        {
            var hash = new byte[32];
            BitConverter.TryWriteBytes(hash, seed);
            BitConverter.TryWriteBytes(hash.AsSpan(4), j);
            items[j] = new InventoryVector(type, new Hash256(hash));
        }

        return items;
    }

    /// <summary>A real segwit transaction of a few hundred bytes (decoded in place, below the large-payload limit).</summary>
    public static Transaction SmallTransaction { get; } = PickSmallTransaction();

    /// <summary>
    /// The bytes the decoded message of <paramref name="frame"/> takes on its own: its payload decoded the way a reader
    /// decodes it (<see cref="PayloadReader"/> and the generated <see cref="BitcoinMessages.Decode"/>), measured after
    /// a warm-up decode.
    /// </summary>
    public static long DecodedSize(byte[] frame)
    {
        var payload = new ReadOnlySequence<byte>(frame.AsMemory(FrameHeader.Size));
        var command = MessageCommand.FromBytes(frame.AsSpan(sizeof(uint), MessageCommand.Size));
        Decode(command, payload);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Decode(command, payload);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Bytes per message beyond the decoded messages.</summary>
    public static double ExcessPerMessage(long allocated, int messages, long decodedSize) =>
        (allocated - (messages * decodedSize)) / (double)messages;

    private static IMessage Decode(MessageCommand command, ReadOnlySequence<byte> payload)
    {
        var reader = PayloadReader.Create(payload, default, WireContext.Default, out byte[]? rented);
        try
        {
            return BitcoinMessages.Decode(command, ref reader) ?? throw new InvalidOperationException($"{command} did not decode");
        }
        finally
        {
            PayloadReader.Return(rented);
        }
    }

    private static Transaction PickSmallTransaction()
    {
        foreach (var tx in BlockData.Load(BlockData.Segwit1).Transactions)
        {
            int size = WireSerializer.GetEncodedSize(tx);
            if (tx.HasWitness && size is > 200 and < 600)
            {
                return tx;
            }
        }

        throw new InvalidOperationException("no small segwit transaction in the block");
    }
}
