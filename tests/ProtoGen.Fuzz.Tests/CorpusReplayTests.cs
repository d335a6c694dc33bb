using System.Diagnostics;
using ProtoGen.Fuzz;

namespace ProtoGen.Fuzz.Tests;

/// <summary>
/// Every fuzz target's property, checked in process on its seeds (derived from tests/data), its committed corpus
/// (fuzz/corpus/TARGET, inputs afl-fuzz found that reach new code) and every crash found so far
/// (fuzz/regressions/TARGET).
/// </summary>
public class CorpusReplayTests
{
    /// <summary>Generous for inputs that take microseconds: a hang, not a slow machine, trips it.</summary>
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(10);

    private static readonly Lazy<Seeds> LoadedSeeds = new(() => Seeds.Load(Path.Combine(AppContext.BaseDirectory, "data")));

    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var target in FuzzTargets.All)
        {
            data.Add(target.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_corpus_and_regression_input_holds_the_property(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var inputs = target.Seeds(LoadedSeeds.Value).Select(seed => ($"seed {seed.Name}", seed.Input)).ToList();
        int seeds = inputs.Count;
        foreach (var folder in new[] { "corpus", "regressions" })
        {
            var directory = Path.Combine(AppContext.BaseDirectory, "fuzz", folder, name);
            if (Directory.Exists(directory))
            {
                inputs.AddRange(Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(file => ($"{folder}/{name}/{Path.GetFileName(file)}", File.ReadAllBytes(file))));
            }
        }

        var failures = new List<string>();
        foreach (var (label, input) in inputs)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
            }

            if (clock.Elapsed > PerInputLimit)
            {
                failures.Add($"{label}: took {clock.Elapsed.TotalSeconds:F1} s");
            }
        }

        Assert.True(seeds > 0, $"{name} has no seeds");
        Assert.True(failures.Count == 0, $"{failures.Count} of {inputs.Count} inputs break {name}'s property:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public void The_seeds_cover_every_message_in_the_catalogue()
    {
        var commands = LoadedSeeds.Value.Messages().Select(message => message.Command).ToHashSet();
        Assert.All(ProtoGen.Bitcoin.BitcoinMessages.Messages, descriptor => Assert.Contains(descriptor.CommandBytes, commands));
    }
}
