using System.Reflection;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// The generated dispatcher, listeners and catalogue of the Basic scenario, run for real: routing by command, the
/// unknown-command path with its raw payload, the generic handler path (TryHandle) and its way back to the typed
/// listener (Deliver), the delegate-based listeners class and the catalogue's content.
/// </summary>
public sealed class DispatchTests
{
    private const string Ns = "Scenarios.Basic.";

    private static ScenarioRun Run => ScenarioRun.Get(Scenarios.Basic);

    private static Generated Basic => new(Run);

    [Fact]
    public void TryDispatch_RoutesEachCommandToItsListenerProperty()
    {
        var log = new List<string>();
        var listeners = NewListeners(log);

        Assert.True(ProbeTryDispatch(log, "ping", Convert.FromHexString("0500000000000000"), listeners));
        Assert.True(ProbeTryDispatch(log, "checked", [9, 0, 0, 0], listeners));
        Assert.True(ProbeTryDispatch(log, "hello", Convert.FromHexString("80110100" + "02" + "7F000001" + "208D"), listeners));

        Assert.Equal(3, log.Count);
        Assert.StartsWith("OnPing:PingMessage { Nonce = 5 }", log[0], StringComparison.Ordinal);
        Assert.StartsWith("OnChecked:CheckedMessage { Value = 9 }", log[1], StringComparison.Ordinal);
        Assert.StartsWith("OnHello:HelloMessage { Version = 70016", log[2], StringComparison.Ordinal);
    }

    [Fact]
    public void TryDispatch_UsesTheListenerName()
    {
        var log = new List<string>();
        var wire = "00" + "00" + "00" + "00" + "00" + "00";
        Assert.True(ProbeTryDispatch(log, "items", Convert.FromHexString(wire), NewListeners(log)));
        Assert.StartsWith("OnItemList:ItemsMessage", Assert.Single(log), StringComparison.Ordinal);
    }

    [Fact]
    public void TryDispatch_UnknownCommand_ReturnsFalse_AndCallsNothing()
    {
        var log = new List<string>();
        Assert.False(ProbeTryDispatch(log, "pong", [1, 2, 3], NewListeners(log)));
        Assert.False(ProbeTryDispatch(log, "broken", [0, 0, 0, 0], NewListeners(log)));
        Assert.Empty(log);
    }

    [Fact]
    public void Dispatch_UnknownCommand_CallsOnUnknownWithTheRawPayload()
    {
        var log = new List<string>();
        var listeners = NewListeners(log);
        var frames = new List<(MessageCommand Command, byte[] Payload)>();
        RawFrameHandler<List<string>> onUnknown = (peer, frame) =>
        {
            Assert.Same(log, peer);
            frames.Add((frame.Command, frame.Payload.ToArray()));
        };
        listeners.GetType().GetProperty("OnUnknown")!.SetValue(listeners, onUnknown);

        bool known = (bool)Basic.Call(Ns + "DispatchProbe", "Dispatch", [typeof(List<string>)], log, "mystery", new byte[] { 1, 2, 3 }, listeners)!;

        Assert.False(known);
        var (command, payload) = Assert.Single(frames);
        Assert.Equal(MessageCommand.Parse("mystery"), command);
        Assert.Equal([1, 2, 3], payload);
        Assert.Empty(log);

        // A known command is delivered to its method, not to OnUnknown.
        Assert.True((bool)Basic.Call(Ns + "DispatchProbe", "Dispatch", [typeof(List<string>)], log, "ping", new byte[8], listeners)!);
        Assert.Single(frames);
        Assert.Single(log);
    }

    [Fact]
    public void Dispatch_MalformedPayload_Throws()
    {
        var log = new List<string>();
        var e = Assert.Throws<ProtocolException>(() => ProbeTryDispatch(log, "checked", [0, 0, 0, 0], NewListeners(log)));
        Assert.Equal(ProtocolError.InvalidValue, e.Error);
        Assert.Throws<ProtocolException>(() => ProbeTryDispatch(log, "ping", [1, 2], NewListeners(log)));
        Assert.Empty(log);
    }

