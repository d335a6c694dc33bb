using System.Collections.ObjectModel;
using System.Reflection;
using ProtoGen.Generators.Tests.Infrastructure;

namespace ProtoGen.Generators.Tests;

/// <summary>
/// The generated composite listener of the Basic scenario, run for real: every message and every unknown frame reaches
/// every listener of the group, in order, through the dispatcher and through Deliver.
/// </summary>
public sealed class ListenerGroupTests
{
    private const string Ns = "Scenarios.Basic.";

    private static ScenarioRun Run => ScenarioRun.Get(Scenarios.Basic);

    private static Generated Basic => new(Run);

    private static readonly (string Command, string Hex, string Method)[] Frames =
    [
        ("ping", "0500000000000000", "OnPing"),
        ("checked", "09000000", "OnChecked"),
        ("hello", "80110100" + "02" + "7F000001" + "208D", "OnHello"),
        ("items", "000000000000", "OnItemList"),
    ];

    [Fact]
    public void EveryMessage_ReachesEveryListener_InOrder()
    {
        var log = new List<string>();
        var group = NewGroup(Recording("a"), Recording("b"), Recording("c"));
        foreach (var (command, hex, _) in Frames)
        {
            Assert.True((bool)Basic.Call(Ns + "DispatchProbe", "TryDispatch", [typeof(List<string>)], log, command, Convert.FromHexString(hex), group)!);
        }

        string[] expected = [.. Frames.SelectMany(f => new[] { "a." + f.Method, "b." + f.Method, "c." + f.Method })];
        Assert.Equal(expected, log);
    }

    [Fact]
    public void UnknownFrames_ReachEveryListener_InOrder_WithTheSamePayload()
    {
        var log = new List<string>();
        var group = NewGroup(Recording("a"), Recording("b"));
        Assert.False((bool)Basic.Call(Ns + "DispatchProbe", "Dispatch", [typeof(List<string>)], log, "mystery", new byte[] { 1, 2, 3 }, group)!);
        Assert.Equal(["a.OnUnknown:mystery:010203", "b.OnUnknown:mystery:010203"], log);
    }

    [Fact]
    public void Deliver_ToTheGroup_ReachesEveryListener()
    {
        var log = new List<string>();
        var group = NewGroup(Recording("a"), Recording("b"));
        var message = Basic.Create(Ns + "CheckedMessage", ("Value", 7U));
        Assert.True((bool)Basic.Call(Ns + "TestMessages", "Deliver", [typeof(List<string>)], log, message, group)!);
        Assert.Equal(["a.OnChecked", "b.OnChecked"], log);
    }

    [Fact]
    public void AListenerThatThrows_StopsTheRest()
    {
        var log = new List<string>();
        var failing = Recording("bad");
        var thrower = typeof(ListenerGroupTests).GetMethod(nameof(MakeThrower), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(Run.GetType(Ns + "PingMessage"))
            .Invoke(null, []);
        failing.GetType().GetProperty("OnPing")!.SetValue(failing, thrower);
        var group = NewGroup(Recording("a"), failing, Recording("c"));
        Assert.Throws<InvalidOperationException>(() => Basic.Call(Ns + "DispatchProbe", "TryDispatch", [typeof(List<string>)], log, "ping", new byte[8], group));
        Assert.Equal(["a.OnPing"], log);
    }

    [Fact]
    public void Listeners_IsAReadOnlyCopy_InCallOrder()
    {
        var a = Recording("a");
        var b = Recording("b");
        var array = ListenerArray(a, b);
        var group = Activator.CreateInstance(GroupType(), [array])!;
        array.SetValue(null, 0);

        var listeners = (System.Collections.IEnumerable)Generated.Get(group, "Listeners")!;
        Assert.Equal([a, b], listeners.Cast<object>());
        Assert.IsType(typeof(ReadOnlyCollection<>).MakeGenericType(ListenerInterface()), listeners);
        Assert.True(GroupType().IsSealed);
        Assert.True(GroupType().IsPublic);
    }

    [Fact]
    public void AnEmptyGroup_IgnoresEverything()
    {
        var group = NewGroup();
        Assert.True((bool)Basic.Call(Ns + "DispatchProbe", "TryDispatch", [typeof(List<string>)], new List<string>(), "ping", new byte[8], group)!);
        Assert.Empty((System.Collections.IEnumerable)Generated.Get(group, "Listeners")!);
    }

    [Fact]
    public void NullListeners_AreRejected()
    {
        var nullArray = Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(GroupType(), [null]));
        Assert.IsType<ArgumentNullException>(nullArray.InnerException);
        var nullElement = Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(GroupType(), [ListenerArray(Recording("a"), null)]));
        Assert.Equal("listeners", Assert.IsType<ArgumentNullException>(nullElement.InnerException).ParamName);
    }

    [Fact]
    public void Shapes_InternalSet_HasAnInternalGroup()
    {
        var run = ScenarioRun.Get(Scenarios.Shapes);
        var group = run.GetType("Scenarios.Shapes.ShapeListenerGroup`1");
        Assert.False(group.IsPublic);
        Assert.True(group.IsSealed);
    }

    private static Type ListenerInterface() => Run.GetType(Ns + "ITestListener`1").MakeGenericType(typeof(List<string>));

    private static Type GroupType() => Run.GetType(Ns + "TestListenerGroup`1").MakeGenericType(typeof(List<string>));

    private static Array ListenerArray(params object?[] listeners)
    {
        var array = Array.CreateInstance(ListenerInterface(), listeners.Length);
        for (int i = 0; i < listeners.Length; i++)
        {
            array.SetValue(listeners[i], i);
        }

        return array;
    }

    private static object NewGroup(params object[] listeners) => Activator.CreateInstance(GroupType(), [ListenerArray(listeners)])!;

    /// <summary>A TestListeners&lt;List&lt;string&gt;&gt; that appends "{label}.{method}" to the peer (the log) for every call.</summary>
    private static object Recording(string label)
    {
        var type = Run.GetType(Ns + "TestListeners`1").MakeGenericType(typeof(List<string>));
        var listeners = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties().Where(p => p.Name != "OnUnknown"))
        {
            var recorder = typeof(ListenerGroupTests).GetMethod(nameof(MakeRecorder), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(property.PropertyType.GetGenericArguments()[1])
                .Invoke(null, [label + "." + property.Name]);
            property.SetValue(listeners, recorder);
        }

        type.GetProperty("OnUnknown")!.SetValue(listeners, new RawFrameHandler<List<string>>((log, frame) =>
            log.Add($"{label}.OnUnknown:{frame.Command}:{Convert.ToHexString(frame.Payload)}")));
        return listeners;
    }

    private static Action<List<string>, T> MakeRecorder<T>(string entry) => (log, _) => log.Add(entry);

    private static Action<List<string>, T> MakeThrower<T>() => (_, _) => throw new InvalidOperationException("boom");
}
