namespace ProtoGen.Benchmarks;

/// <summary>Sanity checks run in GlobalSetup, so even a dry run proves both libraries compute the same thing.</summary>
internal static class Check
{
    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("check failed: " + what);
        }
    }

    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new InvalidOperationException($"check failed: {what}: expected {expected}, got {actual}");
        }
    }

    public static void Bytes(byte[] expected, byte[] actual, string what) =>
        True(expected.AsSpan().SequenceEqual(actual), what + " reproduces the block bytes");
}
