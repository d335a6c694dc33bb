using System.Buffers;
using System.Text;
using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

public class IncrementalDoubleSha256Tests
{
    [Theory]
    [MemberData(nameof(Backends.Single), MemberType = typeof(Backends))]
    public void PiecesGiveTheHashOfTheWhole(string backendName)
    {
        var backend = Enum.Parse<Sha256Backend>(backendName);
        var random = new Random(29);
        var hasher = new IncrementalDoubleSha256(backend);
        for (int i = 0; i < 100; i++)
        {
            var data = new byte[random.Next(0, 2000)];
            random.NextBytes(data);
            int offset = 0;
            while (offset < data.Length)
            {
                int take = Math.Min(random.Next(0, 150), data.Length - offset);
                hasher.Append(data.AsSpan(offset, take));
                offset += take;
            }

            Assert.Equal(data.Length, hasher.Length);
            Assert.Equal(Backends.Reference(data), hasher.GetHashAndReset());
            Assert.Equal(0, hasher.Length);
        }
    }

    [Fact]
    public void DefaultInstanceWorksAndSequencesAreAppendedSegmentBySegment()
    {
        var data = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog, again and again and again");
        var hasher = default(IncrementalDoubleSha256);
        Assert.Equal(Backends.Reference([]), hasher.GetHashAndReset());
        hasher.Append(Segmented(data, 1, 0, 7, 64));
        var destination = new byte[40];
        hasher.GetHashAndReset(destination);
        Assert.Equal(Backends.Reference(data).ToArray(), destination[..32]);
        Assert.Throws<ArgumentException>(() => new IncrementalDoubleSha256().GetHashAndReset(new byte[31]));
    }

    [Fact]
    public void SequenceHashAndChecksumMatchTheSpanVersions()
    {
        var random = new Random(31);
        foreach (int length in new[] { 0, 1, 63, 64, 65, 1000, 1023, 1024, 5000, 70_000 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var whole = new ReadOnlySequence<byte>(data);
            var split = Segmented(data, random.Next(0, length + 1), random.Next(0, 100), 3);
            Assert.Equal(DoubleSha256.Hash(data), DoubleSha256.Hash(whole));
            Assert.Equal(DoubleSha256.Hash(data), DoubleSha256.Hash(split));
            Assert.Equal(DoubleSha256.Checksum(data), DoubleSha256.Checksum(split));
            Assert.Equal(Backends.Reference(data), DoubleSha256.Hash(split));
        }
    }

    [Fact]
    public void ChecksumOfAMultiSegmentSequenceAllocatesNothing()
    {
        var data = new byte[4000];
        new Random(37).NextBytes(data);
        var split = Segmented(data, 100, 1000, 7, 1500);
        uint expected = DoubleSha256.Checksum(data);
        Assert.Equal(expected, DoubleSha256.Checksum(split));
        uint mismatches = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            mismatches += DoubleSha256.Checksum(split) ^ expected;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0u, mismatches);
        Assert.Equal(0, allocated);
    }
}
