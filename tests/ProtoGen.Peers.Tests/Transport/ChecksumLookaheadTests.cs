using System.Buffers;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Tests.Transport;

/// <summary>
/// Transport — small v1 frames whose checksums are verified in batches (<see cref="ChecksumLookahead"/>): every frame
/// gets the verdict of its own bytes, whatever sits around it and however the stream is cut.
/// </summary>
public class ChecksumLookaheadTests
{
    private static readonly BitcoinNetwork Network = BitcoinNetwork.Regtest;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Each_small_frame_gets_the_verdict_of_its_own_bytes_however_the_stream_is_cut(int seed)
    {
        // Frames of 0 to 20,000 bytes (some above the batch limit), one in five with a flipped payload byte or a
        // wrong checksum field, fed in random pieces as a pipe would hand them over.
        var random = new Random(seed);
        var frames = new List<(byte[] Bytes, bool Ok)>();
        for (int i = 0; i < 400; i++)
        {
            int length = random.Next(5) == 0 ? random.Next(20_000) : random.Next(2_000);
            var payload = new byte[length];
            random.NextBytes(payload);
            var frame = FrameOf("inv", payload);
            bool ok = true;
            if (random.Next(5) == 0)
            {
                if (length > 0 && random.Next(2) == 0)
                {
                    frame[FrameHeader.Size + random.Next(length)] ^= 0x01;
                }
                else
                {
                    frame[20] ^= 0x80;
                }

                ok = false;
            }

            frames.Add((frame, ok));
        }

        var stream = frames.SelectMany(f => f.Bytes).ToArray();
        var statuses = ReadInPieces(new V1MessageTransport(Network), stream, () => 1 + random.Next(40_000));

        Assert.Equal(frames.Select(f => f.Ok ? TransportMessageStatus.Ok : TransportMessageStatus.BadChecksum), statuses);
    }

    [Fact]
    public void A_frame_with_the_same_header_as_its_neighbours_but_other_bytes_is_caught()
    {
        // Sixteen copies of one frame, the ninth with its payload changed but its header kept: the batch must not lend
        // a neighbour's verdict to it.
        var payload = new byte[1_848];
        new Random(5).NextBytes(payload);
        var frame = FrameOf("inv", payload);
        var parts = Enumerable.Range(0, 16).Select(_ => (byte[])frame.Clone()).ToArray();
        parts[8][FrameHeader.Size + 100] ^= 0x04;
        var stream = parts.SelectMany(p => p).ToArray();

        var statuses = ReadInPieces(new V1MessageTransport(Network), stream, () => stream.Length);

        Assert.Equal(Enumerable.Range(0, 16).Select(i => i == 8 ? TransportMessageStatus.BadChecksum : TransportMessageStatus.Ok), statuses);
    }

    [Fact]
    public void Lookahead_stops_at_the_first_frame_it_cannot_batch_and_the_ordinary_path_reports_it()
    {
        // Five good frames, then one with a malformed command, then five good frames: the malformed one is dropped as
        // before (InvalidCommand), and the frames after it are verified.
        var good = Enumerable.Range(0, 5).Select(i => FrameOf("inv", new byte[100 + i])).ToArray();
        var bad = FrameOf("inv", new byte[50]);
        bad[4] = 0x01;
        var stream = good.Concat([bad]).Concat(good).SelectMany(p => p).ToArray();

        var statuses = ReadInPieces(new V1MessageTransport(Network), stream, () => stream.Length);

        Assert.Equal(11, statuses.Count);
        Assert.Equal(TransportMessageStatus.InvalidCommand, statuses[5]);
        Assert.All(statuses.Where((_, i) => i != 5), s => Assert.Equal(TransportMessageStatus.Ok, s));
    }

    [Fact]
    public void A_payload_split_across_segments_is_verified_alone()
    {
        var frames = Enumerable.Range(0, 8).Select(i => FrameOf("tx", Enumerable.Repeat((byte)i, 300).ToArray())).ToArray();
        frames[3][FrameHeader.Size + 299] ^= 0x10;
        var stream = frames.SelectMany(f => f).ToArray();

        // Cut the stream into segments of 97 bytes: most payloads span two or more.
        var buffer = ByteSequences.Segmented(stream, Enumerable.Repeat(97, stream.Length / 97).ToArray());
        var transport = new V1MessageTransport(Network);
        var statuses = new List<TransportMessageStatus>();
        while (transport.TryRead(ref buffer, out var message))
        {
            statuses.Add(message.Verify());
        }

        Assert.True(buffer.IsEmpty);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i == 3 ? TransportMessageStatus.BadChecksum : TransportMessageStatus.Ok), statuses);
    }

    private static byte[] FrameOf(string command, byte[] payload)
    {
        var frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(Network.Magic, MessageCommand.Parse(command), payload.Length, DoubleSha256.Checksum(payload)).WriteTo(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        return frame;
    }

    /// <summary>Feeds the stream in pieces of the sizes <paramref name="piece"/> returns; unread bytes stay buffered.</summary>
    private static List<TransportMessageStatus> ReadInPieces(V1MessageTransport transport, byte[] stream, Func<int> piece)
    {
        var statuses = new List<TransportMessageStatus>();
        int start = 0;
        int end = 0;
        while (start < stream.Length)
        {
            end = Math.Min(stream.Length, end + piece());
            var buffer = new ReadOnlySequence<byte>(stream, start, end - start);
            while (transport.TryRead(ref buffer, out var message))
            {
                statuses.Add(message.Verify());
            }

            start = end - (int)buffer.Length;
            Assert.False(end == stream.Length && start < stream.Length, "bytes left unread");
        }

        return statuses;
    }
}
