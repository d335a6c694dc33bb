using System;
using System.Buffers;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Logging;
using ProtoGen.Peers.Metrics;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Protocol;

/// <summary>
/// The protocol side of a peer's connection. A received message flows one way: its catalogue entry is looked up once,
/// the admission rules decide whether it may be processed now, it is decoded, the core rules apply, and the user's
/// listener gets it. Written messages update the statistics, the request deadlines and the write hook.
/// </summary>
internal sealed class MessageRouter : IConnectionHandler
{
    private readonly Peer _peer;
    private readonly PeerConfig _config;
    private readonly ILogger _logger;

    public MessageRouter(Peer peer)
    {
        _peer = peer;
        _config = peer.Config;
        _logger = peer.Logger;
    }

    public bool IsActive => _peer.IsConnected;

    public void OnReceived(in TransportMessage message)
    {
        var now = _peer.Time.GetUtcNow();
        var command = message.Command;
        _peer.KeepAliveState.Received(now);
        _peer.Statistics.Received(command, message.WireSize, now);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            PeerLog.ReceivedFrame(_logger, _peer.Id, command.ToString(), message.WireSize, HexDump.Format(message.WireBytes));
        }

        if (message.Status is not (TransportMessageStatus.Ok or TransportMessageStatus.ChecksumPending))
        {
            Drop(command, message.Status, message.WireSize);
            return;
        }

        if (command == PongMessage.Command && message.Payload.Length < sizeof(ulong) && _peer.Handshake.IsComplete)
        {
            // Bitcoin Core: a pong too short for its nonce cancels the ping ("short payload") and keeps the peer.
            _peer.Rules.OnShortPong();
            Ignore(command, "short payload");
            InvokeHook(_config.OnRead, command, message.WireSize, null, null);
            return;
        }

