namespace ProtoGen.Generators.Tests.Infrastructure;

/// <summary>
/// The golden-output scenarios. Each is a small assembly with one message set; together they cover a version gate,
/// optional trailing fields, arrays, enums, nested wire types, field and type codecs, a positional record, a message
/// nested in classes, a struct message, a message in the global namespace and one invalid type.
/// The round-trip tests compile and run the same sources.
/// </summary>
internal static class Scenarios
{
    public const string Basic = nameof(Basic);
    public const string Codecs = nameof(Codecs);
    public const string Shapes = nameof(Shapes);

    public static readonly string[] All = [Basic, Codecs, Shapes];

    public static string Source(string name) => name switch
    {
        Basic => BasicSource,
        Codecs => CodecsSource,
        Shapes => ShapesSource,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown scenario"),
    };

    public const string BasicSource = """
        using ProtoGen;

        namespace Scenarios.Basic
        {
            public enum Color : byte
            {
                Red = 1,
                Green = 2,
                Blue = 3,
            }

            public enum Kind : uint
            {
                None = 0,
                Large = 1000,
            }

            [MessageSet("Test", MaxPayloadLength = 5000)]
            public static partial class TestMessages
            {
            }

            [WireType]
            public readonly partial record struct Endpoint
            {
                [FixedLength(4)]
                public WireBytes Address { get; init; }

                [BigEndian]
                public ushort Port { get; init; }
            }

            [WireType]
            public partial record struct Item
            {
                public Color Color { get; init; }

                public Hash256 Hash { get; init; }
            }

            [Message("ping", V2ShortId = 18)]
            public sealed partial record PingMessage
            {
                [Since(60001)]
                public ulong Nonce { get; init; }
            }

            [Message("hello", MinProtocolVersion = 70001)]
            public sealed partial record HelloMessage
            {
                public int Version { get; init; }

                public Color Color { get; init; }

                public Endpoint Receiver { get; init; }

                [Optional]
                public ulong? Nonce { get; init; }

                [Optional]
                [MaxLength(16)]
                public string? Agent { get; init; }

                [Optional]
                public bool? Relay { get; init; }
            }

            [Message("items", MaxPayloadLength = 1000, ListenerName = "ItemList")]
            public sealed partial record ItemsMessage
            {
                [MaxCount(3)]
                public WireArray<Item> Items { get; init; }

                [MaxCount(4)]
                [MaxLength(5)]
                public WireArray<string> Tags { get; init; }

                [CompactSize]
                public int Index { get; init; }

                [CompactSize]
                public Kind Kind { get; init; }

                [MaxLength(8)]
                public WireBytes Blob { get; init; }

                [Since(70002)]
                [MaxCount(2)]
                public WireArray<ushort> Extras { get; init; }
            }

            [Message("checked")]
            public sealed partial record CheckedMessage
            {
                public uint Value { get; init; }

                partial void OnDecoded()
                {
                    if (Value == 0)
                    {
                        throw new ProtocolException(ProtocolError.InvalidValue, "Value must not be zero");
                    }
                }
            }

            // Test glue: the generated Dispatch, TryDispatch, TryHandle and Decode take a ref WireReader, which reflection cannot pass.
            public static class DispatchProbe
            {
                public static bool Dispatch<TPeer>(TPeer peer, string command, byte[] payload, ITestListener<TPeer> listener)
                {
                    var reader = new WireReader(new System.ReadOnlySpan<byte>(payload));
                    return TestMessages.Dispatch(peer, MessageCommand.Parse(command), ref reader, listener);
                }

                public static bool TryDispatch<TPeer>(TPeer peer, string command, byte[] payload, ITestListener<TPeer> listener)
                {
                    var reader = new WireReader(new System.ReadOnlySpan<byte>(payload));
                    return TestMessages.TryDispatch(peer, MessageCommand.Parse(command), ref reader, listener);
                }

                public static IMessage? Decode(string command, byte[] payload)
                {
                    var reader = new WireReader(new System.ReadOnlySpan<byte>(payload));
                    return TestMessages.Decode(MessageCommand.Parse(command), ref reader);
                }

                public static bool TryHandle<TPeer>(TPeer peer, string command, byte[] payload, IMessageHandler<TPeer> handler)
                {
                    var reader = new WireReader(new System.ReadOnlySpan<byte>(payload));
                    return TestMessages.TryHandle(peer, MessageCommand.Parse(command), ref reader, handler);
                }

                // THandler is a struct here: the generated code calls it directly.
                public static bool TryHandleWithStruct<TPeer>(TPeer peer, string command, byte[] payload, IMessageHandler<TPeer> handler)
                {
                    var reader = new WireReader(new System.ReadOnlySpan<byte>(payload));
                    return TestMessages.TryHandle(peer, MessageCommand.Parse(command), ref reader, new ForwardingHandler<TPeer>(handler));
                }
            }

            public readonly struct ForwardingHandler<TPeer> : IMessageHandler<TPeer>
            {
                private readonly IMessageHandler<TPeer> _inner;

                public ForwardingHandler(IMessageHandler<TPeer> inner) => _inner = inner;

                public void OnMessage<TMessage>(TPeer peer, TMessage message)
                    where TMessage : IMessage<TMessage> => _inner.OnMessage(peer, message);
            }

            // Implements nothing: every listener method has a no-op default.
            public sealed class QuietListener : ITestListener<object>
            {
            }

            // Not partial: the analyzer reports PGEN0001 and the generator emits nothing for it.
            [Message("broken")]
            public sealed record BrokenMessage
            {
                public int Value { get; init; }
            }
        }
        """;

