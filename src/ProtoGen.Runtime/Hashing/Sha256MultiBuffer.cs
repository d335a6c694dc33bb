using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ProtoGen;

/// <summary>
/// Double SHA-256 of many messages through a multi-buffer kernel (<see cref="ISha256LaneKernel"/>): every lane works
/// on its own message, and a lane that finishes one takes the next, so the lanes stay busy however the lengths differ.
/// </summary>
/// <remarks>
/// <para>
/// Each round, every busy lane supplies one 64-byte block: straight from the message bytes while a whole block is
/// left in the current run, otherwise assembled (the end of one run and the start of the next, then the padding).
/// When a lane's first SHA-256 ends, its digest and padding become the lane's next block (the second SHA-256); when
/// that ends, the hash is written and the lane starts the next message.
/// </para>
/// <para>
/// At the end of the input, lanes run out of work while a few long messages may still have many blocks to go. Once
/// no message is waiting and at most <see cref="HandOffLanes"/> lanes are busy, the messages still being read are
/// finished one at a time on the single-message backend, from the chaining value and position the lane reached.
/// </para>
/// <para>
/// The kernels read bytes, so only messages whose runs are backed by arrays (or empty) enter the lanes; any other
/// message is hashed on its own.
/// </para>
/// </remarks>
internal static class Sha256MultiBuffer
{
    /// <summary>The most lanes a kernel has (<see cref="Sha256x16"/>).</summary>
    private const int MaxLanes = 16;

    /// <summary>Double SHA-256 of each input into the destination at the same index.</summary>
    /// <typeparam name="TKernel">The lane kernel.</typeparam>
    /// <param name="inputs">The messages.</param>
    /// <param name="destination">As long as <paramref name="inputs"/> at least.</param>
    /// <param name="single">The single-message backend, for the tail and for messages not backed by arrays.</param>
    [SkipLocalsInit]
    public static void HashMany<TKernel>(ReadOnlySpan<HashInput> inputs, Span<Hash256> destination, Sha256Backend single)
        where TKernel : struct, ISha256LaneKernel
    {
        Debug.Assert(TKernel.Lanes <= MaxLanes && destination.Length >= inputs.Length);
        int laneCount = TKernel.Lanes;
        Span<uint> state = stackalloc uint[Sha256Constants.StateWords * MaxLanes];
        Span<byte> rows = stackalloc byte[Sha256Constants.BlockSize * MaxLanes];
        state = state.Slice(0, Sha256Constants.StateWords * laneCount);
        rows = rows.Slice(0, Sha256Constants.BlockSize * laneCount);
        rows.Clear();

        var lanes = default(LaneArray);
        var work = new Work(inputs, destination, single, laneCount);
        int busy = 0;
        for (int i = 0; i < laneCount; i++)
        {
            if (work.Start(ref lanes[i], i, state))
            {
                busy++;
            }
        }

        int handOff = HandOffLanes(laneCount, single);
        while (busy > 0)
        {
            for (int i = 0; i < laneCount; i++)
            {
                ref var lane = ref lanes[i];
                if (lane.Phase is Phase.Data or Phase.LengthBlock)
                {
                    FillRow(ref lane, work.Inputs, rows.Slice(i * Sha256Constants.BlockSize, Sha256Constants.BlockSize));
                }
            }

            TKernel.Compress(state, rows);

            for (int i = 0; i < laneCount; i++)
            {
                ref var lane = ref lanes[i];
                if (lane.EndsHash && !work.Advance(ref lane, i, state, rows))
                {
                    busy--;
                }
            }

            if (busy <= handOff && work.NoneWaiting)
            {
                for (int i = 0; i < laneCount; i++)
                {
                    if (lanes[i].Phase == Phase.Data)
                    {
                        work.HandOff(ref lanes[i], i, state);
                        busy--;
                    }
                }
            }
        }
    }

    /// <summary>
    /// How few busy lanes make the single-message backend the faster way to finish: with libcrypto (SHA-NI here, about
    /// 40 ns a block) half the lanes, since a kernel call costs about as much as eight blocks of it; with the portable
    /// code (about 250 ns a block) only the last lane.
    /// </summary>
    internal static int HandOffLanes(int laneCount, Sha256Backend single) => single == Sha256Backend.OpenSsl ? laneCount / 2 : 1;

