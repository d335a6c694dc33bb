namespace ProtoGen.Runtime.Tests;

/// <summary>A small generated message used by the framing and serializer tests.</summary>
[Message("testmsg")]
public sealed partial record TestMessage
{
    public uint A { get; init; }

    [MaxLength(100)]
    public WireBytes B { get; init; }
}

/// <summary>A wire type with one of each field shape the runtime primitives support.</summary>
[WireType]
public sealed partial record TestRecord
{
    public byte Byte { get; init; }

    public bool Flag { get; init; }

    public short Short { get; init; }

    [BigEndian]
    public ushort Port { get; init; }

    public int Int { get; init; }

    public long Long { get; init; }

    public ulong ULong { get; init; }

    [CompactSize]
    public ulong Size { get; init; }

    public Hash256 Hash { get; init; }

    [MaxLength(64)]
    public string Text { get; init; } = string.Empty;

    [FixedLength(4)]
    public WireBytes Fixed { get; init; }

    [MaxLength(1000)]
    public WireBytes Bytes { get; init; }

    [MaxCount(10)]
    public WireArray<uint> Numbers { get; init; }
}

/// <summary>A message with nested wire types and an array of them.</summary>
[Message("testnested")]
public sealed partial record TestNestedMessage
{
    public TestRecord Single { get; init; } = new();

    [MaxCount(5)]
    public WireArray<TestRecord> Many { get; init; }
}

[MessageSet("Test")]
public static partial class TestMessages
{
}

/// <summary>Limits far above what any input can satisfy, so that only the bytes-left check stands between a count and an allocation.</summary>
[WireType]
public sealed partial record TestHugeLimits
{
    [MaxCount(33_554_432)]
    public WireArray<Hash256> Hashes { get; init; }

    [MaxLength(33_554_432)]
    public WireBytes Blob { get; init; }
}
