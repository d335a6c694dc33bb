using System;
using System.Buffers;

namespace ProtoGen.Peers.Transport;

/// <summary>How a <see cref="Connection"/> buffers a stream.</summary>
/// <param name="Pool">Where receive and send buffers come from.</param>
/// <param name="ReceiveBufferSize">The size of each receive buffer taken from the pool.</param>
/// <param name="MinimumReadSize">The least free space a receive buffer must have before a read.</param>
/// <param name="SendBufferSize">The least size of each send buffer taken from the pool.</param>
/// <param name="FlushThreshold">Bytes written before the writer flushes in the middle of a burst.</param>
/// <param name="DisposeStream">Whether the stream is disposed when the connection stops.</param>
/// <param name="Time">The clock (for how long the connection has been paused).</param>
/// <param name="UseZeroByteReads">Whether the reader waits for data with a zero-byte read before it takes a receive buffer, so an idle connection holds none.</param>
internal sealed record ConnectionOptions(
    MemoryPool<byte> Pool,
    int ReceiveBufferSize,
    int MinimumReadSize,
    int SendBufferSize,
    int FlushThreshold,
    bool DisposeStream,
    TimeProvider Time,
    bool UseZeroByteReads = true);
