using System;
using System.Buffers;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers.Transport;

/// <summary>
/// The v1 transport: each message is a 24-byte header (magic, command, length, SHA-256d checksum) and its payload.
/// A bad checksum or a malformed command drops the message and keeps the peer; a wrong magic or an oversized length
/// ends it (Bitcoin Core).
/// </summary>
internal sealed class V1MessageTransport : IMessageTransport
{
    private readonly BitcoinNetwork _network;
    private readonly int _maxPayloadLength;
    private readonly PayloadArrayPool? _arrays;
    private readonly ChecksumLookahead _lookahead = new();
    private LargePayload? _filling;

    /// <param name="network">The network whose magic every frame must carry.</param>
    /// <param name="maxPayloadLength">The largest payload accepted.</param>
    /// <param name="arrays">Arrays to fill large payloads into instead of new ones (<see cref="Framing.MessageReader"/>'s reuse), or null.</param>
    public V1MessageTransport(BitcoinNetwork network, int maxPayloadLength = ProtocolLimits.MaxMessagePayload, PayloadArrayPool? arrays = null)
    {
        _network = network;
        _maxPayloadLength = maxPayloadLength;
        _arrays = arrays;
    }

    public string Name => "v1";

    public ReadOnlyMemory<byte> SessionId => ReadOnlyMemory<byte>.Empty;

    public bool IsReady => true;

    public int HeldBytes => _filling?.HeldBytes ?? 0;

    public Memory<byte> DirectReadTarget => _filling is { } filling ? filling.Remaining : Memory<byte>.Empty;

    public bool TryRead(ref ReadOnlySequence<byte> buffer, out TransportMessage message)
    {
        if (_filling is { } filling)
        {
            filling.Take(ref buffer);
            return TryFinish(out message);
        }

        if (buffer.Length >= sizeof(uint))
        {
            Span<byte> magic = stackalloc byte[sizeof(uint)];
            buffer.Slice(0, sizeof(uint)).CopyTo(magic);
            if (!ForeignStart.HasMagic(magic, _network))
            {
                // Say what the remote speaks instead: another network, or not Bitcoin at all.
                Span<byte> first = stackalloc byte[(int)Math.Min(buffer.Length, ForeignStart.BytesToDescribe)];
                buffer.Slice(0, first.Length).CopyTo(first);
                throw new ProtocolException(ProtocolError.BadMagic, ForeignStart.Describe(first, _network));
            }
        }

        if (_lookahead.TryVerdict(buffer, _network.Magic, _maxPayloadLength, out bool checksumOk))
        {
            // A small whole frame whose checksum was verified in a batch with the frames behind it.
            Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
            buffer.Slice(0, FrameHeader.Size).CopyTo(headerBytes);
            var small = FrameHeader.Parse(headerBytes, _network.Magic, _maxPayloadLength);
            int size = FrameHeader.Size + small.PayloadLength;
            var verdict = checksumOk ? TransportMessageStatus.Ok : TransportMessageStatus.BadChecksum;
            message = new TransportMessage(small.Command, buffer.Slice(FrameHeader.Size, small.PayloadLength), size, buffer.Slice(0, size), verdict);
            buffer = buffer.Slice(size);
            return true;
        }

        var start = buffer;
        var status = Frame.TryRead(ref buffer, _network.Magic, out var header, out var payload, _maxPayloadLength);
        if (status == FrameStatus.Incomplete)
        {
            message = default;
            if (buffer.Length >= FrameHeader.Size && LargePayload.TryStart(header, buffer, _arrays) is { } large)
            {
                // Fill a large payload as it arrives instead of holding its pieces until the last one is in.
                _filling = large;
                buffer = buffer.Slice(FrameHeader.Size);
                large.Take(ref buffer);
            }

            return false;
        }

        int wireSize = FrameHeader.Size + header.PayloadLength;
        var transportStatus = status switch
        {
            FrameStatus.BadChecksum => TransportMessageStatus.BadChecksum,
            FrameStatus.InvalidCommand => TransportMessageStatus.InvalidCommand,
            _ => TransportMessageStatus.Ok,
        };
        message = new TransportMessage(header.Command, payload, wireSize, start.Slice(0, wireSize), transportStatus);
        return true;
    }

    public bool Filled(int count, out TransportMessage message)
    {
        _filling!.Filled(count);
        return TryFinish(out message);
    }

    public MessageCommand? PendingCommand(in ReadOnlySequence<byte> buffer)
    {
        if (_filling is { } filling)
        {
            return filling.Command;
        }

        if (buffer.Length < FrameHeader.Size)
        {
            return null;
        }

        Span<byte> command = stackalloc byte[MessageCommand.Size];
        buffer.Slice(sizeof(uint), MessageCommand.Size).CopyTo(command);
        return MessageCommand.FromBytes(command);
    }

    public int Measure(IMessage message, WireContext context, out int payloadLength)
    {
        payloadLength = message.GetEncodedSize(context);
        if (payloadLength > _maxPayloadLength)
        {
            throw new ProtocolException(ProtocolError.EncodeLimitExceeded, $"{message.Command}: payload of {payloadLength} bytes exceeds the limit {_maxPayloadLength}");
        }

        return FrameHeader.Size + payloadLength;
    }

    public void Write(Span<byte> destination, IMessage message, WireContext context, int payloadLength) =>
        Frame.Write(destination, _network.Magic, message, context, payloadLength);

    public int WritePendingOutput(IBufferWriter<byte> output) => 0;

    private bool TryFinish(out TransportMessage message)
    {
        if (!_filling!.IsComplete)
        {
            message = default;
            return false;
        }

        message = _filling.ToMessage();
        _filling = null;
        return true;
    }
}
