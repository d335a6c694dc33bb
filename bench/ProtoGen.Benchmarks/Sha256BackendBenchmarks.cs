using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ProtoGen;

namespace ProtoGen.Benchmarks;

/// <summary>
/// Double SHA-256 of small messages on each SHA-256 backend this machine can run, forced one by one: an operation
/// hashes <see cref="Messages"/> messages of <see cref="Size"/> bytes, and BenchmarkDotNet divides by that count, so
/// Mean is the time per message. Rows:
/// <list type="bullet">
/// <item><c>Portable</c>, <c>OpenSsl</c>, <c>SystemCrypto</c>: one message at a time on that single-message backend
/// (<c>SystemCrypto</c> is the reused per-thread <c>IncrementalHash</c> ProtoGen used before);</item>
/// <item><c>BclOneShot</c>: <c>SHA256.HashData</c> twice, what code without a reused context pays;</item>
/// <item><c>Avx2x8</c>, <c>Avx512x16</c>: all the messages in one <c>DoubleSha256.HashMany</c> call on that
/// multi-buffer kernel.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class Sha256BackendBenchmarks
{
    /// <summary>Messages per operation.</summary>
    public const int Messages = 64;

    private byte[] _bytes = [];
    private HashInput[] _inputs = [];
    private Hash256[] _hashes = [];
    private Sha256Backend _single;
    private Sha256Lanes _lanes;
    private bool _oneShot;

    /// <summary>The backend (see the class remarks).</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = nameof(Sha256Backend.Portable);

    /// <summary>The message size in bytes.</summary>
    [Params(64, 250, 1024)]
    public int Size { get; set; } = 64;

    /// <summary>The backends this machine can run.</summary>
    public static IEnumerable<string> Backends
    {
        get
        {
            foreach (var backend in Enum.GetValues<Sha256Backend>())
            {
                if (Sha256Backends.IsSupported(backend))
                {
                    yield return backend.ToString();
                }
            }

            yield return "BclOneShot";
            foreach (var lanes in Enum.GetValues<Sha256Lanes>())
            {
                if (lanes != Sha256Lanes.None && Sha256Backends.IsSupported(lanes))
                {
                    yield return lanes.ToString();
                }
            }
        }
    }

    /// <summary>Builds the messages and checks the backend against System.Security.Cryptography.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _oneShot = Backend == "BclOneShot";
        _lanes = Enum.TryParse<Sha256Lanes>(Backend, out var lanes) ? lanes : Sha256Lanes.None;
        _single = Enum.TryParse<Sha256Backend>(Backend, out var single) ? single : Sha256Backends.Single;
        _bytes = new byte[Messages * Size];
        new Random(Size).NextBytes(_bytes);
        _inputs = new HashInput[Messages];
        _hashes = new Hash256[Messages];
        for (int i = 0; i < Messages; i++)
        {
            _inputs[i] = new HashInput(_bytes.AsMemory(i * Size, Size));
        }

        DoubleSha256();
        for (int i = 0; i < Messages; i++)
        {
            var expected = new Hash256(SHA256.HashData(SHA256.HashData(_bytes.AsSpan(i * Size, Size))));
            Check.Equal(expected, _hashes[i], Backend + " message " + i);
        }
    }

    /// <summary>Double SHA-256 of every message on the backend.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public Hash256 DoubleSha256()
    {
        if (_lanes != Sha256Lanes.None)
        {
            ProtoGen.DoubleSha256.HashMany(_lanes, _single, _inputs, _hashes);
            return _hashes[^1];
        }

        Span<byte> digest = stackalloc byte[Hash256.Size];
        var bytes = _bytes.AsSpan();
        for (int i = 0; i < Messages; i++)
        {
            var message = bytes.Slice(i * Size, Size);
            if (_oneShot)
            {
                SHA256.HashData(message, digest);
                SHA256.HashData(digest, digest);
            }
            else
            {
                ProtoGen.DoubleSha256.HashConcat(_single, message, default, default, digest);
            }

            _hashes[i] = new Hash256(digest);
        }

        return _hashes[^1];
    }
}
