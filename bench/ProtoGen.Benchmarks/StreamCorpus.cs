using System.Collections.Concurrent;
using ProtoGen;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Benchmarks;

/// <summary>
/// The message streams of the throughput benchmarks, framed for mainnet: <c>blocks</c> (the three mainnet blocks ten
/// times: 30 block messages), <c>inv</c> (10,000 inv messages of 50 entries) and <c>mixed</c> (ten rounds of one block,
/// 100 inv of 50 entries, 100 pings and 50 transactions of block 574200).
/// </summary>
public static class StreamCorpus
{
    /// <summary>The stream names, in table order.</summary>
    public static IEnumerable<string> Names => ["blocks", "inv", "mixed"];

    private static readonly ConcurrentDictionary<string, (IMessage[] Messages, byte[] Bytes)> s_streams = new();

    /// <summary>The messages of a stream, in order.</summary>
    public static IMessage[] Messages(string name) => Get(name).Messages;

    /// <summary>The stream's frames, concatenated.</summary>
    public static byte[] Bytes(string name) => Get(name).Bytes;

    private static (IMessage[] Messages, byte[] Bytes) Get(string name) => s_streams.GetOrAdd(name, static n =>
    {
        var messages = Build(n);
        var bytes = new MemoryStream();
        foreach (var message in messages)
        {
            bytes.Write(Frame.ToArray(BitcoinNetwork.Mainnet.Magic, message));
        }

        return (messages, bytes.ToArray());
    });

    private static IMessage[] Build(string name)
    {
        var blocks = BlockCorpus.Names.Select(b => (IMessage)WireSerializer.Decode<Block>(BlockCorpus.Read(b).AsMemory())).ToArray();
        var list = new List<IMessage>();
        switch (name)
        {
            case "blocks":
                for (int round = 0; round < 10; round++)
                {
                    list.AddRange(blocks);
                }

                break;
            case "inv":
                for (int i = 0; i < 10_000; i++)
                {
                    list.Add(Inv(i));
                }

                break;
            case "mixed":
                var transactions = ((Block)blocks[1]).Transactions;
                for (int round = 0; round < 10; round++)
                {
                    list.Add(blocks[round % blocks.Length]);
                    for (int i = 0; i < 100; i++)
                    {
                        list.Add(Inv((round * 100) + i));
                        list.Add(new PingMessage { Nonce = (ulong)((round * 100) + i) });
                        if (i % 2 == 0)
                        {
                            list.Add(transactions[1 + (round * 50) + (i / 2)]);
                        }
                    }
                }

                break;
            default:
                throw new ArgumentException("unknown stream " + name, nameof(name));
        }

        return [.. list];
    }

    private static InvMessage Inv(int seed)
    {
        var items = new InventoryVector[50];
        for (int i = 0; i < items.Length; i++)
        {
            var hash = new byte[32];
            BitConverter.TryWriteBytes(hash, (seed * 50) + i);
            hash[31] = 0x5a;
            items[i] = new InventoryVector(i % 2 == 0 ? InventoryType.WitnessTx : InventoryType.Tx, new Hash256(hash));
        }

        return new InvMessage { Inventory = new WireArray<InventoryVector>(items) };
    }
}

/// <summary>Counts what the generated dispatch delivers (and keeps a checksum of it so nothing is optimised away).</summary>
internal sealed class StreamListener : IBitcoinListener<object?>
{
    public int Messages { get; private set; }

    public long Checksum { get; private set; }

    public void Reset() => (Messages, Checksum) = (0, 0);

    public void OnBlock(object? peer, Block message) => Seen(message.Transactions.Count);

    public void OnInv(object? peer, InvMessage message) => Seen(message.Inventory.Count);

    public void OnPing(object? peer, PingMessage message) => Seen((long)message.Nonce);

    public void OnTransaction(object? peer, Transaction message) => Seen(message.Inputs.Count);

    public void OnUnknown(object? peer, RawFrame frame) => throw new InvalidOperationException("unexpected " + frame.Command);

    private void Seen(long value)
    {
        Messages++;
        Checksum += value;
    }
}
