namespace ProtoGen.Peers.Tests.Support;

/// <summary>Test-only access to a peer's connection loops (to prove nothing is left running).</summary>
internal static class PeerLoops
{
    public static (Task Read, Task Write) Of(Peers.Peer peer) => peer.Loops;

    public static bool Stopped(Peers.Peer peer)
    {
        var (read, write) = Of(peer);
        return read.IsCompleted && write.IsCompleted;
    }
}
