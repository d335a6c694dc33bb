namespace ProtoGen.Cli;

/// <summary>The protogen command line.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">Arguments.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args)
    {
        System.Console.WriteLine("protogen: under construction");
        return args.Length;
    }
}
