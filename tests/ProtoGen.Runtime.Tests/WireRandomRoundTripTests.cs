using System.Buffers;
using System.Text;
using static ProtoGen.Runtime.Tests.TestSupport;

namespace ProtoGen.Runtime.Tests;

/// <summary>
/// Random sequences of every primitive, written by <see cref="WireWriter"/> onto each kind of destination (a growing
/// buffer writer, a stingy one, a fixed span) and read back by <see cref="WireReader"/> from contiguous and
/// one-byte-per-segment input: the same bytes and the same values everywhere.
/// </summary>
public class WireRandomRoundTripTests
{
    private enum Op
    {
        Byte, SByte, Bool, UInt16, Int16, UInt16BigEndian, UInt32, Int32, UInt64, Int64, Hash, CompactSize, VarBytes, VarString, Fixed, Count,
    }

    private readonly record struct Value(Op Op, ulong Number, byte[] Bytes, string Text);

    private static List<Value> RandomValues(Random random, int count)
    {
        var values = new List<Value>(count);
        var ops = Enum.GetValues<Op>();
        for (int i = 0; i < count; i++)
        {
            var op = ops[random.Next(ops.Length)];
            ulong number = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 33);
            if (op is Op.CompactSize or Op.Count)
            {
                number >>= random.Next(0, 64);
            }

            if (op is Op.Count)
            {
                number %= 64;
            }

            var bytes = new byte[op is Op.Hash ? 32 : op is Op.Fixed ? 7 : random.Next(0, op is Op.VarBytes ? 600 : 0)];
            random.NextBytes(bytes);
            var text = op is Op.VarString ? RandomText(random) : string.Empty;
            values.Add(new Value(op, number, bytes, text));
        }

        return values;
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        int length = random.Next(0, 300);
        for (int i = 0; i < length; i++)
        {
            text.Append(random.Next(4) switch
            {
                0 => (char)random.Next(0x20, 0x7F),
                1 => (char)random.Next(0xA0, 0x800),
                2 => (char)random.Next(0x800, 0xD800),
                _ => 'é',
            });
        }

        return text.ToString();
    }

    private static void WriteValues(ref WireWriter writer, List<Value> values)
    {
        foreach (var v in values)
        {
            switch (v.Op)
            {
                case Op.Byte: writer.WriteByte((byte)v.Number); break;
                case Op.SByte: writer.WriteSByte((sbyte)v.Number); break;
                case Op.Bool: writer.WriteBool((v.Number & 1) != 0); break;
                case Op.UInt16: writer.WriteUInt16((ushort)v.Number); break;
                case Op.Int16: writer.WriteInt16((short)v.Number); break;
                case Op.UInt16BigEndian: writer.WriteUInt16BigEndian((ushort)v.Number); break;
                case Op.UInt32: writer.WriteUInt32((uint)v.Number); break;
                case Op.Int32: writer.WriteInt32((int)v.Number); break;
                case Op.UInt64: writer.WriteUInt64(v.Number); break;
                case Op.Int64: writer.WriteInt64((long)v.Number); break;
                case Op.Hash: writer.WriteHash256(new Hash256(v.Bytes)); break;
                case Op.CompactSize: writer.WriteCompactSize(v.Number); break;
                case Op.VarBytes: writer.WriteVarBytes(v.Bytes, 1000, "b"); break;
                case Op.VarString: writer.WriteVarString(v.Text, 2000, "s"); break;
                case Op.Fixed: writer.WriteFixedBytes(v.Bytes, 7, "f"); break;
                case Op.Count:
                    writer.WriteCount((int)v.Number, 1000, "c");
                    writer.WriteBytes(new byte[(int)v.Number]);
                    break;
            }
        }
    }

    private static void ReadValues(ref WireReader reader, List<Value> values)
    {
        foreach (var v in values)
        {
            switch (v.Op)
            {
                case Op.Byte: Assert.Equal((byte)v.Number, reader.ReadByte()); break;
                case Op.SByte: Assert.Equal((sbyte)v.Number, reader.ReadSByte()); break;
                case Op.Bool: Assert.Equal((v.Number & 1) != 0, reader.ReadBool()); break;
                case Op.UInt16: Assert.Equal((ushort)v.Number, reader.ReadUInt16()); break;
                case Op.Int16: Assert.Equal((short)v.Number, reader.ReadInt16()); break;
                case Op.UInt16BigEndian: Assert.Equal((ushort)v.Number, reader.ReadUInt16BigEndian()); break;
                case Op.UInt32: Assert.Equal((uint)v.Number, reader.ReadUInt32()); break;
                case Op.Int32: Assert.Equal((int)v.Number, reader.ReadInt32()); break;
                case Op.UInt64: Assert.Equal(v.Number, reader.ReadUInt64()); break;
                case Op.Int64: Assert.Equal((long)v.Number, reader.ReadInt64()); break;
                case Op.Hash: Assert.Equal(new Hash256(v.Bytes), reader.ReadHash256()); break;
                case Op.CompactSize: Assert.Equal(v.Number, reader.ReadCompactSize(rangeCheck: false)); break;
                case Op.VarBytes: Assert.Equal(v.Bytes, reader.ReadVarBytes(1000, "b").ToArray()); break;
                case Op.VarString: Assert.Equal(v.Text, reader.ReadVarString(2000, "s")); break;
                case Op.Fixed: Assert.Equal(v.Bytes, reader.ReadBytes(7).ToArray()); break;
                case Op.Count:
                    Assert.Equal((int)v.Number, reader.ReadCount(1000, 1, "c"));
                    Assert.Equal(new byte[(int)v.Number], reader.ReadSpan((int)v.Number).ToArray());
                    break;
            }
        }
    }

    [Fact]
    public void RandomValuesRoundTripThroughEveryKindOfDestination()
    {
        var random = new Random(20240501);
        for (int trial = 0; trial < 40; trial++)
        {
            var values = RandomValues(random, random.Next(1, 200));

            var arrayOutput = new ArrayBufferWriter<byte>(1);
            var writer = new WireWriter(arrayOutput);
            WriteValues(ref writer, values);
            writer.Flush();
            var expected = arrayOutput.WrittenSpan.ToArray();
            Assert.Equal(expected.Length, writer.BytesWritten);

            var stingy = new StingyBufferWriter(trial);
            var stingyWriter = new WireWriter(stingy);
            WriteValues(ref stingyWriter, values);
            stingyWriter.Flush();
            Assert.Equal(expected, stingy.WrittenBytes);

            var fixedBuffer = new byte[expected.Length];
            var spanWriter = new WireWriter(fixedBuffer.AsSpan());
            WriteValues(ref spanWriter, values);
            Assert.Equal(expected.Length, spanWriter.BytesWritten);
            Assert.Equal(expected, fixedBuffer);

            var reader = new WireReader(expected);
            ReadValues(ref reader, values);
            reader.EnsureEnd();

            var sequenceReader = new WireReader(OneBytePerSegment(expected));
            ReadValues(ref sequenceReader, values);
            sequenceReader.EnsureEnd();
        }
    }
}
