using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

/// <summary>The backends this machine can run, as theory data; every test below runs on each of them.</summary>
internal static class Backends
{
    public static TheoryData<string> Single()
    {
        var data = new TheoryData<string>();
        foreach (var backend in Enum.GetValues<Sha256Backend>())
        {
            if (Sha256Backends.IsSupported(backend))
            {
                data.Add(backend.ToString());
            }
        }

        return data;
    }

    /// <summary>Every supported multi-buffer backend with every supported single-message backend (which finishes the tail).</summary>
    public static TheoryData<string, string> Batch()
    {
        var data = new TheoryData<string, string>();
        foreach (var lanes in Enum.GetValues<Sha256Lanes>())
        {
            foreach (var single in new[] { Sha256Backend.Portable, Sha256Backend.OpenSsl })
            {
                if (Sha256Backends.IsSupported(lanes) && Sha256Backends.IsSupported(single))
                {
                    data.Add(lanes.ToString(), single.ToString());
                }
            }
        }

        return data;
    }

    /// <summary>The multi-buffer kernels this machine can run.</summary>
    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var lanes in new[] { Sha256Lanes.Avx2x8, Sha256Lanes.Avx512x16 })
        {
            if (Sha256Backends.IsSupported(lanes))
            {
                data.Add(lanes.ToString());
            }
        }

        return data;
    }

    /// <summary>SHA-256 (once) of the concatenation with the given backend's block function, through the managed padding.</summary>
    public static byte[] Sha256(Sha256Backend backend, params byte[][] parts)
    {
        var hasher = new Sha256Hasher(backend);
        foreach (var part in parts)
        {
            hasher.Append(part);
        }

        var digest = new byte[32];
        hasher.Finish(digest);
        return digest;
    }

    /// <summary>Double SHA-256 with the given backend.</summary>
    public static byte[] DoubleSha(Sha256Backend backend, byte[] data)
    {
        var digest = new byte[32];
        DoubleSha256.HashConcat(backend, data, default, default, digest);
        return digest;
    }

    /// <summary>The reference: System.Security.Cryptography, twice.</summary>
    public static Hash256 Reference(ReadOnlySpan<byte> data) => new(SHA256.HashData(SHA256.HashData(data)));
}

