using System;
using System.Buffers;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Framing;

/// <summary>
/// What the reader makes of each message its transport cuts: a frame or a dispatch to the listener, a dropped frame
/// counted, the checksum of a large payload awaited before anything is handed out, and (with
/// <see cref="MessageStreamOptions.ReusePayloadArrays"/>) the payload arrays lent and taken back.
/// </summary>
public sealed partial class MessageReader
{
    private FramedMessage ToFrame(in TransportMessage message)
    {
        _bytesRead += message.WireSize;
        if (message.Status is not (TransportMessageStatus.Ok or TransportMessageStatus.ChecksumPending))
        {
            return Dropped(message);
        }

        var reader = PayloadReader.Create(message.Payload, message.OwnedPayload, _options.Context, out byte[]? rented);
        try
        {
            if (!TryDecodeVerified(message, ref reader, out var decoded))
            {
                return Dropped(message);
            }

            if (decoded is null)
            {
                // The caller keeps an unknown command's payload: never an array this reader may reuse (a copy when
                // the payload fills only part of its array, which nothing else holds then).
                byte[] unknown = OwnedOrCopy(message);
                if (!ReferenceEquals(unknown, message.OwnedPayload.Array))
                {
                    Recycle(message.OwnedPayload);
                }

                return new FramedMessage(message.Command, null, message.WireSize, FrameStatus.Ok, unknown);
            }

            Lend(message.OwnedPayload);
            return new FramedMessage(message.Command, decoded, message.WireSize, FrameStatus.Ok, null);
        }
        finally
        {
            PayloadReader.Return(rented);
        }
    }

    private long DispatchBuffered<TPeer>(TPeer peer, IBitcoinListener<TPeer> listener)
    {
        long delivered = 0;
        while (_transport.TryRead(ref _buffer, out var message))
        {
            delivered += DispatchOne(peer, listener, message) ? 1 : 0;
        }

        return delivered;
    }

    /// <summary>A frame dropped for its checksum or command: counted, its array (with reuse on) kept for the next payload.</summary>
    private FramedMessage Dropped(in TransportMessage message)
    {
        _framesDropped++;
        Recycle(message.OwnedPayload);
        return new FramedMessage(message.Command, null, message.WireSize, ToFrameStatus(message.Verify()), null);
    }

    /// <summary>Hands one message to the listener; false when it was dropped.</summary>
    private bool DispatchOne<TPeer>(TPeer peer, IBitcoinListener<TPeer> listener, in TransportMessage message)
    {
        _bytesRead += message.WireSize;
        if (message.Status is not (TransportMessageStatus.Ok or TransportMessageStatus.ChecksumPending))
        {
            Dropped(message);
            return false;
        }

        var reader = PayloadReader.Create(message.Payload, message.OwnedPayload, _options.Context, out byte[]? rented);
        try
        {
            if (message.Status == TransportMessageStatus.ChecksumPending)
            {
                return DispatchVerified(peer, listener, message, ref reader);
            }

            BitcoinMessages.Dispatch(peer, message.Command, ref reader, listener);
            return true;
        }
        finally
        {
            PayloadReader.Return(rented);

            // The listener has returned (or thrown): with ReusePayloadArrays, its message is given up.
            Recycle(message.OwnedPayload);
        }
    }

    /// <summary>
    /// Decodes the payload (null for a command not in the set), then waits for its checksum if that is still pending
    /// (a large payload is decoded while its last bytes are hashed). False when the checksum fails: the frame is dropped,
    /// even one that would not decode, as when the checksum is checked first.
    /// </summary>
    /// <exception cref="ProtocolException">The payload is malformed and its checksum good.</exception>
    private static bool TryDecodeVerified(in TransportMessage message, ref WireReader reader, out IMessage? decoded)
    {
        try
        {
            decoded = BitcoinMessages.Decode(message.Command, ref reader);
        }
        catch (ProtocolException) when (message.Verify() != TransportMessageStatus.Ok)
        {
            decoded = null;
            return false;
        }

        return message.Verify() == TransportMessageStatus.Ok;
    }

    /// <summary>A large payload whose checksum is pending: decoded meanwhile, handed to the listener once the checksum is good.</summary>
    private bool DispatchVerified<TPeer>(TPeer peer, IBitcoinListener<TPeer> listener, in TransportMessage message, ref WireReader reader)
    {
        if (!TryDecodeVerified(message, ref reader, out var decoded))
        {
            _framesDropped++;
            return false;
        }

        if (decoded is null)
        {
            listener.OnUnknown(peer, new RawFrame(message.Command, reader.UnreadSpan));
        }
        else
        {
            BitcoinMessages.Deliver(peer, decoded, listener);
        }

        return true;
    }

    /// <summary>An unknown command's payload as an array of its own: the filled array when it is exactly the payload.</summary>
    private static byte[] OwnedOrCopy(in TransportMessage message) =>
        message.OwnedPayload is { Array: { } array, Offset: 0 } owned && owned.Count == array.Length ? array : message.Payload.ToArray();

    /// <summary>With reuse on, remembers the array of the large payload just handed out.</summary>
    private void Lend(ArraySegment<byte> owned)
    {
        if (owned.Array is { } array)
        {
            _arrays?.Lend(array);
        }
    }

    /// <summary>
    /// With reuse on, keeps the array of a payload nothing uses any more (a dropped frame's, a message given up). Only
    /// after the payload's checksum is known: no hashing work item still reads the array.
    /// </summary>
    private void Recycle(ArraySegment<byte> owned)
    {
        if (owned.Array is { } array)
        {
            _arrays?.Return(array);
        }
    }

    private static FrameStatus ToFrameStatus(TransportMessageStatus status) =>
        status == TransportMessageStatus.BadChecksum ? FrameStatus.BadChecksum : FrameStatus.InvalidCommand;
}
