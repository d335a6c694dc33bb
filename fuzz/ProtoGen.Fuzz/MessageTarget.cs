using ProtoGen.Bitcoin;

namespace ProtoGen.Fuzz;

/// <summary>
/// Every message decoder. The first input byte picks the message from <see cref="BitcoinMessages.Messages"/>
/// (its index modulo the catalogue's size) and the protocol version (an odd quotient decodes as a pre-BIP31 peer,
/// version 60000, which changes <c>ping</c>); the rest is the payload.
/// </summary>
/// <remarks>
/// Property: the payload is decoded from a span (byte strings copied) and from memory the message may keep (byte
/// strings sliced, transactions lazy). Both raise <see cref="ProtocolException"/> with the same code, or both accept
/// the same value after consuming the same bytes; that value re-encodes to the consumed bytes (or, for the
/// <see cref="MessageCodecs.NonCanonical"/> messages, to a canonical fixed point); both decodes encode to the same
/// bytes with and without witness data; each decode allocates within <see cref="Property.AllocationBound"/>.
/// Trailing bytes after a whole message are not an error (Bitcoin Core ignores them too).
/// </remarks>
public static class MessageTarget
{
    /// <summary>The version a pre-BIP31 peer negotiates (ping has no nonce).</summary>
    public const int PreBip31Version = 60000;

    /// <summary>Builds an input for a message: the selector byte then the payload.</summary>
    /// <param name="message">The message.</param>
    /// <param name="preBip31">Whether to decode as a pre-BIP31 peer.</param>
    public static byte[] Input(IMessage message, bool preBip31 = false)
    {
        var messages = BitcoinMessages.Messages;
        int index = -1;
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].CommandBytes == message.Command)
            {
                index = i;
            }
        }

        Property.Check(index >= 0, $"{message.Command} is not in the catalogue");
        var context = preBip31 ? new WireContext(PreBip31Version) : WireContext.Default;
        var payload = MessageCodecs.Encode(message, context);
        var input = new byte[1 + payload.Length];
        input[0] = (byte)(index + (preBip31 ? messages.Count : 0));
        payload.CopyTo(input, 1);
        return input;
    }

    /// <summary>Checks the property on one input.</summary>
    /// <param name="input">The input.</param>
    public static void Run(ReadOnlyMemory<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var messages = BitcoinMessages.Messages;
        int selector = input.Span[0];
        var descriptor = messages[selector % messages.Count];
        var context = (selector / messages.Count) % 2 == 1 ? new WireContext(PreBip31Version) : WireContext.Default;
        var payload = input.Slice(1);
        var command = descriptor.CommandBytes;
        string name = descriptor.Command;

        int spanConsumed = 0;
        var fromSpan = Property.Decode($"{name} from a span", payload.Length, () =>
        {
            var reader = new WireReader(payload.Span, context);
            var message = MessageCodecs.Decode(command, ref reader);
            spanConsumed = reader.Position;
            return message;
        });

        int memoryConsumed = 0;
        var fromMemory = Property.Decode($"{name} from memory", payload.Length, () =>
        {
            var reader = new WireReader(payload, context, retainSlices: true);
            var message = MessageCodecs.Decode(command, ref reader);
            memoryConsumed = reader.Position;
            return message;
        });

        Property.SameVerdict(fromSpan, fromMemory, $"{name}: span and memory decodes");
        if (!fromSpan.Accepted)
        {
            return;
        }

        var spanMessage = fromSpan.Value!;
        var memoryMessage = fromMemory.Value!;
        Property.Check(spanMessage.Command == command, $"{name}: decoded a {spanMessage.Command}");
        Property.Check(spanConsumed == memoryConsumed, $"{name}: the span decode consumed {spanConsumed} bytes, the memory decode {memoryConsumed}");
        Property.Check(spanMessage.Equals(memoryMessage), $"{name}: span and memory decodes give different values");

        var encoded = MessageCodecs.CheckRoundTrip(spanMessage, payload.Span.Slice(0, spanConsumed), context);
        Property.BytesEqual(encoded, MessageCodecs.Encode(memoryMessage, context), $"{name}: encoding the memory decode");
        var noWitness = context.WithFlags(WireFlags.NoWitness);
        Property.BytesEqual(MessageCodecs.Encode(spanMessage, noWitness), MessageCodecs.Encode(memoryMessage, noWitness), $"{name}: encoding without witness data");
    }
}