    /// <summary>Writes the lane's next block of its first SHA-256 into <paramref name="row"/>.</summary>
    private static void FillRow(ref Lane lane, ReadOnlySpan<HashInput> inputs, Span<byte> row)
    {
        if (lane.Phase == Phase.LengthBlock)
        {
            row.Clear();
            BinaryPrimitives.WriteUInt64BigEndian(row.Slice(Sha256Constants.BlockSize - Sha256Constants.LengthSize), (ulong)lane.Length * 8);
            lane.EndsHash = true;
            return;
        }

        if (lane.End - lane.Position >= Sha256Constants.BlockSize)
        {
            // A whole block inside the current run (the common case). Position and End were taken from an
            // ArraySegment, so the 64 bytes are inside the array.
            Unsafe.CopyBlockUnaligned(
                ref MemoryMarshal.GetReference(row),
                ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(lane.Array!), lane.Position),
                Sha256Constants.BlockSize);
            lane.Position += Sha256Constants.BlockSize;
            lane.Hashed += Sha256Constants.BlockSize;
            return;
        }

        int filled = 0;
        ref readonly var input = ref inputs[lane.Message];
        while (true)
        {
            int take = Math.Min(lane.End - lane.Position, Sha256Constants.BlockSize - filled);
            if (take > 0)
            {
                lane.Array.AsSpan(lane.Position, take).CopyTo(row.Slice(filled));
                lane.Position += take;
                filled += take;
            }

            if (filled == Sha256Constants.BlockSize)
            {
                lane.Hashed += Sha256Constants.BlockSize;
                return;
            }

            if (!lane.NextRun(input))
            {
                break;
            }
        }

