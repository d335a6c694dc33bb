using ProtoGen.Peers.Tests.Infrastructure;
using ProtoGen.Peers.Transport;

namespace ProtoGen.Peers.Tests;

/// <summary>The per-connection send buffer and its waits, without sockets.</summary>
public class FlowControlTests
{
    [Fact]
    public async Task A_full_send_buffer_waits_without_spinning_until_its_own_bytes_drain_and_a_wait_can_be_cancelled()
    {
        var budget = new PeerBudget();
        var flow = new FlowControl(budget, maxSendBuffer: 1_000, new NextDeadline());
        flow.Queued(1_000);
        Assert.True(flow.SendBufferFull);

        // The shared budget has room: only our own bytes draining may end the wait, and the wait must not complete
        // (or spin) meanwhile.
        using var cancel = new CancellationTokenSource();
        var cancelled = Task.Run(() => flow.WaitUntilSendRoomAsync(cancel.Token));
        var drained = Task.Run(() => flow.WaitUntilSendRoomAsync(CancellationToken.None));
        await Task.Delay(50);
        Assert.False(cancelled.IsCompleted);
        Assert.False(drained.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(PeerPair.Timeout));
        Assert.False(drained.IsCompleted);

        flow.Sent(1);
        await drained.WaitAsync(PeerPair.Timeout);
        Assert.False(flow.SendBufferFull);
        Assert.Equal(999, budget.GetStats().QueuedSendBytes);
    }

    [Fact]
    public async Task Under_its_own_limit_a_peer_that_still_owes_bytes_waits_for_the_shared_budget_to_fall_back()
    {
        var budget = new PeerBudget(maxQueuedSendBytes: 1_000);
        var slow = new FlowControl(budget, maxSendBuffer: 10_000, new NextDeadline());
        var other = new FlowControl(budget, maxSendBuffer: 10_000, new NextDeadline());
        slow.Queued(600);
        other.Queued(600);
        Assert.True(slow.SendBufferFull);
        Assert.True(other.SendBufferFull);

        var waiting = Task.Run(() => slow.WaitUntilSendRoomAsync(CancellationToken.None));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        // The other peer drains: the budget fits again, and the slow one may go on although it still owes 600 bytes.
        other.Sent(600);
        await waiting.WaitAsync(PeerPair.Timeout);
        Assert.False(slow.SendBufferFull);
        Assert.Equal(600, slow.QueuedBytes);
    }

    [Fact]
    public void Released_flow_gives_everything_back_to_the_shared_budget()
    {
        var budget = new PeerBudget();
        var flow = new FlowControl(budget, maxSendBuffer: 1_000, new NextDeadline());
        flow.Queued(700);
        flow.Holding(300);

        flow.Release();
        flow.Queued(50);

        var stats = budget.GetStats();
        Assert.Equal(0, stats.QueuedSendBytes);
        Assert.Equal(0, stats.PartialMessageBytes);
        Assert.Equal(700, stats.PeakQueuedSendBytes);
    }
}
