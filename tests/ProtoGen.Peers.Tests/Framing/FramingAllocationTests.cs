using System.IO.Pipelines;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Peers.Framing;
using ProtoGen.Peers.Tests.Support;

namespace ProtoGen.Peers.Tests.Framing;

/// <summary>
/// Steady-state allocation of the v1 framing on small messages (issue 13: "no steady-state allocation beyond the
/// decoded messages"): after a warm-up, 10,000 messages read, written or both over memory on one thread, measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>, less the bytes the decoded messages themselves take. Every call
/// completes synchronously here (whole frames are buffered), so every allocation is on the test's thread.
/// </summary>
public class FramingAllocationTests
{
    private const int Messages = 10_000;
    private const int WarmUp = 1_000;

    /// <summary>Average bytes per message allowed beyond the decoded message: the fixed cost of a call spread over 10,000.</summary>
    private const double Bound = 1.0;

    private static readonly BitcoinNetwork Network = BitcoinNetwork.Mainnet;

    /// <summary>
    /// Each reader and writer rents from a private pool: the shared ArrayPool drops its cached arrays when a full
    /// collection runs (other tests in parallel cause them), and renting again then allocated a 64 KiB buffer inside
    /// the measurement (a loaded run saw 6.6 B per message more once).
    /// </summary>
    private static MessageStreamOptions PrivatePool => new() { Pool = new PrivateMemoryPool() };

    [Theory]
    [MemberData(nameof(Allocations.Kinds), MemberType = typeof(Allocations))]
    public async Task Reading_a_stream_of_small_messages_allocates_only_the_decoded_messages(string kind)
    {
        var (bytes, decodedSize) = Corpus(kind, WarmUp + Messages);
        await using var reader = new MessageReader(new MemoryStream(bytes), Network, PrivatePool);
        for (int i = 0; i < WarmUp; i++)
        {
            Assert.NotNull((await reader.ReadAsync())?.Message);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Messages; i++)
        {
            var frame = await reader.ReadAsync();
            if (frame?.Message is null)
            {
                Assert.Fail($"message {i} missing");
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        AssertWithin(kind, "read", allocated, decodedSize);
    }

    [Theory]
    [MemberData(nameof(Allocations.Kinds), MemberType = typeof(Allocations))]
    public async Task Dispatching_a_stream_of_small_messages_allocates_only_the_decoded_messages(string kind)
    {
        var (bytes, decodedSize) = Corpus(kind, WarmUp + Messages);
        var listener = new CountingListener();

        // Warm up on a first reader; the measured reader is created before the measurement starts and rents the
        // buffers the first one gave back to their pool.
        var options = PrivatePool;
        await using (var warm = new MessageReader(new MemoryStream(bytes, 0, FrameOffset(bytes, WarmUp)), Network, options))
        {
            Assert.Equal(WarmUp, await warm.DispatchAllAsync<object?>(null, listener));
        }

        await using var reader = new MessageReader(new MemoryStream(bytes, FrameOffset(bytes, WarmUp), bytes.Length - FrameOffset(bytes, WarmUp)), Network, options);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long delivered = await reader.DispatchAllAsync<object?>(null, listener);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Messages, delivered);
        AssertWithin(kind, "dispatch", allocated, decodedSize);
    }

    [Theory]
    [MemberData(nameof(Allocations.Kinds), MemberType = typeof(Allocations))]
    public async Task Writing_small_messages_to_a_stream_allocates_nothing(string kind)
    {
        var messages = Build(kind, 100);
        var stream = new MemoryStream(capacity: 64 << 20);
        await using var writer = new MessageWriter(stream, Network, new MessageStreamOptions { LeaveOpen = true, Pool = new PrivateMemoryPool() });
        for (int i = 0; i < WarmUp; i++)
        {
            writer.Write(messages[i % messages.Length]);
        }

        await writer.FlushAsync();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Messages; i++)
        {
            writer.Write(messages[i % messages.Length]);
            if (i % 100 == 99)
            {
                await writer.FlushAsync();
            }
        }

        await writer.FlushAsync();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(stream.Length, writer.BytesWritten);
        AssertWithin(kind, "write", allocated, decodedSize: 0);
    }

