using System;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// Arrays that held large payloads whose messages their user has given up (a <see cref="Framing.MessageReader"/> with
/// <see cref="Framing.MessageStreamOptions.ReusePayloadArrays"/>), kept for the next large payloads: a new block
/// array is fresh memory, which the runtime's collector hands back to the kernel and faults in again page by page
/// (docs/benchmarks.md, "Page faults per transfer"). Holds at most <see cref="Capacity"/> arrays, keeping the largest,
/// so what it holds is bounded by <see cref="Capacity"/> × the reader's payload limit. One caller at a time.
/// </summary>
internal sealed class PayloadArrayPool
{
    /// <summary>The most arrays kept.</summary>
    public const int Capacity = 4;

    private readonly byte[]?[] _arrays = new byte[Capacity][];

    // The array of the last large payload handed out, kept once its message is given up (ReclaimLent).
    private byte[]? _lent;

    /// <summary>The number of arrays kept.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (var array in _arrays)
            {
                count += array is null ? 0 : 1;
            }

            return count;
        }
    }

    /// <summary>Takes the smallest kept array of at least <paramref name="length"/> bytes, or returns null.</summary>
    /// <param name="length">The payload length it must hold.</param>
    public byte[]? Take(int length)
    {
        int best = -1;
        for (int i = 0; i < _arrays.Length; i++)
        {
            if (_arrays[i] is { } candidate && candidate.Length >= length && (best < 0 || candidate.Length < _arrays[best]!.Length))
            {
                best = i;
            }
        }

        if (best < 0)
        {
            return null;
        }

        var taken = _arrays[best];
        _arrays[best] = null;
        return taken;
    }

    /// <summary>Keeps <paramref name="array"/> for a later payload; when full, drops the smallest of those kept and it.</summary>
    /// <param name="array">An array no message uses any more.</param>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (Array.IndexOf(_arrays, array) >= 0)
        {
            return; // already kept: holding it twice would hand one array to two payloads
        }

        int smallest = 0;
        for (int i = 0; i < _arrays.Length; i++)
        {
            if (_arrays[i] is null)
            {
                _arrays[i] = array;
                return;
            }

            if (_arrays[i]!.Length < _arrays[smallest]!.Length)
            {
                smallest = i;
            }
        }

        if (_arrays[smallest]!.Length < array.Length)
        {
            _arrays[smallest] = array;
        }
    }

    /// <summary>Remembers the array of the large payload just handed out in a message: it is kept once that message is given up.</summary>
    /// <param name="array">The array.</param>
    public void Lend(byte[] array) => _lent = array;

    /// <summary>The message handed out last has been given up: its array (if any) may hold the next large payload.</summary>
    public void ReclaimLent()
    {
        if (_lent is { } array)
        {
            _lent = null;
            Return(array);
        }
    }
}