    [Fact]
    public void DelegateListeners_WithNothingSet_IgnoreEveryMessage()
    {
        var listeners = Activator.CreateInstance(Run.GetType(Ns + "TestListeners`1").MakeGenericType(typeof(List<string>)))!;
        Assert.True((bool)Basic.Call(Ns + "DispatchProbe", "TryDispatch", [typeof(List<string>)], new List<string>(), "ping", new byte[8], listeners)!);
        Assert.False((bool)Basic.Call(Ns + "DispatchProbe", "Dispatch", [typeof(List<string>)], new List<string>(), "other", new byte[1], listeners)!);
    }

    [Fact]
    public void InterfaceDefaults_AreNoOps()
    {
        // QuietListener implements ITestListener<object> without a single method.
        var quiet = Activator.CreateInstance(Run.GetType(Ns + "QuietListener"))!;
        Assert.True((bool)Basic.Call(Ns + "DispatchProbe", "TryDispatch", [typeof(object)], new object(), "checked", new byte[] { 1, 0, 0, 0 }, quiet)!);
        Assert.False((bool)Basic.Call(Ns + "DispatchProbe", "Dispatch", [typeof(object)], new object(), "other", Array.Empty<byte>(), quiet)!);
    }

    [Fact]
    public void CreateDispatcher_WrapsTheSet()
    {
        var log = new List<string>();
        var listeners = NewListeners(log);
        var dispatcher = (IMessageDispatcher<List<string>>)Basic.Call(Ns + "TestMessages", "CreateDispatcher", [typeof(List<string>)], listeners)!;

        var reader = new WireReader(Convert.FromHexString("0100000000000000"));
        Assert.True(dispatcher.TryDispatch(log, MessageCommand.Parse("ping"), ref reader));
        Assert.Equal(8, reader.Position);
        Assert.StartsWith("OnPing:PingMessage { Nonce = 1 }", Assert.Single(log), StringComparison.Ordinal);

        var unknown = new WireReader(new byte[] { 7 });
        Assert.False(dispatcher.TryDispatch(log, MessageCommand.Parse("nope"), ref unknown));
        Assert.Equal(0, unknown.Position);

        Assert.Equal(4, dispatcher.Messages.Count);
        Assert.Equal("items", dispatcher.FindMessage(MessageCommand.Parse("items"))!.Command);
        Assert.Null(dispatcher.FindMessage(MessageCommand.Parse("broken")));

        int calls = 0;
        listeners.GetType().GetProperty("OnUnknown")!.SetValue(listeners, new RawFrameHandler<List<string>>((_, frame) => calls += frame.Payload.Length));
        dispatcher.OnUnknown(log, new RawFrame(MessageCommand.Parse("x"), new byte[] { 1, 2 }));
        Assert.Equal(2, calls);

        Assert.Throws<ArgumentNullException>(() => Basic.Call(Ns + "TestMessages", "CreateDispatcher", [typeof(List<string>)], [null]));
    }

    [Theory]
    [InlineData("TryHandle")]
    [InlineData("TryHandleWithStruct")]
    public void TryHandle_PassesEachMessageWithItsStaticType(string probe)
    {
        var handler = new RecordingHandler();
        var peer = new List<string>();
        Assert.True(ProbeTryHandle(probe, peer, "ping", Convert.FromHexString("0500000000000000"), handler));
        Assert.True(ProbeTryHandle(probe, peer, "checked", [9, 0, 0, 0], handler));
        Assert.True(ProbeTryHandle(probe, peer, "items", Convert.FromHexString("000000000000"), handler));

        Assert.Equal([Run.GetType(Ns + "PingMessage"), Run.GetType(Ns + "CheckedMessage"), Run.GetType(Ns + "ItemsMessage")], handler.Seen.Select(s => s.StaticType));
        Assert.All(handler.Seen, s => Assert.Same(peer, s.Peer));
        Assert.All(handler.Seen, s => Assert.Equal(s.StaticType, s.Message.GetType()));
        Assert.All(handler.Seen, s => Assert.Equal(s.StaticType, s.Descriptor.MessageType));
        Assert.Equal(5UL, Generated.Get(handler.Seen[0].Message, "Nonce"));
        Assert.Equal(9U, Generated.Get(handler.Seen[1].Message, "Value"));
    }

