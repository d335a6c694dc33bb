using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace ProtoGen.Node.Admission;

/// <summary>
/// The server's accept loop. It survives every accept error: a lasting one (EMFILE, ENFILE, ENOBUFS, anything unknown)
/// is followed by a back-off that doubles from <see cref="MinBackoff"/> to <see cref="MaxBackoff"/> and resets on the
/// next connection admitted, so it never spins; running out of file descriptors also sheds peers; a connection the
/// client aborted before we took it is retried at once. When admission refuses a connection because descriptors are
/// low, the loop backs off the same way, leaving further connections in the kernel's backlog where they cost nothing.
/// </summary>
internal sealed class AcceptLoop
{
    /// <summary>The first back-off, doubling up to <see cref="MaxBackoff"/> (Go's <c>net/http.Server.Serve</c>: 5 ms).</summary>
    public static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest back-off (Go's <c>net/http.Server.Serve</c>: 1 s).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, ValueTask<Socket>> _accept;
    private readonly Func<Socket, bool> _admit;
    private readonly Action _shed;
    private readonly AdmissionCounters _counters;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly LogThrottle _log;
    private long _backoffs;
    private long _lastBackoffTicks;

    /// <summary>Creates a loop.</summary>
    /// <param name="accept">Accepts the next connection.</param>
    /// <param name="admit">Admits or refuses it; false when refused for want of file descriptors.</param>
    /// <param name="shed">Sheds peers to give descriptors back.</param>
    /// <param name="counters">Where accept errors are counted.</param>
    /// <param name="logger">The log.</param>
    /// <param name="clock">The back-off clock (wall-clock time in production: it protects the process, it is no protocol timer).</param>
    public AcceptLoop(Func<CancellationToken, ValueTask<Socket>> accept, Func<Socket, bool> admit, Action shed, AdmissionCounters counters, ILogger logger, TimeProvider clock)
    {
        _accept = accept;
        _admit = admit;
        _shed = shed;
        _counters = counters;
        _logger = logger;
        _clock = clock;
        _log = new LogThrottle(clock);
    }

    /// <summary>Back-offs so far.</summary>
    public long Backoffs => Interlocked.Read(ref _backoffs);

    /// <summary>The latest back-off.</summary>
    public TimeSpan LastBackoff => TimeSpan.FromTicks(Interlocked.Read(ref _lastBackoffTicks));

    /// <summary>Runs until <paramref name="stop"/> is cancelled or the listener is disposed.</summary>
    /// <param name="stop">Stops the loop.</param>
    public async Task RunAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _accept(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (stop.IsCancellationRequested || e is ObjectDisposedException)
            {
                return;
            }
            catch (Exception e)
            {
                var code = (e as SocketException)?.SocketErrorCode;
                string error = code?.ToString() ?? e.GetType().Name;
                _counters.AcceptError(error);
                if (code is SocketError.ConnectionAborted or SocketError.ConnectionReset)
                {
                    continue;
                }

                if (code is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    _shed();
                }

                backoff = await BackOffAsync(backoff, error, e.Message, stop).ConfigureAwait(false);
                continue;
            }

            bool admitted = true;
            try
            {
                admitted = _admit(socket);
            }
            catch (Exception e)
            {
                // Nothing a connection does may end the loop.
                AdmissionLog.HandlerFailed(_logger, e);
            }

            backoff = admitted ? TimeSpan.Zero : await BackOffAsync(backoff, null, null, stop).ConfigureAwait(false);
        }
    }

    /// <summary>Waits twice as long as last time; <paramref name="error"/> null: for want of descriptors rather than an accept error.</summary>
    private async Task<TimeSpan> BackOffAsync(TimeSpan previous, string? error, string? message, CancellationToken stop)
    {
        var delay = previous == TimeSpan.Zero ? MinBackoff : TimeSpan.FromTicks(Math.Min(previous.Ticks * 2, MaxBackoff.Ticks));
        Interlocked.Exchange(ref _lastBackoffTicks, delay.Ticks);
        if (_log.ShouldLog(out long suppressed))
        {
            if (error is null)
            {
                AdmissionLog.DescriptorsLow(_logger, (long)delay.TotalMilliseconds, suppressed);
            }
            else
            {
                AdmissionLog.AcceptFailed(_logger, error, message!, (long)delay.TotalMilliseconds, suppressed);
            }
        }

        // The wait starts before the back-off is counted, so that whoever sees the count can move a fake clock past it.
        var wait = Task.Delay(delay, _clock, stop);
        Interlocked.Increment(ref _backoffs);
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        return delay;
    }
}
