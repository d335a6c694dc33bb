namespace ProtoGen.Fuzz;

/// <summary>
/// A fuzzing property that does not hold. It is deliberately not a <see cref="ProtocolException"/>: the harness lets
/// it escape, so afl-fuzz records the input as a crash and the replay test fails on it.
/// </summary>
public sealed class PropertyViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PropertyViolationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which property failed, and how.</param>
    public PropertyViolationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which property failed, and how.</param>
    /// <param name="innerException">The cause.</param>
    public PropertyViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>What a decode came to: a value, or the <see cref="ProtocolException"/> that rejected the input.</summary>
/// <typeparam name="T">The decoded type.</typeparam>
/// <param name="Value">The value, when the input was accepted.</param>
/// <param name="Error">The rejection, when it was not.</param>
/// <param name="AllocatedBytes">Bytes the decode allocated on this thread.</param>
public readonly record struct Decoded<T>(T? Value, ProtocolException? Error, long AllocatedBytes)
    where T : class
{
    /// <summary>Whether the input was accepted.</summary>
    public bool Accepted => Error is null;

    /// <summary>The verdict as text, for messages.</summary>
    public string Verdict => Error is null ? "accepted" : $"rejected ({Error.Error}: {Error.Message})";
}

/// <summary>The checks every target shares.</summary>
public static class Property
{
    /// <summary>
    /// Bytes a decode may allocate per input byte. The largest ratio the wire format allows is a witness stack of
    /// one-byte items decoded from a span: each item takes 2 bytes on the wire (length 1, the byte) and costs a 16-byte
    /// <see cref="WireBytes"/> slot in the stack's array plus a 32-byte array holding the copied byte (24 bytes of
    /// object header and length, padded), 48 bytes for 2, a ratio of 24. A transaction of 10 bytes (the smallest)
    /// costs one 56-byte object and an 8-byte slot in the block's array, a ratio of 6.4; every other element type
    /// (inventory vectors, headers, addresses, inputs, outputs) costs less than 3 bytes per wire byte. 32 leaves room
    /// for array headers without hiding what matters: a count or length read off the wire that is trusted before
    /// the bytes behind it are, which costs thousands of bytes per input byte.
    /// </summary>
    public const int AllocatedBytesPerInputByte = 32;

    /// <summary>
    /// Bytes any decode may allocate whatever its input: the rejected input's <see cref="ProtocolException"/> with its
    /// message and captured stack trace (a few KiB), an incremental hash for a multi-segment frame checksum,
    /// the error text describing a foreign stream, and the first-use costs of the runtime on this thread.
    /// </summary>
    public const int AllocatedBytesConstant = 64 * 1024;

    /// <summary>The most a decode of <paramref name="inputLength"/> bytes may allocate.</summary>
    /// <param name="inputLength">The input's length.</param>
    public static long AllocationBound(int inputLength) => ((long)AllocatedBytesPerInputByte * inputLength) + AllocatedBytesConstant;

    /// <summary>
    /// Runs <paramref name="decode"/>, which must be deterministic, catching only <see cref="ProtocolException"/>, and
    /// measures what it allocates on this thread. A decode over the bound is run once more before it counts as a
    /// violation: the first run of a path may pay for type initialisation and JIT work that is no part of decoding.
    /// </summary>
    /// <typeparam name="T">The decoded type.</typeparam>
    /// <param name="what">What is decoded, for the message.</param>
    /// <param name="inputLength">The input's length, which sets the bound.</param>
    /// <param name="decode">The decode.</param>
    public static Decoded<T> Decode<T>(string what, int inputLength, Func<T> decode)
        where T : class
    {
        long bound = AllocationBound(inputLength);
        for (int attempt = 0; ; attempt++)
        {
            T? value = null;
            ProtocolException? error = null;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                value = decode();
            }
            catch (ProtocolException e)
            {
                error = e;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated <= bound)
            {
                return new Decoded<T>(value, error, allocated);
            }

            if (attempt > 0)
            {
                throw new PropertyViolationException($"{what}: {inputLength} input bytes allocated {allocated} bytes, over the bound {bound} ({AllocatedBytesPerInputByte} per input byte + {AllocatedBytesConstant})");
            }
        }
    }

    /// <summary>Fails unless <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The property.</param>
    /// <param name="message">What failed.</param>
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new PropertyViolationException(message);
        }
    }

    /// <summary>Fails unless the two byte strings are equal, naming the first difference.</summary>
    /// <param name="expected">The expected bytes.</param>
    /// <param name="actual">The actual bytes.</param>
    /// <param name="what">What is compared.</param>
    public static void BytesEqual(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }

        int at = expected.CommonPrefixLength(actual);
        throw new PropertyViolationException($"{what}: {actual.Length} bytes differ from the expected {expected.Length} at offset {at} (expected {Hex(expected, at)}, got {Hex(actual, at)})");
    }

    /// <summary>Fails unless both decodes reached the same verdict (and, when both rejected, the same error code).</summary>
    /// <typeparam name="TA">The first decoded type.</typeparam>
    /// <typeparam name="TB">The second decoded type.</typeparam>
    /// <param name="a">The first decode.</param>
    /// <param name="b">The second decode.</param>
    /// <param name="what">What the two decodes are.</param>
    public static void SameVerdict<TA, TB>(in Decoded<TA> a, in Decoded<TB> b, string what)
        where TA : class
        where TB : class
    {
        if (a.Accepted != b.Accepted || (!a.Accepted && a.Error!.Error != b.Error!.Error))
        {
            throw new PropertyViolationException($"{what} disagree: {a.Verdict} vs {b.Verdict}");
        }
    }

    private static string Hex(ReadOnlySpan<byte> bytes, int at) =>
        at >= bytes.Length ? "end" : Convert.ToHexStringLower(bytes.Slice(at, Math.Min(8, bytes.Length - at)));
}