public class Sha256BackendTests
{
    // FIPS 180-2 appendix B (and the empty message), single SHA-256.
    [Theory]
    [MemberData(nameof(Backends.Single), MemberType = typeof(Backends))]
    public void FipsVectors(string backendName)
    {
        var backend = Enum.Parse<Sha256Backend>(backendName);
        Assert.Equal(
            Hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            Backends.Sha256(backend, []));
        Assert.Equal(
            Hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            Backends.Sha256(backend, Encoding.ASCII.GetBytes("abc")));
        Assert.Equal(
            Hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            Backends.Sha256(backend, Encoding.ASCII.GetBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")));
        Assert.Equal(
            Hex("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
            Backends.Sha256(backend, Encoding.ASCII.GetBytes("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")));

        // One million 'a', appended in uneven pieces.
        var hasher = new Sha256Hasher(backend);
        var chunk = Encoding.ASCII.GetBytes(new string('a', 1000));
        int appended = 0;
        for (int size = 1; appended < 1_000_000; size = (size * 7 % 997) + 1)
        {
            int take = Math.Min(size, 1_000_000 - appended);
            hasher.Append(chunk.AsSpan(0, take));
            appended += take;
        }

        var digest = new byte[32];
        hasher.Finish(digest);
        Assert.Equal(Hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), digest);
    }

    [Theory]
    [MemberData(nameof(Backends.Single), MemberType = typeof(Backends))]
    public void EveryLengthAroundTheBlockBoundariesMatchesSystemCryptography(string backendName)
    {
        var backend = Enum.Parse<Sha256Backend>(backendName);
        var data = new byte[300];
        new Random(5).NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            var message = data.AsSpan(0, length).ToArray();
            Assert.Equal(SHA256.HashData(message), Backends.Sha256(backend, message));
            Assert.Equal(Backends.Reference(message).ToArray(), Backends.DoubleSha(backend, message));
        }
    }

    [Theory]
    [MemberData(nameof(Backends.Single), MemberType = typeof(Backends))]
    public void RandomLengthsAndSplitsMatchSystemCryptography(string backendName)
    {
        var backend = Enum.Parse<Sha256Backend>(backendName);
        var random = new Random(7 + (int)backend);
        for (int i = 0; i < 300; i++)
        {
            var data = new byte[random.Next(0, 3001)];
            random.NextBytes(data);
            int a = random.Next(0, data.Length + 1);
            int b = random.Next(a, data.Length + 1);
            Assert.Equal(SHA256.HashData(data), Backends.Sha256(backend, data[..a], data[a..b], data[b..]));

            var expected = Backends.Reference(data).ToArray();
            var digest = new byte[32];
            DoubleSha256.HashConcat(backend, data.AsSpan(0, a), data.AsSpan(a, b - a), data.AsSpan(b), digest);
            Assert.Equal(expected, digest);
        }
    }

    [Theory]
    [MemberData(nameof(Backends.Single), MemberType = typeof(Backends))]
    public void DestinationMayBeTheInput(string backendName)
    {
        var backend = Enum.Parse<Sha256Backend>(backendName);
        var data = new byte[64];
        new Random(3).NextBytes(data);
        var expected = Backends.Reference(data).ToArray();
        DoubleSha256.HashConcat(backend, data, default, default, data);
        Assert.Equal(expected, data.AsSpan(0, 32).ToArray());
    }

    [Fact]
    public void ResumingFromAChainingValueContinuesTheMessage()
    {
        var data = new byte[1000];
        new Random(9).NextBytes(data);
        var first = default(Sha256State);
        first.Reset();
        Sha256Portable.Compress(first.Words, data.AsSpan(0, 640));
        var hasher = Sha256Hasher.Resume(Sha256Backend.Portable, first.Words, 640);
        hasher.Append(data.AsSpan(640));
        var digest = new byte[32];
        hasher.Finish(digest);
        Assert.Equal(SHA256.HashData(data), digest);
    }

    [Fact]
    public void TheChoiceFollowsWhatThePlatformOffers()
    {
        Assert.Equal(Sha256OpenSsl.IsAvailable ? Sha256Backend.OpenSsl : Sha256Backend.Portable, Sha256Backends.Single);
        Assert.Equal(Sha256OpenSsl.IsAvailable, Sha256OpenSsl.LibraryName is not null);
        Assert.True(Sha256Backends.IsSupported(Sha256Backends.Batch));
        if (Sha256x16.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            Assert.Equal(Sha256Lanes.Avx512x16, Sha256Backends.Batch);
        }
        else if (Sha256OpenSsl.IsAvailable && Sha256Backends.CpuHasShaExtensions)
        {
            Assert.Equal(Sha256Lanes.None, Sha256Backends.Batch);
        }
        if (Sha256Backends.Single == Sha256Backend.Portable)
        {
            Assert.Equal(Sha256Backend.Portable, Sha256Backends.ForMessage(Sha256Backends.SystemCryptoThreshold - 1));
            Assert.Equal(Sha256Backend.SystemCrypto, Sha256Backends.ForMessage(Sha256Backends.SystemCryptoThreshold));
        }
        else
        {
            Assert.Equal(Sha256Backend.OpenSsl, Sha256Backends.ForMessage(1 << 20));
        }

        // On Linux x64 with OpenSSL 3 (every machine this project is built and measured on) the native path is found.
        if (OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 && NativeLibrary.TryLoad("libcrypto.so.3", out var library))
        {
            NativeLibrary.Free(library);
            Assert.True(Sha256OpenSsl.IsAvailable);
        }
    }
}

public class Sha256KernelTests
{
    [Theory]
    [MemberData(nameof(Backends.Kernels), MemberType = typeof(Backends))]
    public void EveryLaneComputesThePortableBlockFunction(string lanesName)
    {
        var lanes = Enum.Parse<Sha256Lanes>(lanesName);
        int count = lanes == Sha256Lanes.Avx512x16 ? 16 : 8;
        var random = new Random(11);
        var state = new uint[8 * count];
        var rows = new byte[64 * count];
        var digests = new byte[32 * count];
        for (int round = 0; round < 40; round++)
        {
            for (int i = 0; i < state.Length; i++)
            {
                state[i] = (uint)random.NextInt64();
            }

            random.NextBytes(rows);
            uint restart = round switch
            {
                0 => 0,
                1 => (1u << count) - 1,
                _ => (uint)random.Next(0, 1 << count),
            };
            var expected = new uint[state.Length];
            var expectedDigests = new byte[digests.Length];
            for (int lane = 0; lane < count; lane++)
            {
                var words = new uint[8];
                for (int w = 0; w < 8; w++)
                {
                    words[w] = (restart & (1u << lane)) != 0 ? Sha256Constants.InitialState[w] : state[(w * count) + lane];
                }

                Sha256Portable.Compress(words, rows.AsSpan(lane * 64, 64));
                for (int w = 0; w < 8; w++)
                {
                    expected[(w * count) + lane] = words[w];
                }

                Sha256State.WriteDigest(words, expectedDigests.AsSpan(lane * 32));
            }

            if (lanes == Sha256Lanes.Avx512x16)
            {
                Sha256x16.Compress(state, rows, restart, digests);
            }
            else
            {
                Sha256x8.Compress(state, rows, restart, digests);
            }

            Assert.Equal(expected, state);
            Assert.Equal(expectedDigests, digests);
        }
    }
}
