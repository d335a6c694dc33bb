namespace ProtoGen.Samples.Chat;

/// <summary>How a request was handled.</summary>
public enum ChatStatus : byte
{
    /// <summary>The request was answered.</summary>
    Ok = 0,

    /// <summary>The responder does not understand the request.</summary>
    Unknown = 1,

    /// <summary>The responder refused the request.</summary>
    Refused = 2,
}

/// <summary>Who wrote a post: a nested wire type, encoded inline in the messages that carry it.</summary>
[WireType]
public readonly partial record struct ChatAuthor
{
    /// <summary>Creates an author.</summary>
    /// <param name="id">The author's id.</param>
    /// <param name="nick">The nickname.</param>
    public ChatAuthor(ulong id, string nick)
    {
        Id = id;
        Nick = nick;
    }

    /// <summary>The author's id.</summary>
    public ulong Id { get; init; }

    /// <summary>The nickname (UTF-8, length-prefixed).</summary>
    [MaxLength(ChatMessages.MaxNickLength)]
    public string Nick { get; init; }
}

/// <summary>The <c>chatreq</c> message: asks the remote something; it answers with a <see cref="ChatResponseMessage"/> carrying the same id.</summary>
[Message("chatreq")]
public sealed partial record ChatRequestMessage
{
    /// <summary>Chosen by the requester, echoed by the response.</summary>
    public ulong RequestId { get; init; }

    /// <summary>The request.</summary>
    [MaxLength(ChatMessages.MaxTextLength)]
    public string Text { get; init; } = "";
}

/// <summary>The <c>chatresp</c> message: the answer to a <see cref="ChatRequestMessage"/>.</summary>
[Message("chatresp")]
public sealed partial record ChatResponseMessage
{
    /// <summary>The id of the request being answered.</summary>
    public ulong RequestId { get; init; }

    /// <summary>How the request was handled.</summary>
    public ChatStatus Status { get; init; }

    /// <summary>The answer.</summary>
    [MaxLength(ChatMessages.MaxTextLength)]
    public string Text { get; init; } = "";
}

/// <summary>The <c>chatpost</c> message: a post to a room, with a nested author, tags and a version-gated timestamp.</summary>
[Message("chatpost")]
public sealed partial record ChatPostMessage
{
    /// <summary>Who wrote it.</summary>
    public ChatAuthor Author { get; init; }

    /// <summary>The text.</summary>
    [MaxLength(ChatMessages.MaxTextLength)]
    public string Text { get; init; } = "";

    /// <summary>Tags (CompactSize count, then each a length-prefixed string).</summary>
    [MaxCount(ChatMessages.MaxTags)]
    public WireArray<ChatTag> Tags { get; init; }

    /// <summary>
    /// When it was written (Unix seconds). On the wire only when the connection's negotiated protocol version is at
    /// least <see cref="ChatMessages.TimestampVersion"/>; below that it is neither written nor read, and decodes as 0.
    /// </summary>
    [Since(ChatMessages.TimestampVersion)]
    public long SentAt { get; init; }
}

/// <summary>A tag on a post.</summary>
[WireType]
public readonly partial record struct ChatTag
{
    /// <summary>Creates a tag.</summary>
    /// <param name="name">The tag.</param>
    public ChatTag(string name) => Name = name;

    /// <summary>The tag.</summary>
    [MaxLength(ChatMessages.MaxNickLength)]
    public string Name { get; init; }
}