    [Fact]
    public void TryHandle_UnknownCommand_ReturnsFalse_ReadsNothing_CallsNothing()
    {
        var handler = new RecordingHandler();
        Assert.False(ProbeTryHandle("TryHandle", [], "pong", [1, 2, 3], handler));
        Assert.False(ProbeTryHandle("TryHandle", [], "broken", [0, 0, 0, 0], handler));
        Assert.Empty(handler.Seen);

        // Through the object form, the reader is left where it was.
        var dispatcher = NewDispatcher(new List<string>(), out _);
        var reader = new WireReader(new byte[] { 7 });
        Assert.False(dispatcher.TryHandle([], MessageCommand.Parse("nope"), ref reader, handler));
        Assert.Equal(0, reader.Position);
        Assert.Empty(handler.Seen);
    }

    [Fact]
    public void TryHandle_MalformedPayload_Throws_AndCallsNothing()
    {
        var handler = new RecordingHandler();
        Assert.Equal(ProtocolError.InvalidValue, Assert.Throws<ProtocolException>(() => ProbeTryHandle("TryHandle", [], "checked", [0, 0, 0, 0], handler)).Error);
        Assert.Throws<ProtocolException>(() => ProbeTryHandle("TryHandleWithStruct", [], "ping", [1, 2], handler));
        Assert.Empty(handler.Seen);
    }

