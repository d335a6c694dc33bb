using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using ProtoGen.Peers;

namespace ProtoGen.Samples.Chat;

/// <summary>
/// The application side of the chat set: answers <c>chatreq</c> with <c>chatresp</c>, matches responses to the
/// requests waiting for them, and raises <see cref="PostReceived"/> for posts. It implements the generated
/// <see cref="IChatListener{TPeer}"/>, so the peer calls it directly with decoded messages: no reflection, no casts.
/// </summary>
/// <remarks>
/// Listener methods run on the peer's read loop, one after another, so they only queue replies
/// (<see cref="Peer.QueueMessage"/>) and complete tasks; they never wait.
/// </remarks>
public sealed class ChatEndpoint : IChatListener<Peer>
{
    private readonly Func<ChatRequestMessage, (ChatStatus Status, string Text)>? _responder;
    private readonly ConcurrentDictionary<(long Peer, ulong Request), TaskCompletionSource<ChatResponseMessage>> _pending = new();
    private long _nextRequestId;

    /// <summary>Creates an endpoint.</summary>
    /// <param name="responder">Answers requests from remotes; null answers every request with <see cref="ChatStatus.Unknown"/>.</param>
    public ChatEndpoint(Func<ChatRequestMessage, (ChatStatus Status, string Text)>? responder = null) => _responder = responder;

    /// <summary>Raised, on the peer's read loop, for every post received.</summary>
    public event Action<Peer, ChatPostMessage>? PostReceived;

    /// <summary>Requests awaiting their response.</summary>
    public int PendingRequests => _pending.Count;

    /// <summary>
    /// Adds the chat set to a peer configuration: chat messages go to <paramref name="listener"/> (this endpoint when
    /// null), Bitcoin messages still go to <see cref="PeerConfig.Listener"/>.
    /// </summary>
    /// <param name="config">The configuration to extend.</param>
    /// <param name="listener">The chat listener; null uses this endpoint.</param>
    /// <returns>A copy of <paramref name="config"/> with the chat set appended to <see cref="PeerConfig.MessageSets"/>.</returns>
    public PeerConfig AddTo(PeerConfig config, IChatListener<Peer>? listener = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config with { MessageSets = [.. config.MessageSets, ChatMessages.CreateDispatcher<Peer>(listener ?? this)] };
    }

    /// <summary>Sends a <c>chatreq</c> and waits for the <c>chatresp</c> with its id.</summary>
    /// <param name="peer">The peer to ask.</param>
    /// <param name="text">The request.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The response.</returns>
    /// <exception cref="PeerDisconnectedException">The peer ended before the response arrived.</exception>
    public async Task<ChatResponseMessage> RequestAsync(Peer peer, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var key = (peer.Id, (ulong)Interlocked.Increment(ref _nextRequestId));
        var response = new TaskCompletionSource<ChatResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = response;
        try
        {
            await peer.SendAsync(new ChatRequestMessage { RequestId = key.Item2, Text = text }, cancellationToken).ConfigureAwait(false);
            var first = await Task.WhenAny(response.Task, peer.WaitForDisconnectAsync()).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (first != response.Task)
            {
                throw new PeerDisconnectedException(peer.DisconnectReason);
            }

            return await response.Task.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>Queues a post to a peer.</summary>
    /// <param name="peer">The peer.</param>
    /// <param name="post">The post.</param>
    /// <returns>Whether it was queued.</returns>
    public static bool Post(Peer peer, ChatPostMessage post)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return peer.QueueMessage(post);
    }

    void IChatListener<Peer>.OnChatRequest(Peer peer, ChatRequestMessage message)
    {
        var (status, text) = _responder is null ? (ChatStatus.Unknown, "") : _responder(message);
        peer.QueueMessage(new ChatResponseMessage { RequestId = message.RequestId, Status = status, Text = text });
    }

    void IChatListener<Peer>.OnChatResponse(Peer peer, ChatResponseMessage message)
    {
        // A response nobody waits for (unsolicited, or its requester gave up) is dropped.
        if (_pending.TryRemove((peer.Id, message.RequestId), out var waiter))
        {
            waiter.TrySetResult(message);
        }
    }

    void IChatListener<Peer>.OnChatPost(Peer peer, ChatPostMessage message) => PostReceived?.Invoke(peer, message);
}
