using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ProtoGen.Node.Telemetry;
using ProtoGen.Peers.Metrics;
using ProtoGen.Peers.Tracing;

namespace ProtoGen.Samples.HostedNode;

/// <summary>OpenTelemetry wiring: the application, not the library, chooses and references the exporter.</summary>
internal static class Telemetry
{
    /// <summary>
    /// Exports the ProtoGen meter and activity sources as <c>Telemetry:Exporter</c> says: <c>console</c>,
    /// <c>otlp</c> (the collector named by <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, default http://localhost:4317) or
    /// <c>none</c> (the /metrics endpoint still serves the metrics).
    /// </summary>
    public static void AddProtoGenTelemetry(this HostApplicationBuilder builder)
    {
        string exporter = builder.Configuration["Telemetry:Exporter"] ?? "none";
        if (exporter.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        bool console = exporter.Equals("console", StringComparison.OrdinalIgnoreCase);
        if (!console && !exporter.Equals("otlp", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Telemetry:Exporter: '{exporter}' is not none, console or otlp");
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("hosted-node"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PeerMetrics.MeterName);
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
                else
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(PeerTracing.SourceName, NodeTracing.SourceName);
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
                else
                {
                    tracing.AddOtlpExporter();
                }
            });
    }
}
