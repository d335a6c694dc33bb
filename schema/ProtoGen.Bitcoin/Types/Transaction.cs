using System;
using System.Buffers;

namespace ProtoGen.Bitcoin;

/// <summary>
/// A transaction, and the <c>tx</c> message. The segregated-witness marker, flag and witness stacks (BIP144) are
/// handled by the hand-written <see cref="TransactionCodec"/> escape hatch; inputs and outputs use generated codecs.
/// </summary>
/// <remarks>
/// <para>
/// A transaction decoded from memory the reader may keep (<see cref="WireReader.RetainsSlices"/>) remembers where
/// its bytes are, so <see cref="GetTxId"/> and <see cref="GetWitnessTxId"/> hash slices of that input and encoding it
/// again copies those bytes: nothing is encoded twice. A <c>with</c> copy forgets them, so it is always encoded
/// from its fields.
/// </para>
/// <para>
/// Such a transaction is fully checked when it is decoded, but builds its <see cref="Inputs"/> and
/// <see cref="Outputs"/> arrays (scripts and witness items are slices of the input either way) only when one of them
/// is first read: decoding a block to relay it, store it or compute its ids and merkle root allocates one object
/// per transaction. Reading them is safe from several threads (two threads may both build the arrays; both get
/// equal contents).
/// </para>
/// </remarks>
[Message("tx", V2ShortId = 21)]
[WireCodec(typeof(TransactionCodec), MinEncodedSize = ProtocolLimits.MinTransactionSize)]
public sealed partial record Transaction
{
    // A decoded transaction is 56 bytes: header, version, lock time, the two arrays (default until built from _raw)
    // and _raw. Where the witness section starts is found by walking the raw bytes when it is needed (txid and
    // encoding without witness of a segwit transaction); it ends where the lock time starts.
    private WireBytes _raw;
    private WireArray<TxIn> _inputs;
    private WireArray<TxOut> _outputs;

    /// <summary>Creates an empty transaction.</summary>
    public Transaction()
    {
    }

    private Transaction(Transaction original)
    {
        Version = original.Version;
        Inputs = original.Inputs;
        Outputs = original.Outputs;
        LockTime = original.LockTime;
    }

    /// <summary>The transaction version.</summary>
    public int Version { get; init; }

    /// <summary>The inputs.</summary>
    public WireArray<TxIn> Inputs
    {
        get
        {
            if (_inputs.IsDefault && HasRaw)
            {
                Materialize();
            }

            return _inputs;
        }

        init => _inputs = value;
    }

    /// <summary>The outputs.</summary>
    public WireArray<TxOut> Outputs
    {
        get
        {
            if (_outputs.IsDefault && HasRaw)
            {
                Materialize();
            }

            return _outputs;
        }

        init => _outputs = value;
    }

    /// <summary>The lock time (block height or Unix time).</summary>
    public uint LockTime { get; init; }

