using System;
using System.Threading;
using Secp256k1Net;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// The one secp256k1 context of the process (Secp256k1.Net over the native libsecp256k1 its package ships, built with
/// the ellswift module). A context is only read by the operations used here, so threads share it; it is never
/// disposed. The native library loads on first use: from the application's directory in a NativeAOT or self-contained
/// publish, from <c>runtimes/RID/native</c> otherwise.
/// </summary>
internal static class Secp256k1Context
{
    private static readonly Lazy<Secp256k1> s_instance = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared context.</summary>
    /// <exception cref="PlatformNotSupportedException">The native library cannot be loaded (the failure is kept and rethrown).</exception>
    public static Secp256k1 Instance => s_instance.Value;

    /// <summary>Whether the native library loads, so that a transport can offer v2 or stay with v1.</summary>
    public static bool IsAvailable
    {
        get
        {
            try
            {
                return s_instance.Value is not null;
            }
            catch (PlatformNotSupportedException)
            {
                return false;
            }
        }
    }

    private static Secp256k1 Create()
    {
        try
        {
            return new Secp256k1();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Secp256k1.Net reports a missing library as a plain Exception (JIT) or as "Operation is not supported on
            // this platform" (NativeAOT): one type, saying what is missing.
            throw new PlatformNotSupportedException(
                $"BIP324 needs the native secp256k1 library that the Secp256k1.Net package ships (libsecp256k1.so, libsecp256k1.dylib or secp256k1.dll beside the application, or under runtimes/RID/native): {e.Message}",
                e);
        }
    }
}
