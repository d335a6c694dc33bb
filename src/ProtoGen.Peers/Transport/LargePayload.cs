using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Threading;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// A large v1 payload (a block) filled as it arrives: each piece is copied once into the array the decoded message will
/// keep and hashed soon after, and the receive buffers it came in are free again at once. Once the last byte is in,
/// the checksum is (nearly) known: the frame needs no second pass over its bytes and no copy out of the receive
/// buffers. The connection may also read the socket straight into <see cref="Remaining"/>.
/// </summary>
/// <remarks>
/// On a machine with more than one core the hashing trails the filling on a thread-pool thread (one work item at a
/// time, queued when at least <see cref="PipelineChunk"/> bytes wait), so the reading thread goes back to the socket
/// at once: receiving and hashing overlap instead of taking turns. Only one thread hashes at a time (the "hashing
/// role", taken with a compare-and-swap). When the last byte is in and much is left to hash, the message goes up with
/// its checksum pending and is decoded while a work item finishes the hashing; the verdict is then taken with
/// <see cref="FinishChecksum"/>, where the reading thread takes the role itself (waiting if a work item is in the middle
/// of a piece, never for one that is still queued) and hashes whatever is left.
/// </remarks>
internal sealed class LargePayload : IThreadPoolWorkItem
{
    /// <summary>The least backlog worth a work item: below it the reading thread hashes at the end.</summary>
    private const int PipelineChunk = 64 * 1024;

    /// <summary>The most one work item hashes before it looks for newly arrived bytes.</summary>
    private const int HashPiece = 256 * 1024;

    private static readonly bool s_pipelined = Environment.ProcessorCount > 1;

    private readonly byte[] _header;

    // At least the payload's length: a reused array (PayloadArrayPool) may be longer; only its first _length bytes count.
    private readonly byte[] _payload;
    private readonly int _length;
    private readonly uint _checksum;
    private readonly object _roleGate = new();
    private IncrementalDoubleSha256 _hash = new();
    private int _filled;
    private int _hashed;
    private int _hashing;
    private int _queued;
    private TransportMessageStatus? _verdict;

    private LargePayload(in FrameHeader header, ReadOnlySpan<byte> headerBytes, PayloadArrayPool? arrays)
    {
        Command = header.Command;
        _checksum = header.Checksum;
        _header = headerBytes.ToArray();
        _length = header.PayloadLength;

        // Every byte is overwritten by what arrives, so the array need not be zeroed first.
        _payload = arrays?.Take(_length) ?? GC.AllocateUninitializedArray<byte>(_length);
    }

    /// <summary>The message's command.</summary>
    public MessageCommand Command { get; }

    /// <summary>The bytes held for this message so far: the whole array, which exists from the start.</summary>
    public int HeldBytes => _length + _header.Length;

    /// <summary>Whether every byte of the payload has arrived.</summary>
    public bool IsComplete => _filled == _length;

    /// <summary>The part of the payload still to come, to be filled in order.</summary>
    public Memory<byte> Remaining => _payload.AsMemory(_filled, _length - _filled);

    /// <summary>
    /// Starts filling when the frame at the front of <paramref name="buffer"/> (24 header bytes, already checked) is
    /// large, incomplete, carries a well-formed command, and at least a quarter of its claimed length has arrived: a
    /// remote that only claims a large payload does not make us allocate it. Returns null otherwise.
    /// </summary>
    /// <param name="header">The parsed header.</param>
    /// <param name="buffer">The received bytes, the header first.</param>
    /// <param name="arrays">Arrays to fill instead of a new one, or null.</param>
    public static LargePayload? TryStart(in FrameHeader header, in ReadOnlySequence<byte> buffer, PayloadArrayPool? arrays = null)
    {
        long arrived = buffer.Length - FrameHeader.Size;
        if (header.PayloadLength <= PeerDefaults.InPlaceDecodeLimit
            || arrived >= header.PayloadLength
            || arrived < header.PayloadLength / 4
            || !header.Command.IsValid)
        {
            return null;
        }

        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(headerBytes);
        return new LargePayload(header, headerBytes, arrays);
    }

    /// <summary>Takes as much of the payload as <paramref name="buffer"/> holds and advances it past that.</summary>
    /// <param name="buffer">Received bytes that continue the payload.</param>
    public void Take(ref ReadOnlySequence<byte> buffer)
    {
        long take = Math.Min(buffer.Length, _length - _filled);
        int filled = _filled;
        foreach (var segment in buffer.Slice(0, take))
        {
            var span = segment.Span;
            span.CopyTo(_payload.AsSpan(filled));
            filled += span.Length;
        }

        buffer = buffer.Slice(take);
        Advance(filled);
    }

