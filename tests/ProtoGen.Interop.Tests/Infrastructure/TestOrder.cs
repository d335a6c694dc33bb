using Xunit.Abstractions;
using Xunit.Sdk;

namespace ProtoGen.Interop.Tests.Infrastructure;

/// <summary>Where a test runs within its class when the class uses <see cref="TestOrderer"/> (lowest first).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TestOrderAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}

/// <summary>Orders a class's tests by <see cref="TestOrderAttribute"/>, then by name (tests without one run last).</summary>
public sealed class TestOrderer : ITestCaseOrderer
{
    public const string TypeName = "ProtoGen.Interop.Tests.Infrastructure.TestOrderer";
    public const string AssemblyName = "ProtoGen.Interop.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => Order(t)).ThenBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);

    private static int Order(ITestCase testCase) =>
        testCase.TestMethod.Method.GetCustomAttributes(typeof(TestOrderAttribute).AssemblyQualifiedName).FirstOrDefault()?.GetConstructorArguments().FirstOrDefault() is int order
            ? order
            : int.MaxValue;
}
