using System.Buffers;

namespace ProtoGen.Runtime.Tests;

public class HashManyTests
{
    [Theory]
    [MemberData(nameof(Backends.Batch), MemberType = typeof(Backends))]
    public void RandomMessagesInUpToThreeRunsMatchTheReference(string lanesName, string singleName)
    {
        var lanes = Enum.Parse<Sha256Lanes>(lanesName);
        var single = Enum.Parse<Sha256Backend>(singleName);
        var random = new Random(13);
        var pool = new byte[20_000];
        random.NextBytes(pool);
        foreach (int count in new[] { 0, 1, 7, 8, 9, 16, 17, 100, 333 })
        {
            var inputs = new HashInput[count];
            var expected = new Hash256[count];
            for (int i = 0; i < count; i++)
            {
                int length = random.Next(4) switch
                {
                    0 => random.Next(0, 130),
                    1 => 64 * random.Next(0, 5),
                    2 => (64 * random.Next(1, 5)) - 9 + random.Next(0, 3),
                    _ => random.Next(0, 3001),
                };
                int start = random.Next(0, pool.Length - length);
                var message = pool.AsMemory(start, length);
                int a = random.Next(0, length + 1);
                int b = random.Next(a, length + 1);
                inputs[i] = random.Next(3) switch
                {
                    0 => new HashInput(message),
                    1 => new HashInput(message[..a], message[a..]),
                    _ => new HashInput(message[..a], message[a..b], message[b..]),
                };
                expected[i] = Backends.Reference(message.Span);
            }

            var actual = new Hash256[count + 1];
            DoubleSha256.HashMany(lanes, single, inputs, actual);
            Assert.Equal(expected, actual[..count]);
            Assert.Equal(default, actual[count]);
        }
    }

    [Theory]
    [MemberData(nameof(Backends.Batch), MemberType = typeof(Backends))]
    public void LongMessagesAmongShortOnesAreFinishedCorrectly(string lanesName, string singleName)
    {
        var lanes = Enum.Parse<Sha256Lanes>(lanesName);
        var single = Enum.Parse<Sha256Backend>(singleName);
        // Long messages at the start, the middle and the end: the lanes run out of short ones while the long ones
        // still have hundreds of blocks to go, so they are handed over to the single-message backend mid-message.
        var random = new Random(17);
        var lengths = new List<int>();
        for (int i = 0; i < 60; i++)
        {
            lengths.Add(i is 0 or 30 or 58 ? 100_000 + random.Next(0, 64) : random.Next(6, 400));
        }

        var messages = lengths.Select(length =>
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }).ToArray();
        var inputs = messages.Select(m => new HashInput(m.AsMemory(0, 3), m.AsMemory(3, m.Length / 2 - 3), m.AsMemory(m.Length / 2))).ToArray();
        var actual = new Hash256[inputs.Length];
        DoubleSha256.HashMany(lanes, single, inputs, actual);
        Assert.Equal(messages.Select(m => Backends.Reference(m)).ToArray(), actual);
    }

    [Theory]
    [MemberData(nameof(Backends.Batch), MemberType = typeof(Backends))]
    public void MessagesNotBackedByArraysAreHashedToo(string lanesName, string singleName)
    {
        var lanes = Enum.Parse<Sha256Lanes>(lanesName);
        var single = Enum.Parse<Sha256Backend>(singleName);
        var random = new Random(19);
        var bytes = new byte[500];
        random.NextBytes(bytes);
        using var native = new NativeMemory(bytes);
        var inputs = new HashInput[]
        {
            new(bytes.AsMemory(0, 100)),
            new(native.Memory[..50], bytes.AsMemory(50, 50)),
            new(native.Memory),
            ReadOnlyMemory<byte>.Empty,
            new(bytes),
        };
        var actual = new Hash256[inputs.Length];
        DoubleSha256.HashMany(lanes, single, inputs, actual);
        Assert.Equal(
            new[] { Backends.Reference(bytes.AsSpan(0, 100)), Backends.Reference(bytes.AsSpan(0, 100)), Backends.Reference(bytes), Backends.Reference([]), Backends.Reference(bytes) },
            actual);
    }

    [Fact]
    public void PublicEntryPointChecksTheDestination()
    {
        var inputs = new HashInput[] { new(new byte[3]) };
        Assert.Throws<ArgumentException>(() => DoubleSha256.HashMany(inputs, Span<Hash256>.Empty));
        var one = new Hash256[1];
        DoubleSha256.HashMany(inputs, one);
        Assert.Equal(DoubleSha256.Hash(new byte[3]), one[0]);
    }

    /// <summary>Memory that does not say it is an array (as a pipe or a memory-mapped file can give).</summary>
    private sealed class NativeMemory(byte[] contents) : MemoryManager<byte>
    {
        private readonly byte[] _bytes = (byte[])contents.Clone();

        public override Span<byte> GetSpan() => _bytes;

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}

public class HashPairsTests
{
    [Theory]
    [MemberData(nameof(Backends.Batch), MemberType = typeof(Backends))]
    public void EveryCountMatchesHashingEachPair(string lanesName, string singleName)
    {
        var lanes = Enum.Parse<Sha256Lanes>(lanesName);
        var single = Enum.Parse<Sha256Backend>(singleName);
        var random = new Random(23);
        for (int pairs = 0; pairs <= 70; pairs++)
        {
            var nodes = new Hash256[pairs * 2];
            var bytes = new byte[32];
            for (int i = 0; i < nodes.Length; i++)
            {
                random.NextBytes(bytes);
                nodes[i] = new Hash256(bytes);
            }

            var expected = new Hash256[pairs];
            for (int i = 0; i < pairs; i++)
            {
                var pair = new byte[64];
                nodes[2 * i].WriteTo(pair);
                nodes[(2 * i) + 1].WriteTo(pair.AsSpan(32));
                expected[i] = Backends.Reference(pair);
                Assert.Equal(expected[i], DoubleSha256.HashPair(nodes[2 * i], nodes[(2 * i) + 1]));
            }

            var separate = new Hash256[pairs];
            DoubleSha256.HashPairs(lanes, single, nodes, separate);
            Assert.Equal(expected, separate);

            // In place, as a merkle tree computes a level.
            DoubleSha256.HashPairs(lanes, single, nodes, nodes);
            Assert.Equal(expected, nodes[..pairs]);
        }
    }

    [Fact]
    public void OddCountsShortDestinationsAndShiftedOverlapsAreRejected()
    {
        var nodes = new Hash256[8];
        Assert.Throws<ArgumentException>(() => DoubleSha256.HashPairs(nodes.AsSpan(0, 7), nodes.AsSpan(0, 4)));
        Assert.Throws<ArgumentException>(() => DoubleSha256.HashPairs(nodes, new Hash256[3]));
        Assert.Throws<ArgumentException>(() => DoubleSha256.HashPairs(nodes, nodes.AsSpan(1)));
        DoubleSha256.HashPairs(nodes.AsSpan(0, 4), nodes.AsSpan(4));
    }
}
