using System.Collections.Concurrent;
using System.Reflection;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Tests.Infrastructure;

namespace ProtoGen.Peers.Tests;

/// <summary>
/// Every message of the Bitcoin catalogue (<see cref="BitcoinMessages.Messages"/>, so a message added to the schema is
/// covered with no edit here) reaches the user's listeners through a real peer: the remote sends it, the peer's
/// generated dispatch decodes it, the core rules pass it on, and the generated composite
/// <see cref="BitcoinListenerGroup{TPeer}"/> hands it to every listener in order.
/// </summary>
public class FanOutThroughPeerTests
{
    /// <summary>Messages only allowed between version and verack (Bitcoin Core disconnects after verack).</summary>
    private static readonly HashSet<string> BeforeVerack = ["wtxidrelay", "sendaddrv2", "sendtxrcncl", "feature"];

    [Fact]
    public async Task Every_message_of_the_catalogue_reaches_every_listener_of_a_group_through_the_peer()
    {
        var calls = new ConcurrentQueue<(string Listener, string Command, Type Type)>();
        var group = new BitcoinListenerGroup<Peer>(Recorder("first", calls), Recorder("second", calls));

        // NODE_BLOOM on, so the bloom messages are admitted (BIP111) like every other message.
        var config = ProtocolConfig.Create(listener: group, services: ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.Bloom);
        await using var raw = await RawPeer.ConnectAsync(config, PeerDirection.Inbound);
        var context = new WireContext(70017, WireFlags.None);

        await raw.SendAsync(RawPeer.Version(protocolVersion: 70017));
        foreach (var command in BeforeVerack)
        {
            await raw.SendAsync(Sample(command), context);
        }

        await raw.SendAsync(new VerAckMessage());
        await raw.Peer.WaitForHandshakeAsync().WaitAsync(PeerPair.Timeout);

        var later = BitcoinMessages.Messages.Where(d => d.Command is not ("version" or "verack") && !BeforeVerack.Contains(d.Command)).ToList();
        foreach (var descriptor in later)
        {
            await raw.SendAsync(Sample(descriptor.Command), context);
        }

        // A ping round trip proves the peer has read everything sent before it (the catalogue's own ping has nonce 0).
        await raw.SendAsync(new PingMessage { Nonce = 77 });
        while (RawPeer.Decode<PongMessage>((await raw.ReceiveUntilAsync("pong")).Payload).Nonce != 77)
        {
        }

        Assert.True(raw.Peer.IsConnected, raw.Peer.DisconnectReason?.ToString());
        var received = calls.ToList();
        foreach (var descriptor in BitcoinMessages.Messages)
        {
            var forThis = received.Where(c => c.Command == descriptor.Command).ToList();
            Assert.True(forThis.Count >= 2, $"{descriptor.Command} did not reach the listeners");
            Assert.Equal("first", forThis[0].Listener);
            Assert.Equal("second", forThis[1].Listener);
            Assert.All(forThis, c => Assert.Equal(descriptor.MessageType, c.Type));
        }
    }

    /// <summary>
    /// A message of the catalogue with default field values (every one encodes but feature, whose id has a minimum
    /// length; version is built by the test kit).
    /// </summary>
    private static IMessage Sample(string command) => command == "feature"
        ? new FeatureMessage { FeatureId = "BIP434"u8.ToArray() }
        : (IMessage)Activator.CreateInstance(BitcoinMessages.Messages.Single(d => d.Command == command).MessageType)!;

    /// <summary>A delegate listener with every property set to record the call (built by reflection, so new messages need no edit).</summary>
    private static BitcoinListeners<Peer> Recorder(string name, ConcurrentQueue<(string, string, Type)> calls)
    {
        var listeners = new BitcoinListeners<Peer>();
        var record = typeof(FanOutThroughPeerTests).GetMethod(nameof(Record), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var property in typeof(BitcoinListeners<Peer>).GetProperties())
        {
            var type = property.PropertyType;
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(Action<,>))
            {
                continue;
            }

            var messageType = type.GetGenericArguments()[1];
            var recorder = record.MakeGenericMethod(messageType).Invoke(null, [name, calls])!;
            property.SetValue(listeners, recorder);
        }

        return listeners;
    }

    private static Action<Peer, T> Record<T>(string name, ConcurrentQueue<(string, string, Type)> calls)
        where T : IMessage => (_, message) => calls.Enqueue((name, message.Command.ToString(), message.GetType()));
}
