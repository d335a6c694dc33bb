namespace ProtoGen.Generators.Tests.Infrastructure;

/// <summary>What the golden-output test does with its baselines.</summary>
public enum BaselineMode
{
    /// <summary>Compare the generated files with the baselines (the normal run).</summary>
    Compare,

    /// <summary>Rewrite the baselines from the generated files, then compare (a deliberate, local change).</summary>
    Update,

    /// <summary>An update was asked for on CI: fail, so that a leaked variable cannot hide a generator change.</summary>
    Refused,
}

/// <summary>
/// Decides the <see cref="BaselineMode"/> from the environment: <c>PROTOGEN_UPDATE_BASELINES=1</c> asks for an
/// update, and any non-empty <c>CI</c> variable (CI systems and <c>.ci/run</c> set <c>CI=true</c>) refuses it.
/// </summary>
internal static class BaselinePolicy
{
    public const string UpdateVariable = "PROTOGEN_UPDATE_BASELINES";

    public const string CiVariable = "CI";

    public static BaselineMode FromEnvironment() =>
        Decide(Environment.GetEnvironmentVariable(UpdateVariable), Environment.GetEnvironmentVariable(CiVariable));

    /// <param name="update">The value of <see cref="UpdateVariable"/>, or null when unset.</param>
    /// <param name="ci">The value of <see cref="CiVariable"/>, or null when unset.</param>
    public static BaselineMode Decide(string? update, string? ci)
    {
        if (update != "1")
        {
            return BaselineMode.Compare;
        }

        return string.IsNullOrEmpty(ci) ? BaselineMode.Update : BaselineMode.Refused;
    }

    /// <summary>Why a <see cref="BaselineMode.Refused"/> run fails.</summary>
    public static string RefusalMessage(string? ci) =>
        $"{UpdateVariable}=1 is set together with {CiVariable}={ci}: baselines are never rewritten on CI, because a leaked "
        + $"variable would make the golden test pass whatever the generator emits. Unset {UpdateVariable}, or update the "
        + "baselines locally, review the diff and commit it.";
}
