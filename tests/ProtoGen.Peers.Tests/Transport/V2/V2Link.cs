using System.Buffers;
using ProtoGen.Peers.Transport.V2;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// Two <see cref="V2Handshake"/>s wired back to back in memory: each side's <see cref="V2Handshake.PendingSend"/>
/// lands in the other's inbox, and each side is offered its inbox <see cref="Chunk"/> bytes more at a time (the
/// unconsumed bytes are offered again, as a transport keeps them in its pipe).
/// </summary>
internal sealed class V2Link : IDisposable
{
    public V2Link(V2Handshake initiator, V2Handshake responder)
    {
        Initiator = initiator;
        Responder = responder;
    }

    public V2Handshake Initiator { get; }

    public V2Handshake Responder { get; }

    /// <summary>Bytes received by the initiator and not consumed by its handshake.</summary>
    public List<byte> InitiatorInbox { get; } = [];

    /// <summary>Bytes received by the responder and not consumed by its handshake.</summary>
    public List<byte> ResponderInbox { get; } = [];

    /// <summary>How many more bytes each side is offered per step.</summary>
    public int Chunk { get; init; } = int.MaxValue;

    /// <summary>Offer the inbox as a multi-segment sequence of this segment size (0: one span).</summary>
    public int SegmentSize { get; init; }

    /// <summary>Moves bytes until neither side makes progress; returns whether both completed.</summary>
    public bool Run()
    {
        int offeredToInitiator = 0;
        int offeredToResponder = 0;
        for (int round = 0; round < 1_000_000; round++)
        {
            bool progress = Move(Initiator, ResponderInbox) | Move(Responder, InitiatorInbox);
            progress |= Offer(Responder, ResponderInbox, ref offeredToResponder);
            progress |= Offer(Initiator, InitiatorInbox, ref offeredToInitiator);
            if (!progress)
            {
                return Initiator.IsComplete && Responder.IsComplete;
            }
        }

        throw new InvalidOperationException("the handshake did not settle");
    }

    public void Dispose()
    {
        Initiator.Dispose();
        Responder.Dispose();
    }

    private static bool Move(V2Handshake from, List<byte> to)
    {
        var bytes = from.PendingSend;
        if (bytes.IsEmpty)
        {
            return false;
        }

        to.AddRange(bytes.ToArray());
        from.MarkSent(bytes.Length);
        return true;
    }

    /// <summary>Builds a sequence of fixed-size segments.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        if (segmentSize <= 0 || bytes.Length <= segmentSize)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        Segment? first = null;
        Segment? last = null;
        for (int offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            last = last is null ? (first = new Segment(memory, 0)) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private bool Offer(V2Handshake side, List<byte> inbox, ref int offered)
    {
        int available = (int)Math.Min(inbox.Count, (long)offered + Chunk);
        if (available == 0 || (available == offered && side.BytesNeeded > offered))
        {
            return false;
        }

        var bytes = inbox.GetRange(0, available).ToArray();
        int consumed;
        if (SegmentSize > 0)
        {
            var sequence = Segmented(bytes, SegmentSize);
            side.Receive(ref sequence);
            consumed = available - (int)sequence.Length;
        }
        else
        {
            consumed = side.Receive(bytes);
        }

        inbox.RemoveRange(0, consumed);
        bool progress = consumed > 0 || available > offered;
        offered = available - consumed;
        return progress;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