        Route(command, message);
    }

    public bool IsAwaited(MessageCommand? command) => _peer.Stalls.IsAwaiting(command);

    public WireContext GetWriteContext(in OutgoingMessage item) => _peer.Handshake.WriteContext(item.Flags, item.Message);

    public void OnWritten(in OutgoingMessage item, ReadOnlySpan<byte> wireBytes)
    {
        var message = item.Message;
        var now = _peer.Time.GetUtcNow();
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            PeerLog.Sending(_logger, _peer.Id, message.Command.ToString(), wireBytes.Length, MessageDescriber.Describe(message));
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                PeerLog.SentFrame(_logger, _peer.Id, message.Command.ToString(), wireBytes.Length, HexDump.Format(wireBytes));
            }
        }

        _peer.Statistics.Sent(message.Command, wireBytes.Length, now);
        _peer.Rules.OnWritten(message, now);
        InvokeHook(_config.OnWrite, message.Command, wireBytes.Length, message, null);
    }

    public void OnWriteRefused(in OutgoingMessage item, Exception error)
    {
        PeerLog.SendFailed(_logger, _peer.Id, item.Message.Command.ToString(), error.Message);
        InvokeHook(_config.OnWrite, item.Message.Command, 0, item.Message, error);
    }

    public void OnConnectionEnded(DisconnectReason reason) => _peer.Disconnect(reason);

    public void OnUnexpectedError(Exception error) => PeerLog.CallbackFailed(_logger, _peer.Id, error);

    public Exception CreateDisconnectedError() => new PeerDisconnectedException(_peer.DisconnectReason);

    /// <summary>A frame Bitcoin Core drops while keeping the connection: a bad checksum or a malformed command.</summary>
    private void Drop(MessageCommand command, TransportMessageStatus status, int wireSize)
    {
        bool badChecksum = status == TransportMessageStatus.BadChecksum;
        string why = badChecksum ? "checksum mismatch" : "malformed command";
        PeerMetrics.FrameDropped(why);
        Ignore(command, why);
        InvokeHook(_config.OnRead, command, wireSize, null, new ProtocolException(badChecksum ? ProtocolError.BadChecksum : ProtocolError.InvalidCommand, why));
    }

    /// <summary>
    /// Whether the message's checksum is good, waiting for a pending one (a large payload is decoded while its last
    /// bytes are hashed); a bad one drops the frame, as before any decoding. Called before anything acts on the message.
    /// </summary>
    /// <param name="command">The command.</param>
    /// <param name="wireSize">The frame's size.</param>
    /// <param name="checking">The payload whose checksum is pending (<see cref="TransportMessage.Checking"/>), or null when it was verified.</param>
    private bool Verified(MessageCommand command, int wireSize, LargePayload? checking)
    {
        var status = checking?.FinishChecksum() ?? TransportMessageStatus.Ok;
        if (status == TransportMessageStatus.Ok)
        {
            return true;
        }

        Drop(command, status, wireSize);
        return false;
    }

    private void Route(MessageCommand command, in TransportMessage message)
    {
        int wireSize = message.WireSize;
        var descriptor = BitcoinMessages.FindMessage(command);
        IMessageDispatcher<Peer>? set = null;
        if (descriptor is null)
        {
            foreach (var candidate in _config.MessageSets)
            {
                if (candidate.FindMessage(command) is { } found)
                {
                    set = candidate;
                    descriptor = found;
                    break;
                }
            }
        }

        var admission = MessageAdmission.Decide(command, descriptor, set is not null, _peer.Handshake.View, _config.Services);
        if (admission.Verdict != AdmissionVerdict.Process)
        {
            if (!Verified(command, wireSize, message.Checking))
            {
                return;
            }

            if (admission.Verdict == AdmissionVerdict.Ignore)
            {
                Ignore(command, admission.Why!);
            }
            else
            {
                _peer.Disconnect(new DisconnectReason(admission.Kind, admission.Why!, ProtocolError.UnexpectedMessage));
            }

            InvokeHook(_config.OnRead, command, wireSize, null, null);
            return;
        }

        var context = _peer.Handshake.ReadContext;
        var reader = PayloadReader.Create(message.Payload, message.OwnedPayload, context, out byte[]? rented);

        try
        {
            if (descriptor is null)
            {
                if (!Verified(command, wireSize, message.Checking))
                {
                    return;
                }

                PeerLog.Unknown(_logger, _peer.Id, command.ToString(), wireSize);
                if (_config.Listener is { } listener)
                {
                    long started = ListenerStarted();
                    try
                    {
                        listener.OnUnknown(_peer, new RawFrame(command, reader.UnreadSpan));
                    }
                    catch (Exception e)
                    {
                        throw new ListenerFailure(e);
                    }
                    finally
                    {
                        ListenerFinished(started);
                    }
                }

                InvokeHook(_config.OnRead, command, wireSize, null, null);
            }
            else if (set is null)
            {
                BitcoinMessages.TryHandle(_peer, command, ref reader, new Decoded(this, wireSize, message.Checking, null));
            }
            else
            {
                set.TryHandle(_peer, command, ref reader, new Decoded(this, wireSize, message.Checking, set));
            }
        }
        catch (ProtocolException e)
        {
            // Only decoding throws it here: a listener's exceptions arrive wrapped in ListenerFailure. A payload that
            // fails its checksum is a dropped frame, not a malformed message (its checksum was still pending).
            if (!Verified(command, wireSize, message.Checking))
            {
                return;
            }

            InvokeHook(_config.OnRead, command, wireSize, null, e);
            _peer.Disconnect(new DisconnectReason(DisconnectKind.ProtocolViolation, $"malformed {command}: {e.Message}", e.Error));
        }
        catch (ListenerFailure e)
        {
            _peer.Disconnect(new DisconnectReason(DisconnectKind.ListenerError, $"the listener for {command} threw {e.InnerException!.GetType().Name}: {e.InnerException.Message}"));
        }
        finally
        {
            PayloadReader.Return(rented);
        }
    }

    /// <summary>
    /// A decoded message, with its static type: the core rules apply to Bitcoin messages, then the message goes to the
    /// listener of its set, then to the read hook.
    /// </summary>
    private void OnDecoded<TMessage>(TMessage message, int wireSize, LargePayload? checking, IMessageDispatcher<Peer>? set)
        where TMessage : IMessage<TMessage>
    {
        var command = message.Command;
        if (!Verified(command, wireSize, checking))
        {
            return;
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            PeerLog.Received(_logger, command.ToString(), wireSize, _peer.Id, MessageDescriber.Describe(message));
        }

        if (set is null)
        {
            _peer.Rules.Apply(message);
        }

        var listener = _config.Listener;
        if ((set is not null || listener is not null) && _peer.IsConnected)
        {
            long started = ListenerStarted();
            try
            {
                if (set is null)
                {
                    BitcoinMessages.Deliver(_peer, message, listener!);
                }
                else
                {
                    set.Deliver(_peer, message);
                }
            }
            catch (Exception e)
            {
                throw new ListenerFailure(e);
            }
            finally
            {
                ListenerFinished(started);
            }
        }

        InvokeHook(_config.OnRead, command, wireSize, message, null);
        if (set is null)
        {
            _peer.Rules.Delivered(message);
        }
    }

    private long ListenerStarted()
    {
        _peer.Stalls.ListenerStarted();
        return _peer.Time.GetTimestamp();
    }

    private void ListenerFinished(long started) => _peer.Stalls.ListenerFinished(_peer.Time.GetElapsedTime(started));

    private void Ignore(MessageCommand command, string why)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            PeerLog.Ignored(_logger, _peer.Id, command.ToString(), why);
        }

        _peer.Statistics.Ignored();
    }

    private void InvokeHook(PeerMessageHook? hook, MessageCommand command, int bytes, IMessage? message, Exception? error)
    {
        if (hook is null)
        {
            return;
        }

        try
        {
            hook(_peer, command, bytes, message, error);
        }
        catch (Exception e)
        {
            PeerLog.CallbackFailed(_logger, _peer.Id, e);
        }
    }

    /// <summary>The generated dispatch's "any message" hook: hands each decoded message, typed, back to the router.</summary>
    private readonly struct Decoded(MessageRouter router, int wireSize, LargePayload? checking, IMessageDispatcher<Peer>? set) : IMessageHandler<Peer>
    {
        public void OnMessage<TMessage>(Peer peer, TMessage message)
            where TMessage : IMessage<TMessage> => router.OnDecoded(message, wireSize, checking, set);
    }

    /// <summary>Wraps an exception thrown by user code so that it is not mistaken for a decoding error.</summary>
    private sealed class ListenerFailure : Exception
    {
        public ListenerFailure(Exception inner)
            : base(inner.Message, inner)
        {
        }
    }
}
