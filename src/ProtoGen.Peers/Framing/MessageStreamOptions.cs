using System;
using System.Buffers;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Framing;

/// <summary>How a <see cref="MessageReader"/> or <see cref="MessageWriter"/> frames and buffers a stream.</summary>
public sealed record MessageStreamOptions
{
    /// <summary>The defaults: the peer's buffer sizes, the protocol's payload limit, the default wire context.</summary>
    public static MessageStreamOptions Default { get; } = new();

    /// <summary>Where buffers come from (default <see cref="MemoryPool{T}.Shared"/>).</summary>
    public MemoryPool<byte>? Pool { get; init; }

    /// <summary>
    /// The size of each receive buffer taken from <see cref="Pool"/> when reading a <see cref="System.IO.Stream"/>
    /// (default <see cref="PeerDefaults.ReceiveBufferSize"/>); ignored over a <see cref="System.IO.Pipelines.PipeReader"/>,
    /// which has its own.
    /// </summary>
    public int ReceiveBufferSize { get; init; } = PeerDefaults.ReceiveBufferSize;

    /// <summary>
    /// The least size of each send buffer taken from <see cref="Pool"/> when writing a <see cref="System.IO.Stream"/>
    /// (default <see cref="PeerDefaults.SendBufferSize"/>).
    /// </summary>
    public int SendBufferSize { get; init; } = PeerDefaults.SendBufferSize;

    /// <summary>The largest payload accepted when reading or writing (default and maximum <see cref="ProtocolLimits.MaxMessagePayload"/>).</summary>
    public int MaxPayloadLength { get; init; } = ProtocolLimits.MaxMessagePayload;

    /// <summary>The encoding and decoding context: negotiated protocol version and flags (default <see cref="WireContext.Default"/>).</summary>
    public WireContext Context { get; init; } = WireContext.Default;

    /// <summary>Whether the stream stays open when the reader or writer is disposed (default false: it is disposed with it).</summary>
    public bool LeaveOpen { get; init; }

    /// <summary>
    /// Whether a reader waits for data with a zero-byte read before it takes a receive buffer from the pool (default
    /// true), so that a stream with nothing to read holds no buffer.
    /// </summary>
    public bool UseZeroByteReads { get; init; } = true;

    /// <summary>
    /// Whether a reader may reuse the array of a large payload (over 16 KiB: a block, a large transaction) once its
    /// message has been given up (default false). When true, a message returned by <see cref="MessageReader.ReadAsync"/>
    /// is valid only until the next call to <see cref="MessageReader.ReadAsync"/>, and one handed to a listener by
    /// <see cref="MessageReader.DispatchAllAsync"/> only until the listener returns: a decoded block reads its scripts
    /// from that array, which the next large payload overwrites. Keep nothing of such a message (copy it, or re-encode
    /// it) beyond that point. In exchange, reading blocks allocates no new block arrays: new ones are fresh memory that
    /// the runtime's collector hands back to the kernel and takes again page by page, which can cost more than hashing
    /// the block (docs/benchmarks.md). The reader keeps at most four such arrays, the largest it has seen.
    /// </summary>
    public bool ReusePayloadArrays { get; init; }

    internal void Validate()
    {
        if (ReceiveBufferSize < PeerDefaults.MinimumReadSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveBufferSize), $"at least {PeerDefaults.MinimumReadSize} bytes");
        }

        if (SendBufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SendBufferSize), "must be positive");
        }

        if (MaxPayloadLength is < 0 or > ProtocolLimits.MaxMessagePayload)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPayloadLength), $"0 to {ProtocolLimits.MaxMessagePayload}");
        }
    }
}