    /// <summary>Whether any input has witness data.</summary>
    public bool HasWitness
    {
        get
        {
            if (HasRaw)
            {
                // The decoder accepts the BIP144 form only with at least one non-empty witness stack.
                return RawHasWitness;
            }

            foreach (ref readonly var input in Inputs.AsSpan())
            {
                if (!input.Witness.IsEmpty)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether this is a coinbase transaction (one input spending the null outpoint).</summary>
    public bool IsCoinbase
    {
        get
        {
            if (HasRaw && _inputs.IsDefault)
            {
                // Without building the inputs: an input count of 1 (one byte), then the first input's outpoint.
                var raw = _raw.Span;
                int offset = RawHasWitness ? 6 : 4;
                if (raw[offset] != 1)
                {
                    return false;
                }

                var reader = new WireReader(raw.Slice(offset + 1));
                return OutPoint.Read(ref reader).IsNull;
            }

            return Inputs.Count == 1 && Inputs[0].PreviousOutput.IsNull;
        }
    }

    /// <summary>The bytes this transaction was decoded from (empty when it was built in memory or decoded from a span).</summary>
    public WireBytes DecodedBytes => _raw;

    internal bool HasRaw => !_raw.IsEmpty;

    /// <summary>
    /// Whether the raw bytes use the BIP144 form: marker 0x00 then a non-zero flag where the input count would be. A
    /// legacy transaction with no inputs has 0x00 0x00 there, and the decoder accepts no other flag than 0x01.
    /// </summary>
    internal bool RawHasWitness
    {
        get
        {
            var raw = _raw.Span;
            return raw[4] == 0 && raw[5] != 0;
        }
    }

    /// <summary>Where the witness stacks start in the raw BIP144 form: after version, marker, flag, inputs and outputs.</summary>
    private int RawWitnessStart => TransactionCodec.FindWitnessStart(_raw);

    internal void SetRaw(WireBytes raw) => _raw = raw;

    /// <summary>The txid: double SHA-256 of the encoding without witness data.</summary>
    public Hash256 GetTxId()
    {
        if (HasRaw)
        {
            var raw = _raw.Span;
            if (!RawHasWitness)
            {
                return DoubleSha256.Hash(raw);
            }

            int witnessStart = RawWitnessStart;
            return DoubleSha256.HashConcat(raw.Slice(0, 4), raw.Slice(6, witnessStart - 6), raw.Slice(raw.Length - 4));
        }

        return HashEncoding(new WireContext(0, WireFlags.NoWitness));
    }

    /// <summary>The wtxid (BIP141): double SHA-256 of the encoding with witness data; equal to the txid without witnesses.</summary>
    public Hash256 GetWitnessTxId()
    {
        if (HasRaw)
        {
            return DoubleSha256.Hash(_raw.Span);
        }

        return HashEncoding(WireContext.Default);
    }

    /// <summary>
    /// Computes the txids and wtxids of many transactions at once (a block's): the same values as
    /// <see cref="GetTxId"/> and <see cref="GetWitnessTxId"/>, hashed side by side in vector registers when the CPU
    /// allows (<see cref="DoubleSha256.HashMany(ReadOnlySpan{HashInput}, Span{Hash256})"/>), which for blocks of small
    /// transactions is several times faster than one at a time. A transaction without witness data is hashed once for
    /// both ids. Allocates nothing (scratch arrays come from <see cref="ArrayPool{T}.Shared"/>).
    /// </summary>
    /// <param name="transactions">The transactions.</param>
    /// <param name="txids">One per transaction, or empty when not wanted.</param>
    /// <param name="wtxids">One per transaction, or empty when not wanted.</param>
    public static void ComputeIds(ReadOnlySpan<Transaction> transactions, Span<Hash256> txids, Span<Hash256> wtxids)
    {
        bool wantTxids = !txids.IsEmpty;
        bool wantWtxids = !wtxids.IsEmpty;
        if ((wantTxids && txids.Length != transactions.Length) || (wantWtxids && wtxids.Length != transactions.Length))
        {
            throw new ArgumentException("the ids need one hash per transaction (or none)");
        }

        int count = transactions.Length;
        var inputs = ArrayPool<HashInput>.Shared.Rent(Math.Max(2 * count, 1));
        var hashes = ArrayPool<Hash256>.Shared.Rent(Math.Max(2 * count, 1));

        // Where each transaction's txid and wtxid will be in hashes; -1 when it was computed on the spot.
        var slots = ArrayPool<int>.Shared.Rent(Math.Max(2 * count, 1));
        try
        {
            int messages = 0;
            for (int i = 0; i < count; i++)
            {
                var transaction = transactions[i];
                ArgumentNullException.ThrowIfNull(transaction, nameof(transactions));
                int txidSlot = -1;
                int wtxidSlot = -1;
                if (!transaction.HasRaw)
                {
                    // Built in memory: encoded once per id, as GetTxId and GetWitnessTxId do.
                    SetIf(wantTxids, txids, i, transaction);
                    SetIf(wantWtxids, wtxids, i, transaction, witness: true);
                }
                else if (!transaction.RawHasWitness)
                {
                    inputs[messages] = new HashInput(transaction._raw.Memory);
                    txidSlot = wtxidSlot = messages++;
                }
                else
                {
                    if (wantTxids)
                    {
                        var raw = transaction._raw.Memory;
                        int witnessStart = transaction.RawWitnessStart;
                        inputs[messages] = new HashInput(raw.Slice(0, 4), raw.Slice(6, witnessStart - 6), raw.Slice(raw.Length - 4));
                        txidSlot = messages++;
                    }

                    if (wantWtxids)
                    {
                        inputs[messages] = new HashInput(transaction._raw.Memory);
                        wtxidSlot = messages++;
                    }
                }

                slots[2 * i] = txidSlot;
                slots[(2 * i) + 1] = wtxidSlot;
            }

            DoubleSha256.HashMany(inputs.AsSpan(0, messages), hashes.AsSpan(0, messages));
            for (int i = 0; i < count; i++)
            {
                if (wantTxids && slots[2 * i] >= 0)
                {
                    txids[i] = hashes[slots[2 * i]];
                }

                if (wantWtxids && slots[(2 * i) + 1] >= 0)
                {
                    wtxids[i] = hashes[slots[(2 * i) + 1]];
                }
            }
        }
        finally
        {
            // The inputs refer to the transactions' bytes: clear them so the pool does not keep those alive.
            ArrayPool<HashInput>.Shared.Return(inputs, clearArray: true);
            ArrayPool<Hash256>.Shared.Return(hashes);
            ArrayPool<int>.Shared.Return(slots);
        }

        static void SetIf(bool wanted, Span<Hash256> ids, int index, Transaction transaction, bool witness = false)
        {
            if (wanted)
            {
                ids[index] = witness ? transaction.GetWitnessTxId() : transaction.GetTxId();
            }
        }
    }

    /// <summary>The encoded size with witness data.</summary>
    public int GetSize() => TransactionCodec.GetEncodedSize(this, WireContext.Default);

    /// <summary>The encoded size without witness data.</summary>
    public int GetStrippedSize() => TransactionCodec.GetEncodedSize(this, new WireContext(0, WireFlags.NoWitness));

    /// <summary>The weight (BIP141): stripped size × 3 + total size.</summary>
    public int GetWeight() => (GetStrippedSize() * 3) + GetSize();

    /// <summary>Writes the raw bytes in the requested form, if they are known. Returns false when they are not.</summary>
    internal bool TryWriteRaw(ref WireWriter writer)
    {
        if (!HasRaw)
        {
            return false;
        }

        var raw = _raw.Span;
        if (!RawHasWitness || writer.Context.AllowWitness)
        {
            writer.WriteBytes(raw);
        }
        else
        {
            int witnessStart = RawWitnessStart;
            writer.WriteBytes(raw.Slice(0, 4));
            writer.WriteBytes(raw.Slice(6, witnessStart - 6));
            writer.WriteBytes(raw.Slice(raw.Length - 4));
        }

        return true;
    }

    /// <summary>The size of the raw bytes in the requested form, or -1 when they are not known.</summary>
    internal int RawSize(WireContext context)
    {
        if (!HasRaw)
        {
            return -1;
        }

        // Without witness: version, then everything between the flag and the witness stacks, then the lock time.
        return !RawHasWitness || context.AllowWitness ? _raw.Length : RawWitnessStart + 2;
    }

    /// <summary>Builds the inputs and outputs from the raw bytes (checked when they were decoded) and keeps them.</summary>
    private void Materialize()
    {
        var parts = TransactionCodec.Materialize(_raw);
        _outputs = new WireArray<TxOut>(parts.Outputs!);
        _inputs = new WireArray<TxIn>(parts.Inputs!);
    }

    private Hash256 HashEncoding(WireContext context)
    {
        int size = TransactionCodec.GetEncodedSize(this, context);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var writer = new WireWriter(buffer.AsSpan(0, size), context);
            TransactionCodec.Write(ref writer, this);
            return DoubleSha256.Hash(buffer.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Equality by content (version, inputs with witnesses, outputs, lock time), not by where the bytes came from.</summary>
    /// <param name="other">The other transaction.</param>
    public bool Equals(Transaction? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (Version == other.Version && LockTime == other.LockTime && Inputs.Equals(other.Inputs) && Outputs.Equals(other.Outputs)));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Version, LockTime, Inputs.Count, Outputs.Count);
}
