using SharpFuzz;

namespace ProtoGen.Fuzz;

/// <summary>The harness's command line (fuzz/run.sh drives it; docs/fuzzing.md).</summary>
public static class Program
{
    private const string Usage = """
        usage: ProtoGen.Fuzz list
               ProtoGen.Fuzz fuzz TARGET                    run under afl-fuzz (one input on stdin without it)
               ProtoGen.Fuzz seed TARGET OUTPUT_DIR DATA_DIR write TARGET's seeds derived from DATA_DIR (tests/data)
               ProtoGen.Fuzz replay TARGET PATH...          check the property on files (or every file in folders)
               ProtoGen.Fuzz dict OUTPUT_FILE               write an afl-fuzz dictionary (commands, magics, markers)
        """;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>0 on success, 1 when an input breaks the property, 2 on bad usage.</returns>
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "list")
        {
            foreach (var each in FuzzTargets.All)
            {
                Console.WriteLine($"{each.Name}\t{each.Summary}");
            }

            return 0;
        }

        if (args.Length == 2 && args[0] == "dict")
        {
            File.WriteAllLines(args[1], Dictionary());
            return 0;
        }

        var target = args.Length >= 2 ? FuzzTargets.Find(args[1]) : null;
        if (target is null)
        {
            Console.Error.WriteLine(Usage);
            Console.Error.WriteLine($"targets: {string.Join(", ", FuzzTargets.All.Select(each => each.Name))}");
            return 2;
        }

        switch (args[0])
        {
            case "fuzz" when args.Length == 2:
                // Persistent mode: one process runs every input afl-fuzz sends. Any exception that escapes the
                // target (a property violation, or anything a decoder throws other than ProtocolException) is a crash.
                Fuzzer.Run(stream =>
                {
                    using var input = new MemoryStream();
                    stream.CopyTo(input);
                    target.Run(input.ToArray());
                });
                return 0;
            case "seed" when args.Length == 4:
                Directory.CreateDirectory(args[2]);
                int count = 0;
                foreach (var (name, input) in target.Seeds(Seeds.Load(args[3])))
                {
                    File.WriteAllBytes(Path.Combine(args[2], name), input);
                    count++;
                }

                Console.WriteLine($"{target.Name}: {count} seeds in {args[2]}");
                return 0;
            case "replay" when args.Length >= 3:
                return Replay(target, args.Skip(2));
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    /// <summary>
    /// Tokens afl-fuzz splices into inputs: every command padded to 12 bytes as a v1 header carries it, every
    /// network's magic, the CompactSize prefixes and the BIP144 marker and flag.
    /// </summary>
    private static IEnumerable<string> Dictionary()
    {
        static string Quote(ReadOnlySpan<byte> bytes) => "\"" + string.Concat(bytes.ToArray().Select(b => $"\\x{b:x2}")) + "\"";
        var command = new byte[MessageCommand.Size];
        foreach (var descriptor in ProtoGen.Bitcoin.BitcoinMessages.Messages)
        {
            descriptor.CommandBytes.WriteTo(command);
            yield return $"command_{descriptor.Command}={Quote(command)}";
        }

        var magic = new byte[4];
        foreach (var network in ProtoGen.Bitcoin.BitcoinNetwork.All)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(magic, network.Magic);
            yield return $"magic_{network.Name}={Quote(magic)}";
        }

        yield return "compact_fd=\"\\xfd\"";
        yield return "compact_fe=\"\\xfe\"";
        yield return "compact_ff=\"\\xff\"";
        yield return "segwit_marker=\"\\x00\\x01\"";
        yield return "null_index=\"\\xff\\xff\\xff\\xff\"";
    }

    private static int Replay(FuzzTarget target, IEnumerable<string> paths)
    {
        int checkedCount = 0;
        int failed = 0;
        foreach (var path in paths)
        {
            var files = Directory.Exists(path) ? Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray() : [path];
            foreach (var file in files)
            {
                checkedCount++;
                try
                {
                    target.Run(File.ReadAllBytes(file));
                }
#pragma warning disable CA1031 // Every failure is reported, whatever it is.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failed++;
                    Console.WriteLine($"FAIL {file}: {e}");
                }
            }
        }

        Console.WriteLine($"{target.Name}: {checkedCount} input(s) checked, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
