namespace ProtoGen.Samples.Chat;

/// <summary>
/// The chat message set. The generator fills this class with the set's dispatcher (<c>TryDispatch</c>,
/// <c>Dispatch</c>, <c>TryHandle</c>, <c>Deliver</c>, <c>Decode</c>, <c>CreateDispatcher</c>) and catalogue
/// (<c>Messages</c>, <c>FindMessage</c>), and emits <c>IChatListener&lt;TPeer&gt;</c>, <c>ChatListeners&lt;TPeer&gt;</c>
/// and <c>ChatListenerGroup&lt;TPeer&gt;</c> beside it.
/// </summary>
[MessageSet("Chat", MaxPayloadLength = MaxPayload)]
public static partial class ChatMessages
{
    /// <summary>
    /// The largest payload of any chat message, recorded in every descriptor of the set. The largest possible message,
    /// a post with the longest text and nickname and every tag, takes 1,341 bytes.
    /// </summary>
    public const int MaxPayload = 4096;

    /// <summary>
    /// The protocol version from which <see cref="ChatPostMessage.SentAt"/> is on the wire. A peer negotiates one
    /// version for the connection (the lower of the two version messages), and the same version gates fields of the
    /// Bitcoin set and of this one; 70016 is the version of BIP339 (ProtoGen speaks up to 70017, BIP434).
    /// </summary>
    public const int TimestampVersion = 70016;

    /// <summary>The longest text of a request, response or post, in UTF-8 bytes.</summary>
    public const int MaxTextLength = 1024;

    /// <summary>The longest nickname, in UTF-8 bytes.</summary>
    public const int MaxNickLength = 32;

    /// <summary>The most tags on a post.</summary>
    public const int MaxTags = 8;
}
