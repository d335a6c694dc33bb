namespace ProtoGen.Bitcoin.Tests.Framing;

/// <summary>Helpers for the framing tests: hex with spaces (multi-segment input comes from tests/Shared/ByteSequences.cs).</summary>
internal static class FramingTestSupport
{
    /// <summary>Parses hex, ignoring spaces.</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
