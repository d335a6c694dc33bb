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
        Span<byte> digests = stackalloc byte[Hash256.Size * MaxLanes];
        state = state.Slice(0, Sha256Constants.StateWords * laneCount);
        rows = rows.Slice(0, Sha256Constants.BlockSize * laneCount);
        digests = digests.Slice(0, Hash256.Size * laneCount);
        rows.Clear();

        var lanes = default(LaneArray);
        var work = new Work(inputs, destination, single);
        uint restart = 0;
        int busy = 0;
        for (int i = 0; i < laneCount; i++)
        {
            if (work.Start(ref lanes[i]))
            {
                restart |= 1u << i;
                busy++;
            }
        }

        int handOff = HandOffLanes(laneCount, single);
        while (busy > 0)
        {
            for (int i = 0; i < laneCount; i++)
            {
                ref var lane = ref lanes[i];
                if (lane.Phase == Phase.Data && lane.End - lane.Position >= Sha256Constants.BlockSize)
                {
                    // A whole block inside the current run, the common case. Position and End came from an
                    // ArraySegment, so the 64 bytes are inside the array.
                    Unsafe.CopyBlockUnaligned(
                        ref rows[i * Sha256Constants.BlockSize],
                        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(lane.Array!), lane.Position),
                        Sha256Constants.BlockSize);
                    lane.Position += Sha256Constants.BlockSize;
                    lane.Hashed += Sha256Constants.BlockSize;
                }
                else if (lane.Phase is Phase.Data or Phase.LengthBlock)
                {
                    FillLastRows(ref lane, rows.Slice(i * Sha256Constants.BlockSize, Sha256Constants.BlockSize));
                }
            }

            TKernel.Compress(state, rows, restart, digests);
            restart = 0;
            for (int i = 0; i < laneCount; i++)
            {
                ref var lane = ref lanes[i];
                if (!lane.EndsHash)
                {
                    continue;
                }

                if (lane.Phase != Phase.Second)
                {
                    // The first SHA-256 ended: its digest, padded, is the lane's next block, from the initial value.
                    StageSecondBlock(digests.Slice(i * Hash256.Size, Hash256.Size), rows.Slice(i * Sha256Constants.BlockSize, Sha256Constants.BlockSize));
                    lane.Phase = Phase.Second;
                    restart |= 1u << i;
                }
                else
                {
                    work.Finish(lane.Message, digests.Slice(i * Hash256.Size, Hash256.Size));
                    if (work.Start(ref lane))
                    {
                        restart |= 1u << i;
                    }
                    else
                    {
                        busy--;
                    }
                }
            }

            if (busy <= handOff && work.NoneWaiting)
            {
                for (int i = 0; i < laneCount; i++)
                {
                    if (lanes[i].Phase == Phase.Data)
                    {
                        bool restarting = (restart & (1u << i)) != 0;
                        work.HandOff(ref lanes[i], restarting ? default : digests.Slice(i * Hash256.Size, Hash256.Size));
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

    /// <summary>The padding of a 32-byte message (the second SHA-256): 0x80, zeros, and the length 256 bits.</summary>
    private static ReadOnlySpan<byte> DigestPadding =>
    [
        0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
    ];

    /// <summary>Writes the block of the second SHA-256: the first digest, then its padding.</summary>
    private static void StageSecondBlock(ReadOnlySpan<byte> digest, Span<byte> row)
    {
        digest.CopyTo(row);
        DigestPadding.CopyTo(row.Slice(Hash256.Size));
    }

    /// <summary>Writes a block of the lane's first SHA-256 that is not a whole block of one run: across runs, or the last one or two with the padding.</summary>
    private static void FillLastRows(ref Lane lane, Span<byte> row)
    {
        if (lane.Phase == Phase.LengthBlock)
        {
            row.Clear();
            BinaryPrimitives.WriteUInt64BigEndian(row.Slice(Sha256Constants.BlockSize - Sha256Constants.LengthSize), (ulong)lane.Length * 8);
            lane.EndsHash = true;
            return;
        }

        int filled = 0;
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

            if (!lane.NextRun())
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

    /// <summary>What one lane is doing: its message, phase, and the runs of bytes left (each found once, as array, start and end).</summary>
    private struct Lane
    {
        public int Message;
        public Phase Phase;

        /// <summary>Whether the block in this round ends a SHA-256 (the first or the second).</summary>
        public bool EndsHash;

        /// <summary>The run being read: <see cref="Array"/> from <see cref="Position"/> to <see cref="End"/>.</summary>
        public byte[]? Array;
        public int Position;
        public int End;

        /// <summary>The runs after it (null when there are none).</summary>
        public byte[]? NextArray;
        public int NextStart;
        public int NextEnd;
        public byte[]? LastArray;
        public int LastStart;
        public int LastEnd;

        /// <summary>The message length, and the bytes of it compressed so far (whole blocks).</summary>
        public long Length;
        public long Hashed;

        /// <summary>Moves to the next run; false when there is none.</summary>
        public bool NextRun()
        {
            Array = NextArray;
            Position = NextStart;
            End = NextEnd;
            NextArray = LastArray;
            NextStart = LastStart;
            NextEnd = LastEnd;
            LastArray = null;
            LastStart = 0;
            LastEnd = 0;
            return Array is not null;
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
        private readonly ReadOnlySpan<HashInput> _inputs;
        private readonly Span<Hash256> _destination;
        private readonly Sha256Backend _single;
        private int _next;

        public Work(ReadOnlySpan<HashInput> inputs, Span<Hash256> destination, Sha256Backend single)
        {
            _inputs = inputs;
            _destination = destination;
            _single = single;
        }

        public readonly bool NoneWaiting => _next == _inputs.Length;

        /// <summary>Gives the lane the next message that can enter the lanes; false (lane idle) when none is left.</summary>
        public bool Start(ref Lane lane)
        {
            while (_next < _inputs.Length)
            {
                int message = _next++;
                ref readonly var input = ref _inputs[message];
                lane.Array = lane.NextArray = lane.LastArray = null;
                lane.Position = lane.End = lane.NextStart = lane.NextEnd = lane.LastStart = lane.LastEnd = 0;
                if (!Append(ref lane, input.First) || !Append(ref lane, input.Second) || !Append(ref lane, input.Third))
                {
                    HashAlone(input, message);
                    continue;
                }

                lane.Message = message;
                lane.Phase = Phase.Data;
                lane.EndsHash = false;
                lane.Length = input.Length;
                lane.Hashed = 0;
                return true;
            }

            lane.Phase = Phase.Idle;
            lane.EndsHash = false;
            lane.Array = lane.NextArray = lane.LastArray = null;
            return false;
        }

        /// <summary>Writes a message's hash.</summary>
        public readonly void Finish(int message, ReadOnlySpan<byte> digest) => _destination[message] = new Hash256(digest);

        /// <summary>
        /// Finishes the lane's message on the single-message backend, from the chaining value the lane reached
        /// (<paramref name="chainingValue"/> as a digest, or empty for the initial value); the lane is then idle.
        /// </summary>
        public readonly void HandOff(ref Lane lane, ReadOnlySpan<byte> chainingValue)
        {
            Span<uint> words = stackalloc uint[Sha256Constants.StateWords];
            if (chainingValue.IsEmpty)
            {
                Sha256Constants.InitialState.CopyTo(words);
            }
            else
            {
                for (int w = 0; w < words.Length; w++)
                {
                    words[w] = BinaryPrimitives.ReadUInt32BigEndian(chainingValue.Slice(w * 4));
                }
            }

            var hasher = Sha256Hasher.Resume(_single, words, lane.Hashed);
            do
            {
                hasher.Append(lane.Array.AsSpan(lane.Position, lane.End - lane.Position));
            }
            while (lane.NextRun());

            Span<byte> digest = stackalloc byte[Hash256.Size];
            hasher.Finish(digest);
            Sha256Hasher.RehashDigest(_single, digest);
            _destination[lane.Message] = new Hash256(digest);
            lane.Phase = Phase.Idle;
        }

        /// <summary>Adds a run to the lane's list, in order (empty runs are skipped); false when it is not backed by an array.</summary>
        private static bool Append(ref Lane lane, ReadOnlyMemory<byte> run)
        {
            if (run.IsEmpty)
            {
                return true;
            }

            if (!MemoryMarshal.TryGetArray(run, out var segment))
            {
                return false;
            }

            int end = segment.Offset + segment.Count;
            if (lane.Array is null)
            {
                lane.Array = segment.Array;
                lane.Position = segment.Offset;
                lane.End = end;
            }
            else if (lane.NextArray is null)
            {
                lane.NextArray = segment.Array;
                lane.NextStart = segment.Offset;
                lane.NextEnd = end;
            }
            else
            {
                lane.LastArray = segment.Array;
                lane.LastStart = segment.Offset;
                lane.LastEnd = end;
            }

            return true;
        }

        private readonly void HashAlone(in HashInput input, int message)
        {
            Span<byte> digest = stackalloc byte[Hash256.Size];
            DoubleSha256.HashConcat(Sha256Backends.ForMessage(input.Length), input.First.Span, input.Second.Span, input.Third.Span, digest);
            _destination[message] = new Hash256(digest);
        }
    }
}
