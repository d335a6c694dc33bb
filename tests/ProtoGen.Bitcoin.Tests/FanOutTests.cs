using System.Reflection;
using CsCheck;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>
/// Every message of the catalogue (<see cref="BitcoinMessages.Messages"/>, so a message added to the schema is covered
/// with no edit here) reaches listeners through the generated fan-out: decoded by the dispatcher into the composite
/// <see cref="BitcoinListenerGroup{TPeer}"/>, every listener in order; and decoded by <c>TryHandle</c> into one generic
/// handler with its static type, then passed by <c>Deliver</c> to its typed listener method. Values come from
/// <see cref="MessageGenerators"/>, which has a generator for every message.
/// </summary>
public class FanOutTests
{
    private const string Peer = "peer-7";
    private const int Iterations = 5;

    /// <summary>Every command of the catalogue.</summary>
    public static TheoryData<string> Commands
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var descriptor in BitcoinMessages.Messages)
            {
                data.Add(descriptor.Command);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_dispatcher_passes_the_message_to_every_listener_of_a_group_in_order(string command)
    {
        var (descriptor, c) = Find(command);
        c.Generator.Sample(
            message =>
            {
                var log = new List<Call>();
                var group = new BitcoinListenerGroup<string>(Recorder("a", log), Recorder("b", log), Recorder("c", log));
                var reader = new WireReader(c.Encode(message).AsMemory());

                Assert.True(BitcoinMessages.TryDispatch(Peer, descriptor.CommandBytes, ref reader, group));

                Assert.Equal(0, reader.Remaining);
                AssertReachedInOrder(descriptor, message, log, "a", "b", "c");
            },
            iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void TryHandle_passes_the_message_with_its_static_type_and_Deliver_calls_its_typed_method(string command)
    {
        var (descriptor, c) = Find(command);
        c.Generator.Sample(
            message =>
            {
                var log = new List<Call>();
                var group = new BitcoinListenerGroup<string>(Recorder("a", log), Recorder("b", log));
                var handler = new DeliveringHandler(group);
                var reader = new WireReader(c.Encode(message).AsMemory());

                Assert.True(BitcoinMessages.TryHandle(Peer, descriptor.CommandBytes, ref reader, handler));

                Assert.Equal(0, reader.Remaining);
                var seen = Assert.Single(handler.Seen);
                Assert.Equal(descriptor.MessageType, seen.StaticType);
                Assert.Same(descriptor, seen.Descriptor);
                Assert.Equal(message, seen.Message);
                AssertReachedInOrder(descriptor, message, log, "a", "b");
            },
            iter: Iterations);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_object_form_handles_and_delivers_every_message(string command)
    {
        var (descriptor, c) = Find(command);
        c.Generator.Sample(
            message =>
            {
                var log = new List<Call>();
                var dispatcher = BitcoinMessages.CreateDispatcher<string>(new BitcoinListenerGroup<string>(Recorder("a", log), Recorder("b", log), Recorder("c", log)));
                var handler = new DeliveringHandler(dispatcher);
                var reader = new WireReader(c.Encode(message).AsMemory());

                Assert.True(dispatcher.TryHandle(Peer, descriptor.CommandBytes, ref reader, handler));

                Assert.Equal(descriptor.MessageType, Assert.Single(handler.Seen).StaticType);
                AssertReachedInOrder(descriptor, message, log, "a", "b", "c");
            },
            iter: Iterations);
    }

    [Fact]
    public void Unknown_frames_reach_every_listener_of_a_group_in_order()
    {
        var log = new List<Call>();
        var group = new BitcoinListenerGroup<string>(Recorder("a", log), Recorder("b", log), Recorder("c", log));
        var reader = new WireReader(new byte[] { 1, 2, 3 });

        Assert.False(BitcoinMessages.Dispatch(Peer, MessageCommand.Parse("alert"), ref reader, group));

        Assert.Equal(["a", "b", "c"], log.Select(l => l.Listener));
        Assert.All(log, l => Assert.Equal(("OnUnknown", Peer), (l.Method, l.Peer)));
        Assert.All(log, l => Assert.Equal("alert:010203", l.Message));
    }

    [Fact]
    public void A_message_of_another_set_is_not_delivered()
    {
        var log = new List<Call>();
        var group = new BitcoinListenerGroup<string>(Recorder("a", log));
        Assert.False(BitcoinMessages.Deliver(Peer, new ForeignMessage("ping"), group));
        Assert.False(BitcoinMessages.Deliver(Peer, new ForeignMessage("chatpost"), group));
        Assert.False(BitcoinMessages.CreateDispatcher<string>(group).Deliver(Peer, new ForeignMessage("inv")));
        Assert.Empty(log);
    }

    [Fact]
    public void Every_listener_method_is_a_message_of_the_catalogue()
    {
        // The recorder's properties are the listener's methods: one per catalogue entry, none missing, none extra.
        var methods = MessageProperties().Select(p => p.PropertyType.GetGenericArguments()[1]).Order(TypeOrder.Instance);
        Assert.Equal(BitcoinMessages.Messages.Select(m => m.MessageType).Order(TypeOrder.Instance), methods);
    }

    private static (MessageDescriptor Descriptor, MessageCase Case) Find(string command)
    {
        var descriptor = BitcoinMessages.FindMessage(MessageCommand.Parse(command));
        Assert.NotNull(descriptor);
        var c = MessageGenerators.All.SingleOrDefault(x => x.Command == descriptor.CommandBytes);
        Assert.True(c is not null, $"'{command}' has no generator: add one to MessageGenerators.All");
        return (descriptor, c);
    }

    /// <summary>Each listener saw the message exactly once, in the given order, through the method that takes its type.</summary>
    private static void AssertReachedInOrder(MessageDescriptor descriptor, IMessage message, List<Call> log, params string[] listeners)
    {
        string method = Assert.Single(MessageProperties(), p => p.PropertyType.GetGenericArguments()[1] == descriptor.MessageType).Name;
        Assert.Equal(listeners, log.Select(l => l.Listener));
        Assert.All(log, l => Assert.Equal((method, Peer), (l.Method, l.Peer)));
        Assert.All(log, l => Assert.Equal(message, l.Message));
    }

    /// <summary>One call a recorder received.</summary>
    private sealed record Call(string Listener, string Method, string Peer, object Message);

    private static IEnumerable<PropertyInfo> MessageProperties() =>
        typeof(BitcoinListeners<string>).GetProperties().Where(p => p.Name != nameof(BitcoinListeners<string>.OnUnknown));

    /// <summary>A listener that logs every call (set on every delegate property of the generated listeners class).</summary>
    private static BitcoinListeners<string> Recorder(string name, List<Call> log)
    {
        var listeners = new BitcoinListeners<string>
        {
            OnUnknown = (peer, frame) => log.Add(new Call(name, "OnUnknown", peer, $"{frame.Command}:{Convert.ToHexStringLower(frame.Payload)}")),
        };
        foreach (var property in MessageProperties())
        {
            var record = typeof(FanOutTests).GetMethod(nameof(MakeRecorder), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(property.PropertyType.GetGenericArguments()[1])
                .Invoke(null, [name, property.Name, log]);
            property.SetValue(listeners, record);
        }

        return listeners;
    }

    private static Action<string, T> MakeRecorder<T>(string name, string method, List<Call> log)
        where T : notnull => (peer, message) => log.Add(new Call(name, method, peer, message));

    /// <summary>What a peer core does: sees every message with its static type, then hands it to the listener.</summary>
    private sealed class DeliveringHandler : IMessageHandler<string>
    {
        private readonly Func<string, IMessage, bool> _deliver;

        public DeliveringHandler(IBitcoinListener<string> listener) => _deliver = (peer, message) => BitcoinMessages.Deliver(peer, message, listener);

        public DeliveringHandler(IMessageDispatcher<string> dispatcher) => _deliver = dispatcher.Deliver;

        public List<(Type StaticType, MessageDescriptor Descriptor, IMessage Message)> Seen { get; } = [];

        public void OnMessage<TMessage>(string peer, TMessage message)
            where TMessage : IMessage<TMessage>
        {
            Seen.Add((typeof(TMessage), TMessage.Descriptor, message));
            Assert.True(_deliver(peer, message));
        }
    }

    private sealed class ForeignMessage(string command) : IMessage
    {
        public MessageCommand Command { get; } = MessageCommand.Parse(command);

        public int GetEncodedSize(WireContext context) => 0;

        public void WriteTo(ref WireWriter writer)
        {
        }
    }

    private sealed class TypeOrder : IComparer<Type>
    {
        public static readonly TypeOrder Instance = new();

        public int Compare(Type? x, Type? y) => string.CompareOrdinal(x?.FullName, y?.FullName);
    }
}
