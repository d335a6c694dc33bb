using System;
using System.Globalization;
using System.IO;
using System.Threading;
using Microsoft.Extensions.Logging;
using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Logging;

/// <summary>
/// A small console logger for <c>--log-level</c>: every entry at or above the chosen level is written to standard
/// error as <c>HH:mm:ss.fff level category: message</c> (a trace entry's hexdump follows on the next lines). No
/// reflection, no configuration system, no background thread: safe for NativeAOT and trimming. Exceptions are shown by
/// their message only, never with a stack trace.
/// </summary>
internal sealed class CliLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _writer;
    private readonly Lock _lock = new();

    /// <summary>Creates a provider.</summary>
    /// <param name="writer">Where entries go (standard error).</param>
    /// <param name="minimumLevel">The lowest level written.</param>
    public CliLoggerProvider(TextWriter writer, LogLevel minimumLevel)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        MinimumLevel = minimumLevel;
    }

    /// <summary>The lowest level written.</summary>
    public LogLevel MinimumLevel { get; }

    /// <summary>The accepted <c>--log-level</c> values, for help and errors.</summary>
    public const string LevelNames = "error, warning, info, debug, trace";

    /// <summary>The level used without <c>--log-level</c>: errors only, so that a failure stays one line on standard error.</summary>
    public const LogLevel DefaultLevel = LogLevel.Error;

    /// <summary>Parses a <c>--log-level</c> value.</summary>
    /// <param name="command">The command (for the error message), or empty for protogen's own option.</param>
    /// <param name="value">The value, or null for the default.</param>
    /// <exception cref="CliException">An unknown level (exit code 2).</exception>
    public static LogLevel ParseLevel(string command, string? value) => value switch
    {
        null => DefaultLevel,
        "error" => LogLevel.Error,
        "warning" or "warn" => LogLevel.Warning,
        "info" or "information" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        _ => throw CliException.Usage($"{(command.Length > 0 ? command + ": " : string.Empty)}unknown log level '{ArgumentParser.Shorten(value)}' ({LevelNames})"),
    };

    /// <summary>Creates a logger for <paramref name="categoryName"/>.</summary>
    /// <param name="categoryName">Shown before each message.</param>
    public ILogger CreateLogger(string categoryName) => new CliLogger(this, categoryName);

    /// <inheritdoc/>
    public void Dispose() => Flush();

    /// <summary>Flushes the writer.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            _writer.Flush();
        }
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        string name = level switch
        {
            LogLevel.Trace => "trace",
            LogLevel.Debug => "debug",
            LogLevel.Information => "info ",
            LogLevel.Warning => "warn ",
            LogLevel.Error => "error",
            _ => "crit ",
        };
        string time = DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        string line = exception is null
            ? $"{time} {name} {category}: {message}"
            : $"{time} {name} {category}: {message}: {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}";
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    private sealed class CliLogger(CliLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            ArgumentNullException.ThrowIfNull(formatter);
            provider.Write(logLevel, category, formatter(state, exception), exception);
        }
    }
}
