using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ProtoGen.Peers.Tests.Support;

/// <summary>One captured log entry.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, object?>> State);

/// <summary>An <see cref="ILogger"/> that keeps every entry at or above a level.</summary>
internal sealed class LogCapture(LogLevel minimum = LogLevel.Trace) : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), [.. fields]));
    }

    public object? Field(LogEntry entry, string name) => entry.State.FirstOrDefault(kv => kv.Key == name).Value;
}
