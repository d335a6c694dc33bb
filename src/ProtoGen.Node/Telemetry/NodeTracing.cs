using System.Diagnostics;

namespace ProtoGen.Node.Telemetry;

/// <summary>
/// The node's traces on the <see cref="ActivitySource"/> <c>ProtoGen.Node</c> (docs/observability.md): one
/// <c>bitcoin.sync</c> activity per <see cref="HeadersFirstSync.RunAsync"/>, with a <c>bitcoin.sync.headers</c> and a
/// <c>bitcoin.sync.blocks</c> child.
/// </summary>
public static class NodeTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "ProtoGen.Node";

    /// <summary>One headers-first sync from one peer.</summary>
    public const string SyncActivity = "bitcoin.sync";

    /// <summary>The headers phase of a sync.</summary>
    public const string SyncHeadersActivity = "bitcoin.sync.headers";

    /// <summary>The blocks phase of a sync.</summary>
    public const string SyncBlocksActivity = "bitcoin.sync.blocks";

    internal static readonly ActivitySource Source = new(SourceName, "0.1.0");
}
