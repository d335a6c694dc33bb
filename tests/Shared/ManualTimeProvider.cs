namespace ProtoGen.Tests.Shared;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only when a test calls <see cref="Advance"/>, which runs every timer
/// callback that came due on the calling thread before it returns. Linked into the test projects that drive timers
/// (tests/Shared).
/// </summary>
/// <remarks>
/// It replaces Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider, whose Advance returns without running
/// the due callbacks when another thread is inside its wake-up loop at that moment; every read of its time enters
/// that loop, so a peer reading the clock on its own thread made the callback run a moment after Advance returned,
/// and a test that checked its effect right away failed now and then. Here reading the time never runs a callback,
/// callbacks run one at a time, and a timer changed to fire at once runs on the thread pool, as a system timer does.
/// </remarks>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _runLock = new();
    private readonly object _timersLock = new();
    private readonly List<ManualTimer> _timers = [];
    private long _nowTicks;
    private long _scheduled;

    /// <summary>Starts the clock at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset start) => _nowTicks = start.UtcTicks;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(Volatile.Read(ref _nowTicks), TimeSpan.Zero);

    /// <inheritdoc/>
    public override long GetTimestamp() => Volatile.Read(ref _nowTicks);

    /// <summary>
    /// Moves the time forward by <paramref name="delta"/> and runs, on this thread and in the order they came due,
    /// the callbacks of every timer due by the new time (a periodic timer once per period passed); callbacks see the
    /// new time. Waits while another thread runs callbacks.
    /// </summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_runLock)
        {
            Interlocked.Add(ref _nowTicks, delta.Ticks);
            RunDue();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void RunDue()
    {
        while (true)
        {
            ManualTimer? due = null;
            lock (_timersLock)
            {
                long now = Volatile.Read(ref _nowTicks);
                foreach (var timer in _timers)
                {
                    if (timer.Wake <= now && (due is null || timer.Wake < due.Wake || (timer.Wake == due.Wake && timer.Order < due.Order)))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    return;
                }

                if (due.Period > 0)
                {
                    due.Wake += due.Period;
                }
                else
                {
                    _timers.Remove(due);
                }
            }

            due.Invoke();
        }
    }

    private void RunDueOnPool() => ThreadPool.UnsafeQueueUserWorkItem(
        static provider =>
        {
            lock (provider._runLock)
            {
                provider.RunDue();
            }
        },
        this,
        preferLocal: false);

    private sealed class ManualTimer(ManualTimeProvider provider, TimerCallback callback, object? state) : ITimer
    {
        private bool _disposed;

        public long Wake { get; set; }

        public long Period { get; private set; }

        public long Order { get; private set; }

        public void Invoke() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ValidateSpan(dueTime, nameof(dueTime));
            ValidateSpan(period, nameof(period));
            bool fireNow;
            lock (provider._timersLock)
            {
                if (_disposed)
                {
                    return false;
                }

                provider._timers.Remove(this);
                fireNow = dueTime == TimeSpan.Zero;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Wake = provider.GetTimestamp() + dueTime.Ticks;
                    Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                    Order = ++provider._scheduled;
                    provider._timers.Add(this);
                }
            }

            if (fireNow)
            {
                provider.RunDueOnPool();
            }

            return true;
        }

        public void Dispose()
        {
            lock (provider._timersLock)
            {
                _disposed = true;
                provider._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private static void ValidateSpan(TimeSpan span, string name)
        {
            if (span < TimeSpan.Zero && span != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(name, span, "a timer's due time and period are zero or more, or infinite");
            }
        }
    }
}
