using System.Reflection;
using System.Runtime.ExceptionServices;

namespace ProtoGen.Generators.Tests.Infrastructure;

/// <summary>
/// Reflection over a loaded scenario assembly: builds values of generated types and calls their generated codecs
/// through <see cref="WireSerializer"/>, the same generic path production code uses. Exceptions thrown by the
/// generated code come out unwrapped.
/// </summary>
internal sealed class Generated(ScenarioRun run)
{
    private static readonly MethodInfo EncodeMethod = typeof(WireSerializer).GetMethods()
        .Single(m => m.Name == nameof(WireSerializer.Encode) && m.GetParameters().Length == 2);

    private static readonly MethodInfo DecodeMethod = typeof(WireSerializer).GetMethods()
        .Single(m => m.Name == nameof(WireSerializer.Decode) && m.GetParameters()[0].ParameterType == typeof(ReadOnlyMemory<byte>));

    private static readonly MethodInfo SizeMethod = typeof(WireSerializer).GetMethod(nameof(WireSerializer.GetEncodedSize))!;

    public Type Type(string fullName) => run.GetType(fullName);

    /// <summary>Creates a value with a parameterless constructor and sets the given (init-only or settable) properties.</summary>
    public object Create(string typeName, params (string Name, object? Value)[] properties)
    {
        var type = Type(typeName);
        var value = Activator.CreateInstance(type)!;
        foreach (var (name, propertyValue) in properties)
        {
            var property = type.GetProperty(name) ?? throw new InvalidOperationException($"{typeName} has no property {name}");
            property.SetValue(value, propertyValue);
        }

        return value;
    }

    /// <summary>Creates a positional record through its primary constructor.</summary>
    public object CreatePositional(string typeName, params object?[] arguments) =>
        Invoke(() => Activator.CreateInstance(Type(typeName), arguments)!);

    public object Enum(string typeName, long value) => System.Enum.ToObject(Type(typeName), value);

    public static object WireArrayOf(Type elementType, params object?[] items)
    {
        var array = Array.CreateInstance(elementType, items.Length);
        for (int i = 0; i < items.Length; i++)
        {
            array.SetValue(items[i], i);
        }

        return Activator.CreateInstance(typeof(WireArray<>).MakeGenericType(elementType), array)!;
    }

    public object WireArrayOf(string elementTypeName, params object?[] items) => WireArrayOf(Type(elementTypeName), items);

    public static byte[] Encode(object value, WireContext context = default) =>
        (byte[])Invoke(() => EncodeMethod.MakeGenericMethod(value.GetType()).Invoke(null, [value, context])!);

    public static int GetEncodedSize(object value, WireContext context = default) =>
        (int)Invoke(() => SizeMethod.MakeGenericMethod(value.GetType()).Invoke(null, [value, context])!);

    public object Decode(string typeName, byte[] data, WireContext context = default) =>
        Invoke(() => DecodeMethod.MakeGenericMethod(Type(typeName)).Invoke(null, [new ReadOnlyMemory<byte>(data), context])!);

    /// <summary>A public static property of a generated type (MinEncodedSize, Descriptor, Command, Messages...).</summary>
    public T Static<T>(string typeName, string member) =>
        (T)(Type(typeName).GetProperty(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? Type(typeName).GetField(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"{typeName}.{member} not found"))!;

    /// <summary>Calls a public static method, closing it over <paramref name="typeArguments"/> when it is generic.</summary>
    public object? Call(string typeName, string method, Type[] typeArguments, params object?[] arguments)
    {
        var info = Type(typeName).GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == method && m.GetParameters().Length == arguments.Length);
        if (typeArguments.Length > 0)
        {
            info = info.MakeGenericMethod(typeArguments);
        }

        return Invoke(() => info.Invoke(null, arguments));
    }

    public static object? Get(object target, string property) =>
        target.GetType().GetProperty(property)?.GetValue(target) ?? (target.GetType().GetProperty(property) is null ? throw new InvalidOperationException($"no property {property}") : null);

    private static T Invoke<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
