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
    /// <summary>
    /// Reads one transaction. Every field is checked here, whatever the reader: limits, canonical sizes, the witness
    /// flag, truncation. From a reader that retains slices (<see cref="WireReader.RetainsSlices"/>) the transaction
    /// keeps its raw bytes and builds its <see cref="Transaction.Inputs"/> and <see cref="Transaction.Outputs"/>
    /// arrays from them on first access, so decoding allocates only the transaction object; otherwise they are built
    /// here, with scripts and witness items copied out of the reader.
    /// </summary>
    /// <param name="reader">The reader.</param>
    public static Transaction Read(ref WireReader reader)
    {
        int start = reader.Position;
        if (reader.RetainsSlices)
        {
            var checkedParts = ReadParts(ref reader, materialize: false, stopAtWitness: false);
            var lazy = new Transaction { Version = checkedParts.Version, LockTime = checkedParts.LockTime };
            lazy.SetRaw(reader.SliceFrom(start));
            return lazy;
        }

        var parts = ReadParts(ref reader, materialize: true, stopAtWitness: false);
        return new Transaction
        {
            Version = parts.Version,
            Inputs = new WireArray<TxIn>(parts.Inputs!),
            Outputs = new WireArray<TxOut>(parts.Outputs!),
            LockTime = parts.LockTime,
        };
    }

    /// <summary>Builds the inputs and outputs of a transaction from the raw bytes it was decoded (and checked) from.</summary>
    /// <param name="raw">The raw bytes of exactly one transaction.</param>
    internal static TransactionParts Materialize(WireBytes raw)
    {
        var reader = new WireReader(raw.Memory, WireContext.Default, retainSlices: true);
        return ReadParts(ref reader, materialize: true, stopAtWitness: false);
    }

    /// <summary>Where the witness stacks start in raw bytes of the BIP144 form, counted from the transaction's first byte.</summary>
    /// <param name="raw">The raw bytes of exactly one transaction with the witness flag.</param>
    internal static int FindWitnessStart(WireBytes raw)
    {
        var reader = new WireReader(raw.Memory, WireContext.Default, retainSlices: true);
        return ReadParts(ref reader, materialize: false, stopAtWitness: true).WitnessStart;
    }

    /// <summary>
    /// The one walk over a transaction's encoding, used to check it (<paramref name="materialize"/> false: nothing
    /// is allocated from a reader that retains slices) and to build it (true), so both see exactly the same rules.
    /// </summary>
    private static TransactionParts ReadParts(ref WireReader reader, bool materialize, bool stopAtWitness)
    {
        int start = reader.Position;
        int version = reader.ReadInt32();
        byte flags = 0;
        TxIn[]? inputs = null;
        TxOut[]? outputs = null;
        int inputCount = ReadInputs(ref reader, materialize, ref inputs);
        if (inputCount == 0)
        {
            // Either an empty input list or the BIP144 marker: the next byte is the flag (or the output count 0).
            flags = reader.ReadByte();
            if (flags != 0)
            {
                inputCount = ReadInputs(ref reader, materialize, ref inputs);
                ReadOutputs(ref reader, materialize, ref outputs);
            }
            else if (materialize)
            {
                outputs = [];
            }
        }
        else
        {
            ReadOutputs(ref reader, materialize, ref outputs);
        }

        int witnessStart = reader.Position - start;
        if (stopAtWitness)
        {
            return new TransactionParts(version, inputs, outputs, 0, witnessStart);
        }

        if ((flags & 1) != 0)
        {
            flags ^= 1;
            bool any = false;
            for (int i = 0; i < inputCount; i++)
            {
                if (materialize)
                {
                    var stack = ReadWitness(ref reader);
                    if (!stack.IsEmpty)
                    {
                        any = true;
                        inputs![i] = inputs[i] with { Witness = stack };
                    }
                }
                else if (SkipWitness(ref reader) != 0)
                {
                    any = true;
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
        return new TransactionParts(version, inputs, outputs, lockTime, witnessStart);
    }

    private static int ReadInputs(ref WireReader reader, bool materialize, ref TxIn[]? inputs)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxInputsPerTransaction, TxIn.MinEncodedSize, "Inputs");
        if (!materialize)
        {
            for (int i = 0; i < count; i++)
            {
                _ = TxIn.Read(ref reader);
            }

            return count;
        }

        inputs = count == 0 ? [] : new TxIn[count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = TxIn.Read(ref reader);
        }

        return count;
    }

    private static void ReadOutputs(ref WireReader reader, bool materialize, ref TxOut[]? outputs)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxOutputsPerTransaction, TxOut.MinEncodedSize, "Outputs");
        if (!materialize)
        {
            for (int i = 0; i < count; i++)
            {
                _ = TxOut.Read(ref reader);
            }

            return;
        }

        outputs = count == 0 ? [] : new TxOut[count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = TxOut.Read(ref reader);
        }
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

    /// <summary>Checks one witness stack without keeping it; returns its item count.</summary>
    private static int SkipWitness(ref WireReader reader)
    {
        int count = reader.ReadCount(ProtocolLimits.MaxWitnessItems, 1, "Witness");
        for (int i = 0; i < count; i++)
        {
            _ = reader.ReadVarBytes(ProtocolLimits.MaxWitnessItemSize, "Witness");
        }

        return count;
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

/// <summary>What one walk over a transaction's encoding found (arrays only when it built them).</summary>
internal readonly record struct TransactionParts(int Version, TxIn[]? Inputs, TxOut[]? Outputs, uint LockTime, int WitnessStart);
