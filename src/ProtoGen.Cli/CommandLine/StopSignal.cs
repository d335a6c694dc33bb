using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace ProtoGen.Cli.CommandLine;

/// <summary>
/// Turns SIGINT (Ctrl-C) and SIGTERM into a cancellation for the duration of a long-running command, together with the
/// context's own cancellation token. The first signal asks the command to stop cleanly; a second one while it is
/// stopping gets the default behaviour (the process ends at once).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration[] _registrations;
    private string? _reason;

    private StopSignal(CommandContext context)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        if (context.HandlesSignals)
        {
            _registrations =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            ];
        }
        else
        {
            _registrations = [];
        }
    }

    /// <summary>Cancelled when the command should stop.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether the command was asked to stop.</summary>
    public bool IsStopRequested => _source.IsCancellationRequested;

    /// <summary>What asked the command to stop: <c>SIGINT</c>, <c>SIGTERM</c> or <c>cancelled</c>.</summary>
    public string Reason => Volatile.Read(ref _reason) ?? "cancelled";

    /// <summary>Starts watching for a stop request.</summary>
    /// <param name="context">The command's context.</param>
    public static StopSignal Watch(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new StopSignal(context);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void OnSignal(PosixSignalContext signal)
    {
        if (_source.IsCancellationRequested)
        {
            // Already stopping: a second Ctrl-C ends the process the default way.
            signal.Cancel = false;
            return;
        }

        signal.Cancel = true;
        Interlocked.CompareExchange(ref _reason, signal.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM", null);
        _source.Cancel();
    }
}