    [Theory]
    [MemberData(nameof(Allocations.Kinds), MemberType = typeof(Allocations))]
    public async Task Writing_and_reading_small_messages_through_a_pipe_allocates_only_the_decoded_messages(string kind)
    {
        var messages = Build(kind, 100);
        long decodedSize = Allocations.DecodedSize(Frame.ToArray(Network.Magic, messages[0]));
        // No pause threshold: the writer and the reader take turns on one thread, so a flush must never wait.
        // A private pool: a miss in the shared ArrayPool (drained by tests running in parallel) would allocate here.
        var pipe = new Pipe(new PipeOptions(pool: new PrivateMemoryPool(), pauseWriterThreshold: 0, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        await using var writer = new MessageWriter(pipe.Writer, Network);
        await using var reader = new MessageReader(pipe.Reader, Network);

        // Bursts of 100: written and flushed, then read back (each read completes from what is buffered).
        async Task BurstsAsync(int count)
        {
            for (int i = 0; i < count; i += messages.Length)
            {
                foreach (var message in messages)
                {
                    writer.Write(message);
                }

                await writer.FlushAsync();
                for (int j = 0; j < messages.Length; j++)
                {
                    var frame = await reader.ReadAsync();
                    if (frame?.Message is null)
                    {
                        Assert.Fail($"message {i + j} missing");
                    }
                }
            }
        }

        await BurstsAsync(WarmUp);

        // The count is per thread: an attempt whose continuation resumed on another thread (a pipe await that did not
        // complete synchronously, under a loaded test run) measured nothing, so it is repeated. A run of the whole test
        // project once saw 12 KB more in one attempt (1.2 B per message, once in 30 runs), a one-off the runtime
        // makes on this thread; an allocation per message shows in every attempt, so the least of three is checked.
        long allocated = long.MaxValue;
        for (int attempt = 0; attempt < 3 && Allocations.ExcessPerMessage(allocated, Messages, decodedSize) >= Bound; attempt++)
        {
            int thread = Environment.CurrentManagedThreadId;
            long before = GC.GetAllocatedBytesForCurrentThread();
            await BurstsAsync(Messages);
            long measured = GC.GetAllocatedBytesForCurrentThread() - before;
            if (Environment.CurrentManagedThreadId == thread)
            {
                allocated = Math.Min(allocated, measured);
            }
        }

        Assert.True(allocated != long.MaxValue, "every attempt resumed on another thread: the per-thread count cannot be read");
        AssertWithin(kind, "pipe round trip", allocated, decodedSize);
    }

    private static void AssertWithin(string kind, string path, long allocated, long decodedSize)
    {
        double excess = Allocations.ExcessPerMessage(allocated, Messages, decodedSize);
        Assert.True(
            excess < Bound,
            $"{kind} {path}: {allocated:N0} B for {Messages:N0} messages = {allocated / (double)Messages:F1} B/message, decoded message {decodedSize} B, excess {excess:F2} B/message (bound {Bound})");
    }

    private static IMessage[] Build(string kind, int count)
    {
        var messages = new IMessage[count];
        for (int i = 0; i < count; i++)
        {
            messages[i] = Allocations.Create(kind, i);
        }

        return messages;
    }

    /// <summary>Frames of <paramref name="count"/> messages and the size of one decoded message (all the same size).</summary>
    private static (byte[] Bytes, long DecodedSize) Corpus(string kind, int count)
    {
        var output = new MemoryStream();
        byte[] first = Frame.ToArray(Network.Magic, Allocations.Create(kind, 0));
        for (int i = 0; i < count; i++)
        {
            output.Write(i == 0 ? first : Frame.ToArray(Network.Magic, Allocations.Create(kind, i)));
        }

        return (output.ToArray(), Allocations.DecodedSize(first));
    }

    private static int FrameOffset(byte[] bytes, int frames)
    {
        int offset = 0;
        for (int i = 0; i < frames; i++)
        {
            offset += FrameHeader.Size + BitConverter.ToInt32(bytes, offset + 16);
        }

        return offset;
    }

    private sealed class CountingListener : IBitcoinListener<object?>
    {
    }
}
