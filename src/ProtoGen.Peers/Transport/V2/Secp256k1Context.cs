using System;
using System.Threading;
using Secp256k1Net;

namespace ProtoGen.Peers.Transport.V2;

/// <summary>
/// The one secp256k1 context of the process (Secp256k1.Net over the native libsecp256k1 its package ships, built with
/// the ellswift module). A context is only read by the operations used here, so threads share it; it is never
/// disposed. The native library loads on first use.
/// </summary>
internal static class Secp256k1Context
{
    private static readonly Lazy<Secp256k1> s_instance = new(() => new Secp256k1(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared context.</summary>
    /// <remarks>Throws when the native secp256k1 library cannot be loaded.</remarks>
    public static Secp256k1 Instance => s_instance.Value;
}
