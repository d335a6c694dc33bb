using ProtoGen.Peers;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// The per-peer next deadline the scheduler compares against each tick: it starts due, lowering only ever moves it
/// earlier (also from many threads at once), and a reset makes it "never" until something lowers it again.
/// </summary>
public class NextDeadlineTests
{
    [Fact]
    public void A_new_deadline_is_due_at_once()
    {
        var next = new NextDeadline();

        Assert.Equal(0, next.Ticks);
        Assert.True(next.IsDue(DateTimeOffset.UnixEpoch.UtcTicks));
    }

    [Fact]
    public void Lowering_keeps_the_earliest_time()
    {
        var next = new NextDeadline();
        next.Reset();

        next.Lower(1_000);
        Assert.Equal(1_000, next.Ticks);
        next.Lower(5_000);
        Assert.Equal(1_000, next.Ticks);
        next.Lower(new DateTimeOffset(500, TimeSpan.Zero));
        Assert.Equal(500, next.Ticks);

        Assert.False(next.IsDue(499));
        Assert.True(next.IsDue(500));
        Assert.True(next.IsDue(501));
    }

    [Fact]
    public void Lowering_to_now_is_due_at_any_time()
    {
        var next = new NextDeadline();
        next.Reset();

        next.Lower(NextDeadline.Now);

        Assert.True(next.IsDue(long.MinValue));
        Assert.True(next.IsDue(0));
    }

    [Fact]
    public void Reset_means_never_until_lowered_again()
    {
        var next = new NextDeadline();
        next.Lower(100);

        next.Reset();
        Assert.Equal(NextDeadline.Never, next.Ticks);
        Assert.False(next.IsDue(DateTimeOffset.MaxValue.UtcTicks));

        next.Lower(DateTimeOffset.MaxValue);
        Assert.True(next.IsDue(DateTimeOffset.MaxValue.UtcTicks));
        next.Lower(200);
        Assert.Equal(200, next.Ticks);
    }

    [Fact]
    public void Concurrent_lowering_keeps_the_minimum()
    {
        const int Threads = 4;
        const int PerThread = 50_000;
        for (int round = 0; round < 20; round++)
        {
            var next = new NextDeadline();
            next.Reset();
            using var start = new Barrier(Threads);
            var threads = new Thread[Threads];
            for (int t = 0; t < Threads; t++)
            {
                int seed = (round * Threads) + t;
                threads[t] = new Thread(() =>
                {
                    var random = new Random(seed);
                    start.SignalAndWait();
                    for (int i = 0; i < PerThread; i++)
                    {
                        // Every thread lowers many times, most of them above the minimum; exactly one lowers to it.
                        next.Lower(1_000 + random.NextInt64(1_000_000));
                        if (seed == round * Threads && i == PerThread / 2)
                        {
                            next.Lower(999);
                        }
                    }
                });
                threads[t].Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.Equal(999, next.Ticks);
        }
    }

    [Fact]
    public void Moving_between_cells_carries_the_value_and_loses_no_lowering_that_races_with_it()
    {
        var slots = new long[8];
        var next = new NextDeadline();
        next.Reset();
        next.Lower(5_000);
        next.MoveTo(slots, 3);
        Assert.Equal(5_000, next.Ticks);
        Assert.Equal(5_000, slots[3]);
        next.Lower(4_000);
        Assert.Equal(4_000, slots[3]);
        next.MoveTo(null, 0);
        next.Lower(3_000);
        Assert.Equal(4_000, slots[3]);
        Assert.Equal(3_000, next.Ticks);

        // Lowering threads race with a thread moving the value between cells (scheduler slots and its own).
        const int Lowerers = 3;
        const int PerThread = 20_000;
        for (int round = 0; round < 20; round++)
        {
            var moving = new NextDeadline();
            moving.Reset();
            var stores = new[] { new long[4], new long[4], null };
            using var start = new Barrier(Lowerers + 1);
            int done = 0;
            var threads = new List<Thread>();
            for (int t = 0; t < Lowerers; t++)
            {
                int seed = (round * Lowerers) + t;
                threads.Add(new Thread(() =>
                {
                    var random = new Random(seed);
                    start.SignalAndWait();
                    for (int i = 0; i < PerThread; i++)
                    {
                        moving.Lower(1_000 + random.NextInt64(1_000_000));
                        if (seed == round * Lowerers && i == PerThread - 1)
                        {
                            moving.Lower(999);
                        }
                    }

                    Interlocked.Increment(ref done);
                }));
            }

            threads.Add(new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; Volatile.Read(ref done) < Lowerers; i++)
                {
                    moving.MoveTo(stores[i % 3], i % 4);
                }
            }));
            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            Assert.Equal(999, moving.Ticks);
        }
    }

    [Fact]
    public void Adding_saturates_instead_of_wrapping()
    {
        Assert.Equal(NextDeadline.Never, NextDeadline.Add(DateTimeOffset.MaxValue.UtcTicks, TimeSpan.MaxValue));
        Assert.Equal(NextDeadline.Now, NextDeadline.Add(-10, TimeSpan.MinValue));
        Assert.Equal(1_000 + TimeSpan.TicksPerSecond, NextDeadline.Add(1_000, TimeSpan.FromSeconds(1)));
        Assert.Equal(NextDeadline.Never, NextDeadline.Add(NextDeadline.Never, TimeSpan.FromSeconds(1)));
    }
}
