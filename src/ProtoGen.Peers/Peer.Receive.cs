using System;
using System.Buffers;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Peers;

public sealed partial class Peer
{
    private DateTimeOffset _lastReceive;

    private async Task ReadLoopAsync()
    {
        var token = _shutdown.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var result = await _input.ReadAsync(token).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                try
                {
                    while (IsConnected && TakeFrame(ref buffer))
                    {
                    }
                }
                finally
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted)
                {
                    Disconnect(DisconnectKind.RemoteClosed, buffer.IsEmpty ? "the remote closed the connection" : "the remote closed the connection in the middle of a frame");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ProtocolException e)
        {
            Disconnect(new DisconnectReason(DisconnectKind.ProtocolViolation, e.Message, e.Error));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Disconnect(new DisconnectReason(DisconnectKind.TransportError, e.Message));
        }
        catch (Exception e)
        {
            // Contain anything else to this peer: log it, end the peer, never the process.
            PeerLog.CallbackFailed(_logger, Id, e);
            Disconnect(new DisconnectReason(DisconnectKind.TransportError, $"reader failed: {e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>Takes one frame from the buffer and handles it; returns false when more bytes are needed.</summary>
    private bool TakeFrame(ref ReadOnlySequence<byte> buffer)
    {
        var frameStart = buffer;
        var status = Frame.TryRead(ref buffer, _config.Network.Magic, out var header, out var payload);
        if (status == FrameStatus.Incomplete)
        {
            return false;
        }

        int frameBytes = FrameHeader.Size + header.PayloadLength;
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            _lastReceive = now;
        }

        RecordReceived(header.Command, frameBytes);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            PeerLog.ReceivedFrame(_logger, Id, header.Command.ToString(), frameBytes, HexDump.Format(frameStart.Slice(0, frameBytes)));
        }

        if (status != FrameStatus.Ok)
        {
            // Bitcoin Core drops such a frame and keeps the connection.
            string why = status == FrameStatus.BadChecksum ? "checksum mismatch" : "malformed command";
            PeerMetrics.FrameDropped(why);
            Ignore(header.Command, why);
            InvokeHook(_config.OnRead, header.Command, frameBytes, null, new ProtocolException(status == FrameStatus.BadChecksum ? ProtocolError.BadChecksum : ProtocolError.InvalidCommand, why));
            return true;
        }

        if (header.Command == PongMessage.Command && payload.Length < sizeof(ulong) && IsHandshakeComplete)
        {
            // Bitcoin Core: a pong too short for its nonce cancels the ping ("short payload") and keeps the peer.
            CancelPing();
            Ignore(header.Command, "short payload");
            InvokeHook(_config.OnRead, header.Command, frameBytes, null, null);
            return true;
        }

        HandleFrame(header.Command, payload, frameBytes);
        return true;
    }

    private void HandleFrame(MessageCommand command, ReadOnlySequence<byte> payload, int frameBytes)
    {
        var descriptor = BitcoinMessages.FindMessage(command);
        IMessageDispatcher<Peer>? set = null;
        MessageDescriptor? userDescriptor = null;
        if (descriptor is null)
        {
            foreach (var candidate in _config.MessageSets)
            {
                if (candidate.FindMessage(command) is { } found)
                {
                    set = candidate;
                    userDescriptor = found;
                    break;
                }
            }
        }

        if (!Admit(command, descriptor ?? userDescriptor, set is not null))
        {
            InvokeHook(_config.OnRead, command, frameBytes, null, null);
            return;
        }

        byte[]? rented = null;
        var context = CurrentContext();
        WireReader reader;
        if (payload.Length > PeerDefaults.InPlaceDecodeLimit)
        {
            // Large payloads (blocks, transactions) are copied once into a buffer the decoded message keeps, so
            // scripts and witnesses are slices of it rather than an array each.
            reader = new WireReader(payload.ToArray().AsMemory(), context, retainSlices: true);
        }
        else if (payload.IsSingleSegment)
        {
            reader = new WireReader(payload.First, context, retainSlices: false);
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
            payload.CopyTo(rented);
            reader = new WireReader(rented.AsMemory(0, (int)payload.Length), context, retainSlices: false);
        }

        _core.Decoded = null;
        _currentFrameBytes = frameBytes;
        try
        {
            if (descriptor is not null)
            {
                BitcoinMessages.TryDispatch(this, command, ref reader, _core);
            }
            else if (set is not null)
            {
                var started = BeginListener();
                try
                {
                    set.TryDispatch(this, command, ref reader);
                }
                finally
                {
                    EndListener(started);
                }
            }
            else
            {
                PeerLog.Unknown(_logger, Id, command.ToString(), frameBytes);
                var started = BeginListener();
                try
                {
                    (_config.Listener ?? NoListener.Instance).OnUnknown(this, new RawFrame(command, reader.UnreadSpan));
                }
                finally
                {
                    EndListener(started);
                }
            }

            InvokeHook(_config.OnRead, command, frameBytes, _core.Decoded, null);
        }
        catch (ProtocolException e)
        {
            InvokeHook(_config.OnRead, command, frameBytes, null, e);
            Disconnect(new DisconnectReason(DisconnectKind.ProtocolViolation, $"malformed {command}: {e.Message}", e.Error));
        }
        catch (ListenerFailure e)
        {
            Disconnect(new DisconnectReason(DisconnectKind.ListenerError, $"the listener for {command} threw {e.InnerException!.GetType().Name}: {e.InnerException.Message}"));
        }
        catch (Exception e) when (set is not null || descriptor is null)
        {
            // A user message set's listener (or the raw-frame hook) threw.
            Disconnect(new DisconnectReason(DisconnectKind.ListenerError, $"the listener for {command} threw {e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Decides, before decoding, whether a message may be processed in the current state, as Bitcoin Core does:
    /// anything but version before version is ignored; only feature negotiation is processed between version and
    /// verack; messages the negotiated version does not allow are ignored; bloom messages follow BIP111.
    /// </summary>
    private bool Admit(MessageCommand command, MessageDescriptor? descriptor, bool userSet)
    {
        bool versionReceived;
        bool verackReceived;
        int negotiated;
        lock (_lock)
        {
            versionReceived = _versionReceived;
            verackReceived = _verackReceived;
            negotiated = _negotiatedVersion;
        }

        if (command == VersionMessage.Command)
        {
            if (versionReceived)
            {
                Ignore(command, "redundant version");
                return false;
            }

            return true;
        }

        if (!versionReceived)
        {
            Ignore(command, "non-version message before version handshake");
            return false;
        }

        if (command == VerAckMessage.Command && verackReceived)
        {
            // Bitcoin Core: "ignoring redundant verack message".
            Ignore(command, "redundant verack");
            return false;
        }

        bool featureMessage = command == WtxidRelayMessage.Command || command == SendAddrV2Message.Command || command == SendTxRcnclMessage.Command;
        if (!verackReceived)
        {
            if (!featureMessage && command != VerAckMessage.Command && command != SendHeadersMessage.Command && command != SendCmpctMessage.Command)
            {
                Ignore(command, "unsupported message prior to verack");
                return false;
            }
        }
        else if (featureMessage)
        {
            // Bitcoin Core: wtxidrelay, sendaddrv2 and sendtxrcncl are only allowed before verack.
            Disconnect(new DisconnectReason(DisconnectKind.ProtocolViolation, $"{command} received after verack", ProtocolError.UnexpectedMessage));
            return false;
        }

        if (descriptor is null)
        {
            return true;
        }

        if (descriptor.MinProtocolVersion > negotiated)
        {
            Ignore(command, $"needs protocol version {descriptor.MinProtocolVersion}, negotiated {negotiated}");
            return false;
        }

        if (userSet)
        {
            return true;
        }

        if ((_config.Services & ServiceFlags.Bloom) == 0)
        {
            if (command == MemPoolMessage.Command)
            {
                Disconnect(new DisconnectReason(DisconnectKind.BloomNotSupported, "mempool request without NODE_BLOOM", ProtocolError.UnexpectedMessage));
                return false;
            }

            if (command == FilterLoadMessage.Command || command == FilterAddMessage.Command || command == FilterClearMessage.Command)
            {
                if (negotiated >= ProtocolVersions.Bip111)
                {
                    Disconnect(new DisconnectReason(DisconnectKind.BloomNotSupported, $"{command} without NODE_BLOOM (BIP111)", ProtocolError.UnexpectedMessage));
                }
                else
                {
                    Ignore(command, "bloom filters are not offered (NODE_BLOOM off)");
                }

                return false;
            }
        }

        return true;
    }

    private void Ignore(MessageCommand command, string why)
    {
        PeerLog.Ignored(_logger, Id, command.ToString(), why);
        lock (_lock)
        {
            _messagesIgnored++;
        }
    }

    private void InvokeHook(PeerMessageHook? hook, MessageCommand command, int bytes, IMessage? message, Exception? error)
    {
        if (hook is null)
        {
            return;
        }

        try
        {
            hook(this, command, bytes, message, error);
        }
        catch (Exception e)
        {
            PeerLog.CallbackFailed(_logger, Id, e);
        }
    }

    private sealed class NoListener : IBitcoinListener<Peer>
    {
        public static readonly NoListener Instance = new();
    }
}
