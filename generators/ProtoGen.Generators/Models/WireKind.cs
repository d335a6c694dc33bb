namespace ProtoGen.Generators.Models;

/// <summary>How one field (or collection element) is put on the wire.</summary>
internal enum WireKind
{
    Byte,
    SByte,
    Bool,
    UInt16,
    Int16,
    UInt16BigEndian,
    UInt32,
    Int32,
    UInt64,
    Int64,
    CompactSize,
    Hash256,
    VarBytes,
    FixedBytes,
    VarString,
    Nested,
    Codec,
    Array,
}
