using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using ProtoGen.Node.Admission;
using ProtoGen.Node.Tests.Infrastructure;

namespace ProtoGen.Node.Tests.Admission;

/// <summary>
/// <see cref="AcceptLoop"/> with a scripted accept and a fake clock: every accept error is followed by a back-off
/// doubling from 5 ms to 1 s (the loop cannot call accept again until the clock moves, so it cannot spin), running out
/// of descriptors sheds peers, an aborted connection is retried at once, and an admitted connection resets the back-off.
/// The real descriptor limit is exercised in a child process by the CLI tests (ListenDescriptorLimitTests).
/// </summary>
public class AcceptLoopTests
{
    private static readonly TimeSpan[] Expected =
        [.. new[] { 5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(55));
    private readonly AdmissionCounters _counters = new();

    [Fact]
    public async Task EMFILE_backs_off_doubling_to_one_second_sheds_peers_and_never_spins()
    {
        int accepts = 0, sheds = 0;
        using var stop = new CancellationTokenSource();
        var loop = new AcceptLoop(_ => { accepts++; throw new SocketException((int)SocketError.TooManyOpenSockets); }, _ => true, () => sheds++, _counters, NullLogger.Instance, _time);
        var run = loop.RunAsync(stop.Token);

        for (int i = 0; i < Expected.Length; i++)
        {
            await Poll.UntilAsync(() => loop.Backoffs == i + 1, $"back-off {i + 1}");
            Assert.Equal(Expected[i], loop.LastBackoff);
            Assert.Equal(i + 1, accepts); // one accept per back-off: the loop waits for the clock
            Assert.Equal(i + 1, sheds);
            _time.Advance(loop.LastBackoff);
        }

        stop.Cancel();
        await run.WaitAsync(NodeTestConfig.Timeout);
        Assert.Equal(accepts, _counters.Snapshot(0, 0, 0).AcceptErrors);
    }

    [Fact]
    public async Task An_admitted_connection_resets_the_back_off()
    {
        var script = new Queue<SocketError?>([SocketError.NoBufferSpaceAvailable, SocketError.NoBufferSpaceAvailable, null, SocketError.NoBufferSpaceAvailable]);
        using var stop = new CancellationTokenSource();
        var loop = new AcceptLoop(ct => Next(script, ct), Admit, () => { }, _counters, NullLogger.Instance, _time);
        var run = loop.RunAsync(stop.Token);

        await Poll.UntilAsync(() => loop.Backoffs == 1, "first back-off");
        _time.Advance(loop.LastBackoff);
        await Poll.UntilAsync(() => loop.Backoffs == 2, "second back-off");
        Assert.Equal(TimeSpan.FromMilliseconds(10), loop.LastBackoff);
        _time.Advance(loop.LastBackoff);
        await Poll.UntilAsync(() => loop.Backoffs == 3, "back-off after the connection");
        Assert.Equal(TimeSpan.FromMilliseconds(5), loop.LastBackoff);

        stop.Cancel();
        await run.WaitAsync(NodeTestConfig.Timeout);
    }

    [Fact]
    public async Task A_connection_the_client_aborted_is_retried_at_once()
    {
        var script = new Queue<SocketError?>([SocketError.ConnectionAborted, SocketError.ConnectionReset, SocketError.ConnectionAborted]);
        using var stop = new CancellationTokenSource();
        var loop = new AcceptLoop(ct => Next(script, ct), Admit, () => { }, _counters, NullLogger.Instance, _time);
        var run = loop.RunAsync(stop.Token);

        await Poll.UntilAsync(() => script.Count == 0 && _counters.Snapshot(0, 0, 0).AcceptErrors == 3, "three aborted connections");
        Assert.Equal(0, loop.Backoffs);

        stop.Cancel();
        await run.WaitAsync(NodeTestConfig.Timeout);
    }

    [Fact]
    public async Task A_connection_refused_for_want_of_descriptors_backs_off_and_an_unexpected_error_does_not_end_the_loop()
    {
        var script = new Queue<SocketError?>([null, null, null]);
        int admits = 0;
        using var stop = new CancellationTokenSource();
        var loop = new AcceptLoop(
            ct => Next(script, ct),
            socket =>
            {
                socket.Dispose();
                return ++admits switch
                {
                    1 => false,
                    2 => throw new InvalidOperationException("a handler failed"),
                    _ => true,
                };
            },
            () => { },
            _counters,
            NullLogger.Instance,
            _time);
        var run = loop.RunAsync(stop.Token);

        await Poll.UntilAsync(() => loop.Backoffs == 1, "back-off for descriptors");
        Assert.Equal(1, admits);
        _time.Advance(loop.LastBackoff);
        await Poll.UntilAsync(() => admits == 3, "the loop goes on after a handler failed");
        Assert.Equal(1, loop.Backoffs);

        stop.Cancel();
        await run.WaitAsync(NodeTestConfig.Timeout);
    }

    private static bool Admit(Socket socket)
    {
        socket.Dispose();
        return true;
    }

    /// <summary>The next scripted outcome: an error, a connection (null), or, when the script is done, a wait until stopped.</summary>
    private static async ValueTask<Socket> Next(Queue<SocketError?> script, CancellationToken stop)
    {
        if (!script.TryDequeue(out var next))
        {
            await Task.Delay(Timeout.Infinite, stop);
        }

        return next is { } error ? throw new SocketException((int)error) : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    }
}
