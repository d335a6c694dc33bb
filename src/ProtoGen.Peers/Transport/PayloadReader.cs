using System;
using System.Buffers;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Makes a <see cref="WireReader"/> over a received payload, the one way the peer and <see cref="Framing.MessageReader"/>
/// both decode: large payloads (blocks, transactions) are copied once into an array the decoded message keeps, so
/// scripts and witnesses are slices of it; small ones are decoded in place, or from a pooled copy when they span
/// buffer segments.
/// </summary>
internal static class PayloadReader
{
    /// <summary>Creates the reader; return <paramref name="rented"/> with <see cref="Return"/> once decoding is done.</summary>
    /// <param name="payload">The payload (valid until the transport reads again).</param>
    /// <param name="owned">
    /// The payload at the start of an array the decoded message may keep (a large payload filled as it arrived), or a
    /// segment without an array.
    /// </param>
    /// <param name="context">The decoding context.</param>
    /// <param name="rented">A pooled copy to return, or null.</param>
    public static WireReader Create(in ReadOnlySequence<byte> payload, ArraySegment<byte> owned, WireContext context, out byte[]? rented)
    {
        rented = null;
        if (owned.Array is not null)
        {
            // Already copied once, straight from the receive buffers or the socket: keep it.
            return new WireReader(owned.AsMemory(), context, retainSlices: true);
        }

        if (payload.Length > PeerDefaults.InPlaceDecodeLimit)
        {
            // Every byte is overwritten by the copy, so the array need not be zeroed first.
            byte[] kept = GC.AllocateUninitializedArray<byte>((int)payload.Length);
            payload.CopyTo(kept);
            return new WireReader(kept.AsMemory(), context, retainSlices: true);
        }

        if (payload.IsSingleSegment)
        {
            return new WireReader(payload.First, context, retainSlices: false);
        }

        rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        payload.CopyTo(rented);
        return new WireReader(rented.AsMemory(0, (int)payload.Length), context, retainSlices: false);
    }

    /// <summary>Returns what <see cref="Create"/> rented.</summary>
    /// <param name="rented">The pooled copy, or null.</param>
    public static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