    [Fact]
    public void Deliver_CallsTheTypedListenerMethod()
    {
        var log = new List<string>();
        var listeners = NewListeners(log);
        foreach (var (type, properties) in new (string, (string, object?)[])[]
        {
            ("PingMessage", [("Nonce", 3UL)]),
            ("CheckedMessage", [("Value", 4U)]),
            ("ItemsMessage", []),
        })
        {
            var message = Basic.Create(Ns + type, properties);
            Assert.True((bool)Basic.Call(Ns + "TestMessages", "Deliver", [typeof(List<string>)], log, message, listeners)!);
        }

        Assert.Equal(["OnPing", "OnChecked", "OnItemList"], log.Select(l => l.Split(':')[0]));
        Assert.StartsWith("OnPing:PingMessage { Nonce = 3 }", log[0], StringComparison.Ordinal);
        Assert.StartsWith("OnChecked:CheckedMessage { Value = 4 }", log[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Deliver_MessageOfAnotherSet_ReturnsFalse_AndCallsNothing()
    {
        var log = new List<string>();
        var listeners = NewListeners(log);

        // A command the set does not know, and a foreign type that reuses one of its commands.
        Assert.False((bool)Basic.Call(Ns + "TestMessages", "Deliver", [typeof(List<string>)], log, new ForeignMessage("pong"), listeners)!);
        Assert.False((bool)Basic.Call(Ns + "TestMessages", "Deliver", [typeof(List<string>)], log, new ForeignMessage("ping"), listeners)!);
        Assert.Empty(log);
        Assert.Throws<ArgumentNullException>(() => Basic.Call(Ns + "TestMessages", "Deliver", [typeof(List<string>)], log, null, listeners));
    }

    [Fact]
    public void TryHandleThenDeliver_ReachesTheSameMethodAsTryDispatch()
    {
        var viaDispatch = new List<string>();
        var viaHandler = new List<string>();
        var dispatcher = NewDispatcher(viaHandler, out _);
        var handler = new DeliveringHandler(dispatcher);
        foreach (var (command, hex) in new[] { ("ping", "0500000000000000"), ("checked", "09000000"), ("hello", "80110100" + "02" + "7F000001" + "208D"), ("items", "000000000000") })
        {
            Assert.True(ProbeTryDispatch(viaDispatch, command, Convert.FromHexString(hex), NewListeners(viaDispatch)));
            var reader = new WireReader(Convert.FromHexString(hex));
            Assert.True(dispatcher.TryHandle(viaHandler, MessageCommand.Parse(command), ref reader, handler));
            Assert.Equal(0, reader.Remaining);
        }

        Assert.Equal(4, viaDispatch.Count);
        Assert.Equal(viaDispatch, viaHandler);
    }

    [Fact]
    public void Decode_ReturnsTheTypedMessage_OrNull()
    {
        var message = (IMessage?)Basic.Call(Ns + "DispatchProbe", "Decode", [], "ping", Convert.FromHexString("0200000000000000"));
        Assert.IsType(Run.GetType(Ns + "PingMessage"), message);
        Assert.Equal(2UL, Generated.Get(message!, "Nonce"));
        Assert.Null(Basic.Call(Ns + "DispatchProbe", "Decode", [], "broken", new byte[4]));
    }

    [Fact]
    public void Catalogue_ListsEveryMessageByCommand()
    {
        var messages = Basic.Static<IReadOnlyList<MessageDescriptor>>(Ns + "TestMessages", "Messages");
        Assert.Equal(["checked", "hello", "items", "ping"], messages.Select(m => m.Command));
        Assert.All(messages, m => Assert.Equal(MessageCommand.Parse(m.Command), m.CommandBytes));
        Assert.All(messages, m => Assert.Same(m, Basic.Static<MessageDescriptor>(m.MessageType.FullName!, "Descriptor")));

        var hello = messages.Single(m => m.Command == "hello");
        Assert.Equal(Run.GetType(Ns + "HelloMessage"), hello.MessageType);
        Assert.Equal(70001, hello.MinProtocolVersion);
        Assert.Equal(5000, hello.MaxPayloadLength); // the set's declared limit
        Assert.Equal("Agent: at most 16 bytes", hello.Limits);

        var items = messages.Single(m => m.Command == "items");
        Assert.Equal(0, items.MinProtocolVersion);
        Assert.Equal(1000, items.MaxPayloadLength);
        Assert.Equal("Items: at most 3 items; Tags: at most 4 items (each at most 5 bytes); Blob: at most 8 bytes; Extras: at most 2 items", items.Limits);

        // All-fixed fields: the payload limit is their total size.
        Assert.Equal(8, messages.Single(m => m.Command == "ping").MaxPayloadLength);
        Assert.Equal(4, messages.Single(m => m.Command == "checked").MaxPayloadLength);
        Assert.Equal(string.Empty, messages.Single(m => m.Command == "ping").Limits);
    }

    [Fact]
    public void FindMessage_ByCommandBytes()
    {
        var found = (MessageDescriptor?)Basic.Call(Ns + "TestMessages", "FindMessage", [], MessageCommand.Parse("hello"));
        Assert.Equal(Run.GetType(Ns + "HelloMessage"), found!.MessageType);
        Assert.Null(Basic.Call(Ns + "TestMessages", "FindMessage", [], MessageCommand.Parse("hell")));
        Assert.Null(Basic.Call(Ns + "TestMessages", "FindMessage", [], MessageCommand.Parse("hello2")));

        // Bytes after the name must be NUL: a command differing only in the padding is a different command.
        var padded = new byte[12];
        "hello"u8.CopyTo(padded);
        padded[11] = 1;
        Assert.Null(Basic.Call(Ns + "TestMessages", "FindMessage", [], MessageCommand.FromBytes(padded)));
    }

    [Fact]
    public void CommandMembers_MatchTheName()
    {
        foreach (var name in new[] { "PingMessage", "HelloMessage", "ItemsMessage", "CheckedMessage" })
        {
            string command = Basic.Static<string>(Ns + name, "CommandName");
            Assert.Equal(MessageCommand.Parse(command), Basic.Static<MessageCommand>(Ns + name, "Command"));
            Assert.Equal(command, Basic.Static<MessageCommand>(Ns + name, "Command").ToString());
        }
    }

    [Fact]
    public void Shapes_InternalSet_DispatchesNestedAndGlobalMessages()
    {
        var run = ScenarioRun.Get(Scenarios.Shapes);
        var set = run.GetType("Scenarios.Shapes.ShapeMessages");
        var listenersType = run.GetType("Scenarios.Shapes.ShapeListeners`1").MakeGenericType(typeof(List<string>));
        Assert.False(listenersType.IsPublic);
        var listeners = Activator.CreateInstance(listenersType)!;
        var log = new List<string>();
        foreach (var property in listenersType.GetProperties().Where(p => p.Name != "OnUnknown"))
        {
            var messageType = property.PropertyType.GetGenericArguments()[1];
            property.SetValue(listeners, Recorder(messageType, property.Name));
        }

        var dispatcher = (IMessageDispatcher<List<string>>)set.GetMethod("CreateDispatcher", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.MakeGenericMethod(typeof(List<string>)).Invoke(null, [listeners])!;
        var nested = new WireReader(Convert.FromHexString("07" + "0100000000000000" + "FEFF" + "FD" + "09" + "00"));
        Assert.True(dispatcher.TryDispatch(log, MessageCommand.Parse("nested"), ref nested));
        var global = new WireReader(Convert.FromHexString("FEFF"));
        Assert.True(dispatcher.TryDispatch(log, MessageCommand.Parse("global"), ref global));
        Assert.Equal(["OnNested", "OnGlobal"], log.Select(l => l.Split(':')[0]));
        Assert.Equal(["empty", "global", "nested", "point", "struct"], dispatcher.Messages.Select(m => m.Command));
    }

    /// <summary>The Basic set's object form over <see cref="NewListeners"/>.</summary>
    private static IMessageDispatcher<List<string>> NewDispatcher(List<string> log, out object listeners)
    {
        listeners = NewListeners(log);
        return (IMessageDispatcher<List<string>>)Basic.Call(Ns + "TestMessages", "CreateDispatcher", [typeof(List<string>)], listeners)!;
    }

    private static bool ProbeTryHandle(string probe, List<string> peer, string command, byte[] payload, IMessageHandler<List<string>> handler) =>
        (bool)Basic.Call(Ns + "DispatchProbe", probe, [typeof(List<string>)], peer, command, payload, handler)!;

    /// <summary>Records each message with the static type the generated code called it with.</summary>
    private sealed class RecordingHandler : IMessageHandler<List<string>>
    {
        public List<(List<string> Peer, Type StaticType, object Message, MessageDescriptor Descriptor)> Seen { get; } = [];

        public void OnMessage<TMessage>(List<string> peer, TMessage message)
            where TMessage : IMessage<TMessage> => Seen.Add((peer, typeof(TMessage), message, TMessage.Descriptor));
    }

    /// <summary>Passes every message on to the dispatcher's listener, as a peer core does after its own rules.</summary>
    private sealed class DeliveringHandler(IMessageDispatcher<List<string>> dispatcher) : IMessageHandler<List<string>>
    {
        public void OnMessage<TMessage>(List<string> peer, TMessage message)
            where TMessage : IMessage<TMessage> => Assert.True(dispatcher.Deliver(peer, message));
    }

    /// <summary>A message type from outside the set.</summary>
    private sealed class ForeignMessage(string command) : IMessage
    {
        public MessageCommand Command { get; } = MessageCommand.Parse(command);

        public int GetEncodedSize(WireContext context) => 0;

        public void WriteTo(ref WireWriter writer)
        {
        }
    }

    /// <summary>A TestListeners&lt;List&lt;string&gt;&gt; whose every message property appends "OnX:message" to the peer (the log).</summary>
    private static object NewListeners(List<string> log)
    {
        var type = Run.GetType(Ns + "TestListeners`1").MakeGenericType(typeof(List<string>));
        var listeners = Activator.CreateInstance(type)!;
        var properties = type.GetProperties().Where(p => p.Name != "OnUnknown").ToList();
        Assert.Equal(["OnChecked", "OnHello", "OnItemList", "OnPing"], properties.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var property in properties)
        {
            property.SetValue(listeners, Recorder(property.PropertyType.GetGenericArguments()[1], property.Name));
        }

        _ = log;
        return listeners;
    }

    private static bool ProbeTryDispatch(List<string> log, string command, byte[] payload, object listeners) =>
        (bool)Basic.Call(Ns + "DispatchProbe", "TryDispatch", [typeof(List<string>)], log, command, payload, listeners)!;

    private static Delegate Recorder(Type messageType, string label) =>
        (Delegate)typeof(DispatchTests).GetMethod(nameof(MakeRecorder), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(messageType)
            .Invoke(null, [label])!;

    private static Action<List<string>, T> MakeRecorder<T>(string label) => (log, message) => log.Add(label + ":" + message);
}