    /// <summary>Counts <paramref name="count"/> bytes written straight into <see cref="Remaining"/>.</summary>
    /// <param name="count">Bytes written at the start of <see cref="Remaining"/>.</param>
    public void Filled(int count)
    {
        if ((uint)count > (uint)(_length - _filled))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        Advance(_filled + count);
    }

    /// <summary>
    /// The whole message; call once <see cref="IsComplete"/>. When much of the payload is still to be hashed, the hashing
    /// goes on on the thread pool and the message's status is <see cref="TransportMessageStatus.ChecksumPending"/>: the
    /// reader decodes it meanwhile and then calls <see cref="TransportMessage.Verify"/> (<see cref="FinishChecksum"/>),
    /// so the decode no longer waits for the last bytes' hashing. Otherwise the checksum is verified here.
    /// </summary>
    public TransportMessage ToMessage()
    {
        var payload = new ArraySegment<byte>(_payload, 0, _length);
        var status = TransportMessageStatus.ChecksumPending;
        if (!s_pipelined || _length - Volatile.Read(ref _hashed) < PipelineChunk)
        {
            status = FinishChecksum();
        }
        else if (Volatile.Read(ref _hashing) == 0 && Interlocked.CompareExchange(ref _queued, 1, 0) == 0)
        {
            // No work item is hashing (one that is goes on to the last byte): queue one. Whatever a race leaves
            // unhashed, FinishChecksum hashes itself.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return new TransportMessage(
            Command,
            new ReadOnlySequence<byte>(payload),
            FrameHeader.Size + _length,
            SequenceOfTwo.Create(_header, payload),
            status,
            payload,
            status == TransportMessageStatus.ChecksumPending ? this : null);
    }

    /// <summary>
    /// The checksum's verdict, <see cref="TransportMessageStatus.Ok"/> or <see cref="TransportMessageStatus.BadChecksum"/>,
    /// once every byte has arrived: hashes what is left (after a work item in the middle of a piece) and compares. The
    /// first call decides; later calls give the same answer.
    /// </summary>
    public TransportMessageStatus FinishChecksum()
    {
        if (_verdict is { } known)
        {
            return known;
        }

        TakeHashingRole();
        HashArrived();
        Span<byte> hash = stackalloc byte[Hash256.Size];
        _hash.GetHashAndReset(hash);
        var verdict = BinaryPrimitives.ReadUInt32LittleEndian(hash) == _checksum ? TransportMessageStatus.Ok : TransportMessageStatus.BadChecksum;
        _verdict = verdict;
        return verdict;
    }

    /// <summary>The hashing work item: hashes what has arrived, piece by piece, until it has caught up.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        Volatile.Write(ref _queued, 0);
        while (Interlocked.CompareExchange(ref _hashing, 1, 0) == 0)
        {
            HashArrived();
            ReleaseHashingRole();

            // Bytes that arrived after the last look, while the role was still held, queued no work item: look again.
            if (Volatile.Read(ref _filled) - Volatile.Read(ref _hashed) < PipelineChunk || Volatile.Read(ref _queued) != 0)
            {
                return;
            }
        }
    }

    /// <summary>Publishes the fill level and, when enough waits and nothing is queued, queues the hashing work item.</summary>
    private void Advance(int filled)
    {
        Volatile.Write(ref _filled, filled);
        if (filled == _length)
        {
            return;
        }

        if (!s_pipelined)
        {
            HashArrived();
            return;
        }

        if (filled - Volatile.Read(ref _hashed) >= PipelineChunk && Interlocked.CompareExchange(ref _queued, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Hashes every byte that has arrived; only the holder of the hashing role (or the only thread) calls it.</summary>
    private void HashArrived()
    {
        int filled = Volatile.Read(ref _filled);
        while (_hashed < filled)
        {
            int length = Math.Min(filled - _hashed, HashPiece);
            _hash.Append(_payload.AsSpan(_hashed, length));
            Volatile.Write(ref _hashed, _hashed + length);
            filled = Volatile.Read(ref _filled);
        }
    }

    /// <summary>Takes the hashing role for the reading thread, waiting while a work item is in the middle of a piece.</summary>
    private void TakeHashingRole()
    {
        if (Interlocked.CompareExchange(ref _hashing, 1, 0) == 0)
        {
            return;
        }

        lock (_roleGate)
        {
            while (Interlocked.CompareExchange(ref _hashing, 1, 0) != 0)
            {
                Monitor.Wait(_roleGate);
            }
        }
    }

    private void ReleaseHashingRole()
    {
        lock (_roleGate)
        {
            Volatile.Write(ref _hashing, 0);
            Monitor.PulseAll(_roleGate);
        }
    }
}
