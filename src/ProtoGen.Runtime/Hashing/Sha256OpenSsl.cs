using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProtoGen;

/// <summary>
/// The SHA-256 block function of the platform's OpenSSL libcrypto (which picks SHA-NI, ARMv8 SHA, AVX2 or SSSE3
/// code for the CPU at load time), called through a function pointer to <c>SHA256_Update</c> with whole blocks only.
/// </summary>
/// <remarks>
/// <para>
/// Why not <c>System.Security.Cryptography</c>: on Linux every .NET hash call goes through OpenSSL's EVP layer, which
/// costs as much as hashing about a kilobyte per message (context set-up and a provider look-up; see
/// docs/benchmarks.md). The low-level <c>SHA256_Update</c> of the same library runs the same block code with a few
/// nanoseconds of overhead. It is deprecated in OpenSSL 3 but exported by every build that keeps the deprecated API
/// (the default, and Debian's, Ubuntu's and Fedora's), and by OpenSSL 1.1.
/// </para>
/// <para>
/// Probing, once: only on Linux and FreeBSD (where .NET itself uses libcrypto), only the versioned names
/// <c>libcrypto.so.3</c> and <c>libcrypto.so.1.1</c>, through <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>
/// and <see cref="NativeLibrary.TryGetExport"/>, so a missing library or symbol never throws. The loaded function
/// must then hash a test block to the same words as <see cref="Sha256Portable"/>, or it is not used. The AppContext
/// switch <c>ProtoGen.Hashing.DisableNativeSha256</c> turns the probe off. There is no marshalling: the signature is
/// blittable (two pointers and a length), so it is AOT- and trim-safe.
/// </para>
/// <para>
/// Calls over at most <see cref="ShortCallLimit"/> bytes use <c>SuppressGCTransition</c>: the function runs for well
/// under a microsecond, does not block, take locks, call back or throw, which is what that attribute requires.
/// Longer calls make the ordinary transition, so a garbage collection never waits for a long hash.
/// </para>
/// </remarks>
internal static unsafe class Sha256OpenSsl
{
    /// <summary>The longest call made without a GC transition: 1 KiB, about 0.6 µs with SHA-NI, 4 µs with scalar code.</summary>
    public const int ShortCallLimit = 1024;

    /// <summary>The AppContext switch that turns the native backend off.</summary>
    public const string DisableSwitch = "ProtoGen.Hashing.DisableNativeSha256";

    private static readonly string[] s_libraryNames = ["libcrypto.so.3", "libcrypto.so.1.1"];

    private static readonly delegate* unmanaged[SuppressGCTransition]<Sha256State*, byte*, nuint, int> s_updateShort;
    private static readonly delegate* unmanaged<Sha256State*, byte*, nuint, int> s_updateLong;

    static Sha256OpenSsl()
    {
        if (AppContext.TryGetSwitch(DisableSwitch, out bool disabled) && disabled)
        {
            return;
        }

        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        foreach (string name in s_libraryNames)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "SHA256_Update", out IntPtr update))
            {
                s_updateShort = (delegate* unmanaged[SuppressGCTransition]<Sha256State*, byte*, nuint, int>)update;
                s_updateLong = (delegate* unmanaged<Sha256State*, byte*, nuint, int>)update;
                if (SelfTest())
                {
                    LibraryName = name;
                    return;
                }

                s_updateShort = null;
                s_updateLong = null;
            }
        }
    }

    /// <summary>Whether libcrypto was found and passed the self-test.</summary>
    public static bool IsAvailable => s_updateShort != null;

    /// <summary>The library that was loaded, or null.</summary>
    public static string? LibraryName { get; }

    /// <summary>Runs the block function over each 64-byte block of <paramref name="blocks"/>, updating <paramref name="state"/> in place.</summary>
    /// <param name="state">The state (its layout is libcrypto's <c>SHA256_CTX</c>).</param>
    /// <param name="blocks">Whole blocks (a multiple of 64 bytes).</param>
    public static void Compress(ref Sha256State state, ReadOnlySpan<byte> blocks)
    {
        Debug.Assert(IsAvailable && blocks.Length % Sha256Constants.BlockSize == 0);
        if (blocks.IsEmpty)
        {
            return;
        }

        fixed (Sha256State* context = &state)
        fixed (byte* data = blocks)
        {
            if (blocks.Length <= ShortCallLimit)
            {
                s_updateShort(context, data, (nuint)blocks.Length);
            }
            else
            {
                s_updateLong(context, data, (nuint)blocks.Length);
            }
        }
    }

    /// <summary>Whether the native function turns a test block into the same words as the portable code.</summary>
    private static bool SelfTest()
    {
        Span<byte> block = stackalloc byte[Sha256Constants.BlockSize * 2];
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = (byte)((i * 37) + 11);
        }

        var native = default(Sha256State);
        native.Reset();
        Compress(ref native, block);

        var portable = default(Sha256State);
        portable.Reset();
        Sha256Portable.Compress(portable.Words, block);
        return native.Words.SequenceEqual(portable.Words);
    }
}
