using System;
using System.Buffers;
using System.Buffers.Binary;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// A large v1 payload (a block) filled as it arrives: each piece is copied once into the array the decoded message will
/// keep and hashed while it is still in the cache, and the receive buffers it came in are free again at once. Once the
/// last byte is in, the checksum is already known: the frame needs no second pass over its bytes and no copy out of the
/// receive buffers. The connection may also read the socket straight into <see cref="Remaining"/>.
/// </summary>
internal sealed class LargePayload
{
    private readonly byte[] _header;
    private readonly byte[] _payload;
    private readonly uint _checksum;
    private IncrementalDoubleSha256 _hash = new();
    private int _filled;

    private LargePayload(in FrameHeader header, ReadOnlySpan<byte> headerBytes)
    {
        Command = header.Command;
        _checksum = header.Checksum;
        _header = headerBytes.ToArray();

        // Every byte is overwritten by what arrives, so the array need not be zeroed first.
        _payload = GC.AllocateUninitializedArray<byte>(header.PayloadLength);
    }

    /// <summary>The message's command.</summary>
    public MessageCommand Command { get; }

    /// <summary>The bytes held for this message so far: the whole array, which exists from the start.</summary>
    public int HeldBytes => _payload.Length + _header.Length;

    /// <summary>Whether every byte of the payload has arrived.</summary>
    public bool IsComplete => _filled == _payload.Length;

    /// <summary>The part of the payload still to come, to be filled in order.</summary>
    public Memory<byte> Remaining => _payload.AsMemory(_filled);

    /// <summary>
    /// Starts filling when the frame at the front of <paramref name="buffer"/> (24 header bytes, already checked) is
    /// large, incomplete, carries a well-formed command, and at least a quarter of its claimed length has arrived: a
    /// remote that only claims a large payload does not make us allocate it. Returns null otherwise.
    /// </summary>
    /// <param name="header">The parsed header.</param>
    /// <param name="buffer">The received bytes, the header first.</param>
    public static LargePayload? TryStart(in FrameHeader header, in ReadOnlySequence<byte> buffer)
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
        return new LargePayload(header, headerBytes);
    }

    /// <summary>Takes as much of the payload as <paramref name="buffer"/> holds and advances it past that.</summary>
    /// <param name="buffer">Received bytes that continue the payload.</param>
    public void Take(ref ReadOnlySequence<byte> buffer)
    {
        long take = Math.Min(buffer.Length, _payload.Length - _filled);
        foreach (var segment in buffer.Slice(0, take))
        {
            var span = segment.Span;
            span.CopyTo(_payload.AsSpan(_filled));
            _hash.Append(span);
            _filled += span.Length;
        }

        buffer = buffer.Slice(take);
    }

    /// <summary>Counts <paramref name="count"/> bytes written straight into <see cref="Remaining"/>.</summary>
    /// <param name="count">Bytes written at the start of <see cref="Remaining"/>.</param>
    public void Filled(int count)
    {
        if ((uint)count > (uint)(_payload.Length - _filled))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _hash.Append(_payload.AsSpan(_filled, count));
        _filled += count;
    }

    /// <summary>The whole message, its checksum verified; call once <see cref="IsComplete"/>.</summary>
    public TransportMessage ToMessage()
    {
        Span<byte> hash = stackalloc byte[Hash256.Size];
        _hash.GetHashAndReset(hash);
        var status = BinaryPrimitives.ReadUInt32LittleEndian(hash) == _checksum ? TransportMessageStatus.Ok : TransportMessageStatus.BadChecksum;
        return new TransportMessage(
            Command,
            new ReadOnlySequence<byte>(_payload),
            FrameHeader.Size + _payload.Length,
            SequenceOfTwo.Create(_header, _payload),
            status,
            _payload);
    }
}
