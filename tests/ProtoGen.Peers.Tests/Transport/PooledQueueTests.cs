using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Tests.Transport;

/// <summary>The send queue's pooled ring: order across growth and wrap-around, and storage handed back when drained.</summary>
public class PooledQueueTests
{
    [Fact]
    public void Items_come_out_in_order_across_wrap_around_and_growth()
    {
        var queue = new PooledQueue<string>();
        int next = 0;
        int expected = 0;

        // Interleave so the head wraps around the ring before and after each growth.
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < round + 3; i++)
            {
                queue.Enqueue((next++).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            for (int i = 0; i < (round / 2) + 1; i++)
            {
                Assert.True(queue.TryDequeue(out var item));
                Assert.Equal((expected++).ToString(System.Globalization.CultureInfo.InvariantCulture), item);
            }
        }

        while (queue.TryDequeue(out var item))
        {
            Assert.Equal((expected++).ToString(System.Globalization.CultureInfo.InvariantCulture), item);
        }

        Assert.Equal(next, expected);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_drained_queue_hands_its_storage_back_and_works_again()
    {
        var queue = new PooledQueue<object>();
        for (int i = 0; i < 100; i++)
        {
            queue.Enqueue(i);
        }

        Assert.True(queue.Capacity >= 100);
        queue.ReleaseIfLarger(0);
        Assert.Equal(100, queue.Count); // not empty: kept

        while (queue.TryDequeue(out _))
        {
        }

        queue.ReleaseIfLarger(0);
        Assert.Equal(0, queue.Capacity);
        queue.Enqueue("again");
        Assert.True(queue.TryDequeue(out var item));
        Assert.Equal("again", item);
    }

    [Fact]
    public void Bursts_after_the_first_reuse_pooled_storage_instead_of_allocating()
    {
        var queue = new PooledQueue<(object, int)>();
        var value = new object();
        void Burst()
        {
            for (int i = 0; i < 1000; i++)
            {
                queue.Enqueue((value, i));
            }

            while (queue.TryDequeue(out _))
            {
            }

            queue.ReleaseIfLarger(0);
        }

        Burst();

        // The least of three windows: ArrayPool<T>.Shared may trim itself on a gen 2 collection that another test's
        // allocations cause mid-window (one CI run saw 2,008 bytes once), after which the next rent allocates; a queue
        // that allocates on every burst allocates in every window.
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least > 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                Burst();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);
    }
}
