using System;

namespace ProtoGen.Bitcoin;

/// <summary>
/// The escape hatch for <see cref="Transaction"/>: version, then either the legacy form (inputs, outputs) or the
/// BIP144 form (marker 0x00, flag 0x01, inputs, outputs, one witness stack per input), then the lock time. Decoding
/// follows Bitcoin Core: an empty input list followed by a non-zero flag starts the extended form; a witness flag
/// with no witness data ("superfluous witness record") and unknown flag bits are errors.
/// </summary>
public static class TransactionCodec
{
    /// <summary>Reads one transaction.</summary>
    /// <param name="reader">The reader.</param>
    public static Transaction Read(ref WireReader reader)
    {
        int start = reader.Position;
        int version = reader.ReadInt32();
        byte flags = 0;
        TxIn[] inputs = ReadInputs(ref reader);
        TxOut[] outputs;
        if (inputs.Length == 0)
        {
            // Either an empty input list or the BIP144 marker: the next byte is the flag (or the output count 0).
            flags = reader.ReadByte();
            if (flags != 0)
            {
                inputs = ReadInputs(ref reader);
                outputs = ReadOutputs(ref reader);
            }
            else
            {
                outputs = [];
            }
        }
        else
        {
            outputs = ReadOutputs(ref reader);
        }

        if ((flags & 1) != 0)
        {
            flags ^= 1;
            bool any = false;
            for (int i = 0; i < inputs.Length; i++)
            {
                var stack = ReadWitness(ref reader);
                if (!stack.IsEmpty)
                {
                    any = true;
                    inputs[i] = inputs[i] with { Witness = stack };
                }
            }

            if (!any)
            {
                throw new ProtocolException(ProtocolError.InvalidValue, "superfluous witness record");
            }
        }

        if (flags != 0)
        {
            throw new ProtocolException(ProtocolError.InvalidValue, "unknown transaction optional data");
        }

        uint lockTime = reader.ReadUInt32();
        var transaction = new Transaction
        {
            Version = version,
            Inputs = new WireArray<TxIn>(inputs),
            Outputs = new WireArray<TxOut>(outputs),
            LockTime = lockTime,
        };

        if (reader.RetainsSlices)
        {
            transaction.SetRaw(reader.SliceFrom(start));
        }

        return transaction;
    }

    private static TxIn[] ReadInputs(ref WireReader reader)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxInputsPerTransaction, TxIn.MinEncodedSize, "Inputs");
        if (count == 0)
        {
            return [];
        }

        var inputs = new TxIn[count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = TxIn.Read(ref reader);
        }

        return inputs;
    }

    private static TxOut[] ReadOutputs(ref WireReader reader)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxOutputsPerTransaction, TxOut.MinEncodedSize, "Outputs");
        if (count == 0)
        {
            return [];
        }

        var outputs = new TxOut[count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = TxOut.Read(ref reader);
        }

        return outputs;
    }

    private static WireArray<WireBytes> ReadWitness(ref WireReader reader)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxWitnessItems, 1, "Witness");
        if (count == 0)
        {
            return default;
        }

        var items = new WireBytes[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = reader.ReadVarBytes(ProtocolLimits.MaxWitnessItemSize, "Witness");
        }

        return new WireArray<WireBytes>(items);
    }

    /// <summary>Writes one transaction, with witness data unless the context says <see cref="WireFlags.NoWitness"/> or there is none.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The transaction.</param>
    public static void Write(ref WireWriter writer, Transaction value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.TryWriteRaw(ref writer))
        {
            return;
        }

        bool witness = writer.Context.AllowWitness && value.HasWitness;
        writer.WriteInt32(value.Version);
        if (witness)
        {
            writer.WriteByte(0);
            writer.WriteByte(1);
        }

        writer.WriteCount(value.Inputs.Count, ProtocolLimits.MaxInputsPerTransaction, "Inputs");
        foreach (ref readonly var input in value.Inputs.AsSpan())
        {
            TxIn.Write(ref writer, input);
        }

        writer.WriteCount(value.Outputs.Count, ProtocolLimits.MaxOutputsPerTransaction, "Outputs");
        foreach (ref readonly var output in value.Outputs.AsSpan())
        {
            TxOut.Write(ref writer, output);
        }

        if (witness)
        {
            foreach (ref readonly var input in value.Inputs.AsSpan())
            {
                writer.WriteCount(input.Witness.Count, ProtocolLimits.MaxWitnessItems, "Witness");
                foreach (var item in input.Witness.AsSpan())
                {
                    writer.WriteVarBytes(item.Span, ProtocolLimits.MaxWitnessItemSize, "Witness");
                }
            }
        }

        writer.WriteUInt32(value.LockTime);
    }

    /// <summary>The encoded size in <paramref name="context"/>.</summary>
    /// <param name="value">The transaction.</param>
    /// <param name="context">The encoding context.</param>
    public static int GetEncodedSize(Transaction value, WireContext context)
    {
        ArgumentNullException.ThrowIfNull(value);
        int raw = value.RawSize(context);
        return raw >= 0 ? raw : GetFieldsSize(value, context.AllowWitness && value.HasWitness);
    }

    /// <summary>The size of the encoding of the fields (never of remembered raw bytes), with or without the witness section.</summary>
    /// <param name="value">The transaction.</param>
    /// <param name="witness">Whether to count marker, flag and witness stacks.</param>
    internal static int GetFieldsSize(Transaction value, bool witness)
    {
        int size = 8 + (witness ? 2 : 0);
        size += CompactSize.GetEncodedSize((ulong)value.Inputs.Count);
        foreach (ref readonly var input in value.Inputs.AsSpan())
        {
            size += TxIn.GetEncodedSize(input, WireContext.Default);
        }

        size += CompactSize.GetEncodedSize((ulong)value.Outputs.Count);
        foreach (ref readonly var output in value.Outputs.AsSpan())
        {
            size += TxOut.GetEncodedSize(output, WireContext.Default);
        }

        if (witness)
        {
            foreach (ref readonly var input in value.Inputs.AsSpan())
            {
                size += CompactSize.GetEncodedSize((ulong)input.Witness.Count);
                foreach (var item in input.Witness.AsSpan())
                {
                    size += WireWriter.GetVarBytesSize(item.Length);
                }
            }
        }

        return size;
    }
}
