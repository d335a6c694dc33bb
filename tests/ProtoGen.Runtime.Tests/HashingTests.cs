using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

public class Hash256Tests
{
    private const string GenesisHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

    [Fact]
    public void ParseReversesTheDisplayedBytes()
    {
        var hash = Hash256.Parse(GenesisHash);
        var wire = hash.ToArray();
        Assert.Equal(0x6F, wire[0]);
        Assert.Equal(0xE2, wire[1]);
        Assert.Equal(0x00, wire[31]);
        var reversed = Convert.FromHexString(GenesisHash);
        Array.Reverse(reversed);
        Assert.Equal(reversed, wire);
        Assert.Equal(GenesisHash, hash.ToString());
    }

    [Fact]
    public void ToStringIsLowerCaseAndParseAcceptsUpperCase()
    {
        var hash = Hash256.Parse(GenesisHash.ToUpperInvariant());
        Assert.Equal(GenesisHash, hash.ToString());
        Assert.True(Hash256.TryParse(GenesisHash.AsSpan(), out var parsed));
        Assert.Equal(hash, parsed);
    }

    [Fact]
    public void RandomHashesRoundTrip()
    {
        var random = new Random(11);
        var bytes = new byte[32];
        for (int i = 0; i < 200; i++)
        {
            random.NextBytes(bytes);
            var hash = new Hash256(bytes);
            Assert.Equal(bytes, hash.ToArray());
            Assert.Equal(hash, Hash256.Parse(hash.ToString()));
            var destination = new byte[40];
            hash.WriteTo(destination);
            Assert.Equal(bytes, destination.AsSpan(0, 32).ToArray());
            Assert.Equal(new byte[8], destination.AsSpan(32).ToArray());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26")]
    [InlineData("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f0")]
    [InlineData("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f00")]
    [InlineData("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26g")]
    [InlineData(" 00000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")]
    public void MalformedTextIsRejected(string text)
    {
        Assert.False(Hash256.TryParse(text, out var hash));
        Assert.True(hash.IsZero);
        Assert.Throws<FormatException>(() => Hash256.Parse(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void WrongByteCountsAreRejected(int length)
    {
        Assert.Throws<ArgumentException>(() => new Hash256(new byte[length]));
    }

    [Fact]
    public void WriteToRejectsAShortDestination()
    {
        var hash = Hash256.Parse(GenesisHash);
        Assert.Throws<ArgumentException>(() => hash.WriteTo(new byte[31]));
    }

    [Fact]
    public void IsZeroOnlyWhenEveryByteIsZero()
    {
        Assert.True(Hash256.Zero.IsZero);
        Assert.True(default(Hash256).IsZero);
        Assert.True(new Hash256(new byte[32]).IsZero);
        Assert.Equal(new string('0', 64), Hash256.Zero.ToString());
        for (int i = 0; i < 32; i++)
        {
            var bytes = new byte[32];
            bytes[i] = 0x01;
            Assert.False(new Hash256(bytes).IsZero);
            bytes[i] = 0x80;
            Assert.False(new Hash256(bytes).IsZero);
        }
    }

    [Fact]
    public void EqualityUsesEveryByte()
    {
        var baseline = new byte[32];
        new Random(5).NextBytes(baseline);
        var a = new Hash256(baseline);
        var b = new Hash256((byte[])baseline.Clone());
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals((object)b));
        Assert.False(a.Equals("not a hash"));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());

        for (int i = 0; i < 32; i++)
        {
            var changed = (byte[])baseline.Clone();
            changed[i] ^= 0x01;
            var c = new Hash256(changed);
            Assert.NotEqual(a, c);
            Assert.True(a != c);
            Assert.NotEqual(0, a.CompareTo(c));
        }
    }

    [Fact]
    public void ComparesAsA256BitLittleEndianNumber()
    {
        var high = new byte[32];
        high[31] = 0x01; // the most significant byte
        var low = new byte[32];
        for (int i = 0; i < 31; i++)
        {
            low[i] = 0xFF;
        }

        var big = new Hash256(high);
        var small = new Hash256(low);
        Assert.True(big > small);
        Assert.True(big >= small);
        Assert.True(small < big);
        Assert.True(small <= big);
        Assert.False(big < small);
        Assert.True(big.CompareTo(small) > 0);
        Assert.True(small.CompareTo(big) < 0);
        Assert.Equal(0, big.CompareTo(new Hash256(high)));
        Assert.True(big <= new Hash256(high));
        Assert.True(big >= new Hash256(high));

        var random = new Random(99);
        var x = new byte[32];
        var y = new byte[32];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(x);
            random.NextBytes(y);

            // Make long shared prefixes (from the top) common, so that every 64-bit word decides some comparisons.
            int shared = random.Next(0, 33);
            for (int k = 0; k < shared; k++)
            {
                y[31 - k] = x[31 - k];
            }

            int expected = new BigInteger(x, isUnsigned: true, isBigEndian: false).CompareTo(new BigInteger(y, isUnsigned: true, isBigEndian: false));
            int actual = new Hash256(x).CompareTo(new Hash256(y));
            Assert.Equal(Math.Sign(expected), Math.Sign(actual));
        }
    }

    [Fact]
    public void GenesisBlockHashMeetsItsProofOfWorkTarget()
    {
        // Compact target 0x1d00ffff: 0x00ffff * 256^(0x1d - 3), as a little-endian 256-bit number.
        var target = new byte[32];
        target[0x1d - 3] = 0xFF;
        target[0x1d - 2] = 0xFF;
        var limit = new Hash256(target);
        var genesis = Hash256.Parse(GenesisHash);
        Assert.True(genesis < limit);
        Assert.True(genesis.CompareTo(limit) < 0);
    }

    [Fact]
    public void SortsNumerically()
    {
        var hashes = new[]
        {
            Hash256.Parse("8000000000000000000000000000000000000000000000000000000000000000"),
            Hash256.Parse("0000000000000000000000000000000000000000000000000000000000000001"),
            Hash256.Parse("0000000000000000000000000000000100000000000000000000000000000000"),
            Hash256.Zero,
            Hash256.Parse("00000000000000000000000000000000000000000000000000000000000000ff"),
        };
        Array.Sort(hashes);
        Assert.Equal(
            [
                new string('0', 64),
                "0000000000000000000000000000000000000000000000000000000000000001",
                "00000000000000000000000000000000000000000000000000000000000000ff",
                "0000000000000000000000000000000100000000000000000000000000000000",
                "8000000000000000000000000000000000000000000000000000000000000000",
            ],
            hashes.Select(h => h.ToString()).ToArray());
    }
}

public class DoubleSha256Tests
{
    // Vectors computed independently with `printf ... | sha256sum | xxd -r -p | sha256sum`; natural byte order.
    [Theory]
    [InlineData("", "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456")]
    [InlineData("abc", "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358")]
    [InlineData("hello", "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50")]
    public void KnownVectors(string text, string natural)
    {
        var data = Encoding.ASCII.GetBytes(text);
        var expected = Convert.FromHexString(natural);
        Assert.Equal(expected, DoubleSha256.Hash(data).ToArray());

        // Typed as a Span: with two arrays, overload resolution picks the three-slice overload instead.
        Span<byte> destination = new byte[40];
        DoubleSha256.Hash(data, destination);
        Assert.Equal(expected, destination.Slice(0, 32).ToArray());
    }

    [Fact]
    public void ThousandZeroBytes()
    {
        Assert.Equal(
            Convert.FromHexString("3fa2b684fa9d80f04b70187e6c9ff1c8dd422ce1846beb79cf5e1546c7062d41"),
            DoubleSha256.Hash(new byte[1000]).ToArray());
    }

    [Fact]
    public void GenesisHeaderHashesToTheGenesisBlockHash()
    {
        var header = Hex(
            "01000000" + new string('0', 64) +
            "3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a" +
            "29ab5f49" + "ffff001d" + "1dac2b7c");
        Assert.Equal(80, header.Length);
        Assert.Equal("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", DoubleSha256.Hash(header).ToString());
    }

    [Fact]
    public void ThreeSliceOverloadEqualsHashingTheConcatenation()
    {
        var random = new Random(17);
        for (int i = 0; i < 300; i++)
        {
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            int a = random.Next(0, data.Length + 1);
            int b = random.Next(a, data.Length + 1);
            var expected = DoubleSha256.Hash(data);
            Assert.Equal(expected, DoubleSha256.HashConcat(data.AsSpan(0, a), data.AsSpan(a, b - a), data.AsSpan(b)));
            Assert.Equal(DoubleSha256.Hash(data.AsSpan(0, b)), DoubleSha256.HashConcat((ReadOnlySpan<byte>)data.AsSpan(0, a), (ReadOnlySpan<byte>)data.AsSpan(a, b - a)));
        }

        Assert.Equal(DoubleSha256.Hash(ReadOnlySpan<byte>.Empty), DoubleSha256.HashConcat(ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void ThreeSliceOverloadIsIndependentPerThread()
    {
        var inputs = new byte[64][];
        var expected = new Hash256[inputs.Length];
        var random = new Random(23);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = new byte[random.Next(1, 5000)];
            random.NextBytes(inputs[i]);
            expected[i] = DoubleSha256.Hash(inputs[i]);
        }

        var results = new Hash256[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var data = inputs[i];
            int half = data.Length / 2;
            for (int repeat = 0; repeat < 20; repeat++)
            {
                results[i] = DoubleSha256.HashConcat((ReadOnlySpan<byte>)data.AsSpan(0, half), (ReadOnlySpan<byte>)data.AsSpan(half));
            }
        });
        Assert.Equal(expected, results);
    }

    [Fact]
    public void HashPairHashesTheConcatenatedChildren()
    {
        var left = DoubleSha256.Hash(ReadOnlySpan<byte>.Empty);
        var right = DoubleSha256.Hash("abc"u8);
        var pair = DoubleSha256.HashPair(left, right);

        var concatenated = new byte[64];
        left.WriteTo(concatenated);
        right.WriteTo(concatenated.AsSpan(32));
        Assert.Equal(DoubleSha256.Hash(concatenated), pair);

        // Computed independently in the shell over the two natural-order digests.
        Assert.Equal(Convert.FromHexString("e988d16697e36ff4da8dc73e81667488e5e1384bec893551bfaa4326b4d27dac"), pair.ToArray());
        Assert.NotEqual(pair, DoubleSha256.HashPair(right, left));
    }

    [Fact]
    public void ChecksumIsTheFirstFourBytesLittleEndian()
    {
        uint empty = DoubleSha256.Checksum([]);
        Assert.Equal(0xE2E0F65Du, empty);
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, empty);
        Assert.Equal(Hex("5DF6E0E2"), bytes);

        var random = new Random(31);
        for (int i = 0; i < 100; i++)
        {
            var data = new byte[random.Next(0, 500)];
            random.NextBytes(data);
            Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(DoubleSha256.Hash(data).ToArray()), DoubleSha256.Checksum(data));
        }
    }
}
