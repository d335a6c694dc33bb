using ProtoGen.Bitcoin;

namespace ProtoGen.Fuzz;

/// <summary>Decoding and re-encoding of any Bitcoin message through the generated catalogue and dispatcher.</summary>
public static class MessageCodecs
{
    /// <summary>
    /// Messages whose decoder accepts more than one encoding of the same value, and why. Re-encoding such a message
    /// gives the canonical form, not necessarily the input; for them the property checked is that the canonical form
    /// decodes to an equal value and encodes to itself (and, where <c>SameLength</c>, is as long as the input). Every
    /// other message must re-encode to exactly the bytes its decoder consumed.
    /// </summary>
    public static IReadOnlyDictionary<MessageCommand, (bool SameLength, string Why)> NonCanonical { get; } = new Dictionary<MessageCommand, (bool, string)>
    {
        [VersionMessage.Command] = (false, "relay is true for any non-zero byte and written as 1 (Bitcoin Core reads a bool so); the user agent's invalid UTF-8 becomes U+FFFD (3 bytes) as text from peers is only displayed"),
        [SendCmpctMessage.Command] = (true, "the high-bandwidth flag is true for any non-zero byte and written as 1"),
        [RejectMessage.Command] = (false, "the command and reason texts' invalid UTF-8 becomes U+FFFD"),
        [HeadersMessage.Command] = (false, "the transaction count after each header is any CompactSize, read and ignored (Bitcoin Core), and written as one byte 0"),
    };

    /// <summary>Decodes one message of type <paramref name="command"/> from the front of <paramref name="reader"/>.</summary>
    /// <param name="command">The message's command (must be in the catalogue).</param>
    /// <param name="reader">The payload.</param>
    public static IMessage Decode(MessageCommand command, ref WireReader reader) =>
        BitcoinMessages.Decode(command, ref reader) ?? throw new PropertyViolationException($"{command} is in the catalogue but the dispatcher does not decode it");

    /// <summary>Encodes <paramref name="message"/> into a new array of exactly its measured size.</summary>
    /// <param name="message">The message.</param>
    /// <param name="context">The encoding context.</param>
    public static byte[] Encode(IMessage message, WireContext context)
    {
        int size;
        try
        {
            size = message.GetEncodedSize(context);
            var bytes = new byte[size];
            var writer = new WireWriter(bytes, context);
            message.WriteTo(ref writer);
            Property.Check(writer.BytesWritten == size, $"{message.Command}: encoded {writer.BytesWritten} bytes but measured {size}");
            return bytes;
        }
        catch (ProtocolException e)
        {
            throw new PropertyViolationException($"{message.Command}: a decoded message cannot be encoded again: {e.Error}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks the round trip of a decoded message: it re-encodes to <paramref name="consumed"/> (the bytes its decoder
    /// took), or, for a <see cref="NonCanonical"/> message, to a canonical form that is a fixed point.
    /// </summary>
    /// <param name="message">The decoded message.</param>
    /// <param name="consumed">The bytes it was decoded from.</param>
    /// <param name="context">The decoding context, also used to encode.</param>
    /// <returns>The re-encoded bytes.</returns>
    public static byte[] CheckRoundTrip(IMessage message, ReadOnlySpan<byte> consumed, WireContext context)
    {
        var command = message.Command;
        var encoded = Encode(message, context);
        if (!NonCanonical.TryGetValue(command, out var rule))
        {
            Property.BytesEqual(consumed, encoded, $"{command}: re-encoding");
            return encoded;
        }

        if (rule.SameLength)
        {
            Property.Check(encoded.Length == consumed.Length, $"{command}: the canonical form has {encoded.Length} bytes, the input {consumed.Length}");
        }

        var reader = new WireReader(encoded, context);
        IMessage again;
        try
        {
            again = Decode(command, ref reader);
        }
        catch (ProtocolException e)
        {
            throw new PropertyViolationException($"{command}: the canonical form does not decode: {e.Error}: {e.Message}", e);
        }

        Property.Check(reader.End, $"{command}: the canonical form decodes with {reader.Remaining} byte(s) left");
        Property.Check(again.Equals(message), $"{command}: the canonical form decodes to a different value");
        Property.BytesEqual(encoded, Encode(again, context), $"{command}: encoding the canonical form again");
        return encoded;
    }
}
