using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ProtoGen;

/// <summary>How one message at a time is hashed.</summary>
internal enum Sha256Backend
{
    /// <summary><see cref="Sha256Portable"/>: managed scalar code, always available.</summary>
    Portable,

    /// <summary><see cref="Sha256OpenSsl"/>: libcrypto's block function (SHA-NI on this kind of machine), when found.</summary>
    OpenSsl,

    /// <summary>
    /// <c>System.Security.Cryptography</c> (one reused <c>IncrementalHash</c> per thread), for whole messages only:
    /// used for long messages when <see cref="OpenSsl"/> is missing (Windows, macOS), where the platform's hash is far
    /// faster than <see cref="Portable"/> once its per-call cost is paid.
    /// </summary>
    SystemCrypto,
}

/// <summary>How many messages at once are hashed (multi-buffer SIMD), when a caller has many.</summary>
internal enum Sha256Lanes
{
    /// <summary>No SIMD: one message at a time with the single-message backend.</summary>
    None,

    /// <summary><see cref="Sha256x8"/>: eight messages in the lanes of AVX2 registers.</summary>
    Avx2x8,

    /// <summary><see cref="Sha256x16"/>: sixteen messages in the lanes of AVX-512 registers.</summary>
    Avx512x16,
}

/// <summary>
/// Which SHA-256 implementation runs where, chosen once per process from what the machine and platform offer. Every
/// internal hashing entry point also takes the backend as an argument, so tests run each one against the same vectors.
/// </summary>
internal static class Sha256Backends
{
    /// <summary>
    /// Messages at least this long go to <see cref="Sha256Backend.SystemCrypto"/> when the single-message backend is
    /// <see cref="Sha256Backend.Portable"/>: one block. Measured here (Linux, where that is OpenSSL's EVP layer, the
    /// slowest per call of the platform hashes: about 0.8 µs a message, then hardware speed), the portable code costs
    /// 0.24-0.4 µs a block, so the platform hash wins from about 64-192 bytes on (Windows and macOS, where this rule
    /// applies, hash with CNG and CommonCrypto instead, not measured here). Shorter messages (a 32-byte digest) stay on
    /// the portable code.
    /// </summary>
    public const int SystemCryptoThreshold = Sha256Constants.BlockSize;

    /// <summary>The single-message backend: <see cref="Sha256Backend.OpenSsl"/> when found, else <see cref="Sha256Backend.Portable"/>.</summary>
    public static readonly Sha256Backend Single = Sha256OpenSsl.IsAvailable ? Sha256Backend.OpenSsl : Sha256Backend.Portable;

    /// <summary>
    /// The multi-buffer backend: AVX-512 when the JIT uses 512-bit vectors; else AVX2, unless libcrypto runs on SHA
    /// extensions (one message at a time on SHA-NI beats eight AVX2 lanes: docs/benchmarks.md); else none.
    /// </summary>
    public static readonly Sha256Lanes Batch = ChooseLanes();

    /// <summary>Whether <paramref name="lanes"/> can run on this machine.</summary>
    /// <param name="lanes">The multi-buffer backend.</param>
    public static bool IsSupported(Sha256Lanes lanes) => lanes switch
    {
        Sha256Lanes.None => true,
        Sha256Lanes.Avx2x8 => Sha256x8.IsSupported,
        Sha256Lanes.Avx512x16 => Sha256x16.IsSupported,
        _ => false,
    };

    /// <summary>Whether <paramref name="backend"/> can run on this machine.</summary>
    /// <param name="backend">The single-message backend.</param>
    public static bool IsSupported(Sha256Backend backend) => backend switch
    {
        Sha256Backend.Portable or Sha256Backend.SystemCrypto => true,
        Sha256Backend.OpenSsl => Sha256OpenSsl.IsAvailable,
        _ => false,
    };

    /// <summary>The backend for one whole message of <paramref name="length"/> bytes.</summary>
    /// <param name="length">The message length.</param>
    public static Sha256Backend ForMessage(long length) => ForMessage(Single, length);

    /// <summary>The backend for one whole message of <paramref name="length"/> bytes when the single-message backend is <paramref name="single"/>.</summary>
    /// <param name="single">The single-message backend.</param>
    /// <param name="length">The message length.</param>
    public static Sha256Backend ForMessage(Sha256Backend single, long length) =>
        single == Sha256Backend.Portable && length >= SystemCryptoThreshold ? Sha256Backend.SystemCrypto : single;

    /// <summary>Runs the block function of <paramref name="backend"/> over whole blocks.</summary>
    /// <param name="backend">The backend (<see cref="Sha256Backend.SystemCrypto"/> has no block function and runs the portable one).</param>
    /// <param name="state">The state.</param>
    /// <param name="blocks">Whole blocks.</param>
    public static void Compress(Sha256Backend backend, ref Sha256State state, ReadOnlySpan<byte> blocks)
    {
        if (backend == Sha256Backend.OpenSsl)
        {
            Sha256OpenSsl.Compress(ref state, blocks);
        }
        else
        {
            Sha256Portable.Compress(state.Words, blocks);
        }
    }

    /// <summary>Whether the x86 CPU has the SHA extensions (CPUID leaf 7, EBX bit 29), which libcrypto then uses.</summary>
    public static bool CpuHasShaExtensions => X86Base.IsSupported && (X86Base.CpuId(7, 0).Ebx & (1 << 29)) != 0;

    private static Sha256Lanes ChooseLanes()
    {
        if (Sha256x16.IsSupported && Vector512.IsHardwareAccelerated)
        {
            return Sha256Lanes.Avx512x16;
        }

        bool shaNi = Sha256OpenSsl.IsAvailable && CpuHasShaExtensions;
        return Sha256x8.IsSupported && Vector256.IsHardwareAccelerated && !shaNi ? Sha256Lanes.Avx2x8 : Sha256Lanes.None;
    }
}
