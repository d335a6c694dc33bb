using System;
using System.Buffers;
using System.Text;

namespace ProtoGen.Peers.Logging;

/// <summary>
/// Formats bytes in the layout of <c>hexdump -C</c>: an 8-digit hex offset, 16 bytes in two groups of 8, the
/// printable ASCII column between bars, and a final line with the total length. Identical lines are not squeezed.
/// </summary>
internal static class HexDump
{
    /// <summary>Formats <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    public static string Format(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder(((data.Length + 15) / 16 * 79) + 9);
        for (int offset = 0; offset < data.Length; offset += 16)
        {
            AppendLine(text, offset, data.Slice(offset, Math.Min(16, data.Length - offset)));
        }

        text.Append(data.Length.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>Formats <paramref name="data"/> (possibly several segments).</summary>
    /// <param name="data">The bytes.</param>
    public static string Format(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            return Format(data.FirstSpan);
        }

        return Format(data.ToArray());
    }

    private static void AppendLine(StringBuilder text, int offset, ReadOnlySpan<byte> line)
    {
        const string Hex = "0123456789abcdef";
        text.Append(offset.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).Append("  ");
        for (int i = 0; i < 16; i++)
        {
            if (i < line.Length)
            {
                text.Append(Hex[line[i] >> 4]).Append(Hex[line[i] & 0xF]).Append(' ');
            }
            else
            {
                text.Append("   ");
            }

            if (i == 7)
            {
                text.Append(' ');
            }
        }

        text.Append(" |");
        foreach (byte b in line)
        {
            text.Append(b is >= 0x20 and <= 0x7E ? (char)b : '.');
        }

        text.Append("|\n");
    }
}