        // The message ends in this block: the padding starts here and, if there is room, the length follows.
        if (Sha256Hasher.PaddedSize(filled) == Sha256Constants.BlockSize)
        {
            Sha256Hasher.Pad(row, filled, lane.Length);
            lane.EndsHash = true;
        }
        else
        {
            row[filled] = Sha256Constants.PaddingStart;
            row.Slice(filled + 1).Clear();
            lane.Phase = Phase.LengthBlock;
        }
    }

    /// <summary>Where a lane is in its message.</summary>
    private enum Phase : byte
    {
        /// <summary>No message.</summary>
        Idle,

        /// <summary>Reading the message (first SHA-256).</summary>
        Data,

        /// <summary>The padding began in the last block; the next holds only the length.</summary>
        LengthBlock,

        /// <summary>The block of the second SHA-256 (the first digest, padded) is staged in the lane's row.</summary>
        Second,
    }

    /// <summary>What one lane is doing.</summary>
    private struct Lane
    {
        /// <summary>The index of the message.</summary>
        public int Message;

        /// <summary>The phase.</summary>
        public Phase Phase;

        /// <summary>Whether the block in this round ends a SHA-256 (the first or the second).</summary>
        public bool EndsHash;

        /// <summary>The run being read (0 to 2).</summary>
        public int Run;

        /// <summary>The array behind that run.</summary>
        public byte[]? Array;

        /// <summary>The next byte of the run in <see cref="Array"/>.</summary>
        public int Position;

        /// <summary>The end of the run in <see cref="Array"/>.</summary>
        public int End;

        /// <summary>The message length.</summary>
        public long Length;

        /// <summary>Message bytes compressed so far (whole blocks).</summary>
        public long Hashed;

        /// <summary>Moves to the next non-empty run; false when there is none.</summary>
        public bool NextRun(in HashInput input)
        {
            while (++Run < 3)
            {
                var run = input.Run(Run);
                if (!run.IsEmpty)
                {
                    bool isArray = MemoryMarshal.TryGetArray(run, out var segment);
                    Debug.Assert(isArray, "only messages backed by arrays enter the lanes");
                    Array = segment.Array;
                    Position = segment.Offset;
                    End = segment.Offset + segment.Count;
                    return true;
                }
            }

            Array = null;
            Position = 0;
            End = 0;
            return false;
        }
    }

    [InlineArray(MaxLanes)]
    private struct LaneArray
    {
        private Lane _element;
    }

    /// <summary>The inputs, the destination and the queue of messages not yet started.</summary>
    private ref struct Work
    {
        private readonly Span<Hash256> _destination;
        private readonly Sha256Backend _single;
        private readonly int _laneCount;
        private int _next;

        public Work(ReadOnlySpan<HashInput> inputs, Span<Hash256> destination, Sha256Backend single, int laneCount)
        {
            Inputs = inputs;
            _destination = destination;
            _single = single;
            _laneCount = laneCount;
        }

        public ReadOnlySpan<HashInput> Inputs { get; }

        public readonly bool NoneWaiting => _next == Inputs.Length;

        /// <summary>Gives the lane the next message that can enter the lanes; false (lane idle) when none is left.</summary>
        public bool Start(ref Lane lane, int index, scoped Span<uint> state)
        {
            while (_next < Inputs.Length)
            {
                int message = _next++;
                ref readonly var input = ref Inputs[message];
                if (!IsBackedByArrays(input))
                {
                    HashAlone(input, message);
                    continue;
                }

                lane.Message = message;
                lane.Phase = Phase.Data;
                lane.EndsHash = false;
                lane.Length = input.Length;
                lane.Hashed = 0;
                lane.Run = -1;
                lane.NextRun(input);
                SetInitialState(state, index);
                return true;
            }

            lane.Phase = Phase.Idle;
            lane.EndsHash = false;
            lane.Array = null;
            return false;
        }

        /// <summary>After a round in which the lane's block ended a SHA-256: stage the second, or write the hash and start the next message. False when the lane is now idle.</summary>
        public bool Advance(ref Lane lane, int index, scoped Span<uint> state, scoped Span<byte> rows)
        {
            if (lane.Phase == Phase.Second)
            {
                Span<byte> digest = stackalloc byte[Hash256.Size];
                WriteLaneDigest(state, index, digest);
                _destination[lane.Message] = new Hash256(digest);
                return Start(ref lane, index, state);
            }

            var row = rows.Slice(index * Sha256Constants.BlockSize, Sha256Constants.BlockSize);
            WriteLaneDigest(state, index, row);
            Sha256Hasher.Pad(row, Hash256.Size, Hash256.Size);
            SetInitialState(state, index);
            lane.Phase = Phase.Second;
            return true;
        }

        /// <summary>Finishes the lane's message on the single-message backend, from where the lane got to; the lane is then idle.</summary>
        public void HandOff(ref Lane lane, int index, scoped Span<uint> state)
        {
            Span<uint> words = stackalloc uint[Sha256Constants.StateWords];
            for (int w = 0; w < words.Length; w++)
            {
                words[w] = state[(w * _laneCount) + index];
            }

            ref readonly var input = ref Inputs[lane.Message];
            var hasher = Sha256Hasher.Resume(_single, words, lane.Hashed);
            do
            {
                hasher.Append(lane.Array.AsSpan(lane.Position, lane.End - lane.Position));
            }
            while (lane.NextRun(input));

            Span<byte> digest = stackalloc byte[Hash256.Size];
            hasher.Finish(digest);
            Sha256Hasher.RehashDigest(_single, digest);
            _destination[lane.Message] = new Hash256(digest);
            lane.Phase = Phase.Idle;
        }

        private readonly void HashAlone(in HashInput input, int message)
        {
            Span<byte> digest = stackalloc byte[Hash256.Size];
            DoubleSha256.HashConcat(Sha256Backends.ForMessage(input.Length), input.First.Span, input.Second.Span, input.Third.Span, digest);
            _destination[message] = new Hash256(digest);
        }

        private readonly void SetInitialState(scoped Span<uint> state, int index)
        {
            var initial = Sha256Constants.InitialState;
            for (int w = 0; w < initial.Length; w++)
            {
                state[(w * _laneCount) + index] = initial[w];
            }
        }

        private readonly void WriteLaneDigest(scoped Span<uint> state, int index, scoped Span<byte> digest)
        {
            for (int w = 0; w < Sha256Constants.StateWords; w++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(w * 4), state[(w * _laneCount) + index]);
            }
        }

        private static bool IsBackedByArrays(in HashInput input) =>
            IsArray(input.First) && IsArray(input.Second) && IsArray(input.Third);

        private static bool IsArray(ReadOnlyMemory<byte> run) => run.IsEmpty || MemoryMarshal.TryGetArray(run, out _);
    }
}