    public const string CodecsSource = """
        using ProtoGen;

        namespace Scenarios.Codecs
        {
            [MessageSet("Codec")]
            public static partial class CodecMessages
            {
            }

            /// <summary>An amount with a field codec: satoshis as a CompactSize.</summary>
            public readonly record struct Amount(ulong Satoshis);

            public static class AmountCodec
            {
                public static Amount Read(ref WireReader reader) => new(reader.ReadCompactSize(rangeCheck: false));

                public static void Write(ref WireWriter writer, Amount value) => writer.WriteCompactSize(value.Satoshis);

                public static int GetEncodedSize(Amount value, WireContext context) => CompactSize.GetEncodedSize(value.Satoshis);
            }

            /// <summary>A wire type encoded whole by a codec: a version byte (1) and a short UTF-8 text.</summary>
            [WireType]
            [WireCodec(typeof(NoteCodec), MinEncodedSize = 2)]
            public sealed partial class Note
            {
                public string Text { get; init; } = string.Empty;
            }

            public static class NoteCodec
            {
                public static Note Read(ref WireReader reader)
                {
                    if (reader.ReadByte() != 1)
                    {
                        throw new ProtocolException(ProtocolError.InvalidValue, "unknown note version");
                    }

                    return new Note { Text = reader.ReadVarString(32, "Text") };
                }

                public static void Write(ref WireWriter writer, Note value)
                {
                    writer.WriteByte(1);
                    writer.WriteVarString(value.Text, 32, "Text");
                }

                public static int GetEncodedSize(Note value, WireContext context) => 1 + WireWriter.GetVarStringSize(value.Text);
            }

            [Message("pay")]
            public sealed partial record PayMessage
            {
                [WireCodec(typeof(AmountCodec))]
                public Amount Amount { get; init; }

                public Note Memo { get; init; } = new();

                [MaxCount(2)]
                public WireArray<Note> Notes { get; init; }

                [Optional]
                [WireCodec(typeof(AmountCodec))]
                public Amount? Tip { get; init; }
            }

            /// <summary>A message encoded whole by a codec: every remaining byte.</summary>
            [Message("raw")]
            [WireCodec(typeof(RawCodec), MinEncodedSize = 0)]
            public sealed partial record RawMessage
            {
                public WireBytes Data { get; init; }
            }

            public static class RawCodec
            {
                public static RawMessage Read(ref WireReader reader) => new() { Data = reader.ReadBytes(reader.Remaining) };

                public static void Write(ref WireWriter writer, RawMessage value) => writer.WriteBytes(value.Data.Span);

                public static int GetEncodedSize(RawMessage value, WireContext context) => value.Data.Length;
            }
        }
        """;

    public const string ShapesSource = """
        using ProtoGen;

        [Message("global")]
        public sealed partial record GlobalMessage
        {
            public short Value { get; init; }
        }

        namespace Scenarios.Shapes
        {
            [MessageSet("Shape")]
            internal static partial class ShapeMessages
            {
            }

            [Message("point")]
            public sealed partial record PointMessage(int X, [CompactSize] ulong Y, [MaxLength(10)] string Label);

            [WireType]
            public partial struct Pair
            {
                public short A { get; set; }

                public sbyte B { get; set; }

                [WireIgnore]
                public int Ignored { get; set; }

                public int Sum => A + B;
            }

            [WireType]
            public sealed partial class Box
            {
                public long Size { get; set; }

                public Pair Pair { get; set; }

                // A keyword as a field name: the generated code must write value.@event.
                public byte @event { get; set; }

                [MaxCount(2)]
                [FixedLength(2)]
                public WireArray<WireBytes> Chunks { get; set; }
            }

            public static partial class Outer
            {
                public partial class Middle
                {
                    [Message("nested")]
                    public sealed partial record NestedMessage
                    {
                        public byte Value { get; init; }

                        public Box Box { get; init; } = new();
                    }
                }
            }

            [Message("empty")]
            public sealed partial class EmptyMessage
            {
            }

            [Message("struct")]
            public partial struct StructMessage
            {
                public uint A { get; set; }

                public bool B { get; set; }
            }
        }
        """;
}
