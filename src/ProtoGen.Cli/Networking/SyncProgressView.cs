using System;
using System.IO;
using System.Text;
using System.Threading;
using ProtoGen.Node;

namespace ProtoGen.Cli.Networking;

/// <summary>
/// Shows a sync's progress: on an interactive terminal a bar redrawn in place per phase (headers, blocks); otherwise
/// plain lines at each quarter of a phase, so that logs and pipes get a few lines, not hundreds.
/// </summary>
internal sealed class SyncProgressView : IProgress<SyncProgress>
{
    private const int BarWidth = 30;

    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly int? _headersCap;
    private readonly int _labelWidth;
    private readonly Lock _lock = new();
    private string? _phase;
    private int _nextQuarter;
    private bool _lineOpen;
    private int _lastLength;

    /// <summary>Creates a view.</summary>
    /// <param name="output">Where progress goes (standard output).</param>
    /// <param name="interactive">Whether to draw a bar in place.</param>
    /// <param name="headersCap">The height the headers phase stops at, when capped (<c>connect --headers N</c>).</param>
    /// <param name="labelWidth">The width of the phase name column, to line up with the command's other lines.</param>
    public SyncProgressView(TextWriter output, bool interactive, int? headersCap = null, int labelWidth = 11)
    {
        _labelWidth = labelWidth;
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _interactive = interactive;
        _headersCap = headersCap;
    }

    /// <inheritdoc/>
    public void Report(SyncProgress value)
    {
        int target = value.Target;
        if (value.Phase == "headers" && _headersCap is { } cap)
        {
            target = Math.Min(target, cap);
        }

        target = Math.Max(target, value.Height);
        lock (_lock)
        {
            if (_phase != value.Phase)
            {
                EndLineLocked();
                _phase = value.Phase;
                _nextQuarter = 1;
            }

            if (_interactive)
            {
                DrawBarLocked(value, target);
            }
            else
            {
                WriteQuarterLinesLocked(value, target);
            }
        }
    }

    /// <summary>Ends the bar's line, if one is open (before other output).</summary>
    public void Complete()
    {
        lock (_lock)
        {
            EndLineLocked();
        }
    }

    private void DrawBarLocked(SyncProgress value, int target)
    {
        int filled = target == 0 ? BarWidth : (int)((long)value.Height * BarWidth / target);
        var text = new StringBuilder(80);
        text.Append('\r').Append(value.Phase.PadRight(_labelWidth)).Append('[').Append('#', filled).Append('.', BarWidth - filled).Append("] ")
            .Append(PeerFormat.Count(value.Height)).Append('/').Append(PeerFormat.Count(target));
        if (value.Phase == "blocks")
        {
            text.Append("  ").Append(PeerFormat.Count(value.Bytes)).Append(" bytes");
        }

        int length = text.Length;
        if (length < _lastLength)
        {
            text.Append(' ', _lastLength - length);
        }

        _lastLength = length;
        _output.Write(text.ToString());
        _lineOpen = true;
        if (value.Height >= target)
        {
            EndLineLocked();
        }
        else
        {
            _output.Flush();
        }
    }

    private void WriteQuarterLinesLocked(SyncProgress value, int target)
    {
        // One line per quarter crossed (the last report of a phase always reaches the fourth).
        bool crossed = false;
        while (_nextQuarter <= 4 && (target == 0 || (long)value.Height * 4 >= (long)target * _nextQuarter))
        {
            _nextQuarter++;
            crossed = true;
        }

        if (!crossed)
        {
            return;
        }

        int percent = target == 0 ? 100 : (int)((long)value.Height * 100 / target);
        string line = PeerFormat.Invariant($"{value.Phase.PadRight(_labelWidth)}{PeerFormat.Count(value.Height)}/{PeerFormat.Count(target)} ({percent}%)");
        if (value.Phase == "blocks")
        {
            line += ", " + PeerFormat.Count(value.Bytes) + " bytes";
        }

        _output.WriteLine(line);
        _output.Flush();
    }

    private void EndLineLocked()
    {
        if (_lineOpen)
        {
            _output.WriteLine();
            _output.Flush();
            _lineOpen = false;
            _lastLength = 0;
        }
    }
}
