using System;
using System.Collections.Generic;
using System.Net;
using Microsoft.Extensions.Logging;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Admission;
using ProtoGen.Peers;

namespace ProtoGen.Node;

/// <summary>
/// What a <see cref="BitcoinNode"/> runs: the peer configuration every peer starts from, the chain, where to listen,
/// whom to connect to, the inbound admission limits, and the application's listeners.
/// </summary>
/// <remarks>
/// What remote peers can make the node hold is bounded per peer (<see cref="PeerConfig.MaxSendBuffer"/>, one message
/// of at most 4,000,000 bytes being received) and over all its peers by <see cref="PeerConfig.Budget"/> (give the node
/// its own <see cref="PeerBudget"/> to size it; the default is the process-wide <see cref="PeerBudget.Shared"/>).
/// Inbound connections are admitted by <see cref="Admission"/>. docs/reliability.md says what each limit does.
/// </remarks>
public sealed record BitcoinNodeSettings
{
    /// <summary>
    /// The configuration every peer is made from (network, services, user agent, timeouts, queue limits, logger,
    /// clock). The node sets <see cref="PeerConfig.Listener"/> per peer: a listener given here runs after
    /// <see cref="Listeners"/>. <see cref="PeerConfig.StartHeight"/> defaults to the chain's height.
    /// </summary>
    public PeerConfig Peer { get; init; } = new();

    /// <summary>The chain to serve and extend; null starts from the genesis of the peer configuration's network.</summary>
    public ChainStore? Chain { get; init; }

    /// <summary>The address to accept inbound peers on (port 0: any free port); null accepts none.</summary>
    public IPEndPoint? Listen { get; init; }

    /// <summary>
    /// The inbound admission limits (most inbound peers, incomplete handshakes and handshake rates per source and
    /// overall, listen backlog, descriptor reserve); the defaults follow Bitcoin Core and btcd.
    /// </summary>
    public AdmissionOptions Admission { get; init; } = new();

    /// <summary>Outbound peers to keep connected (each reconnected after <see cref="ReconnectDelay"/> when it ends).</summary>
    public IReadOnlyList<DnsEndPoint> Connect { get; init; } = [];

    /// <summary>Whether to sync headers and blocks headers-first from every outbound peer, again whenever it announces a block.</summary>
    public bool Sync { get; init; } = true;

    /// <summary>The application's listeners, called in this order for every peer after the node's own (chain server, sync).</summary>
    public IReadOnlyList<IBitcoinListener<Peer>> Listeners { get; init; } = [];

    /// <summary>How long to wait before connecting again to an outbound address that failed or ended (default 5 s).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The node's own log (listening, connection failures, syncs, stopping); null logs nothing. Peers log to <see cref="PeerConfig.Logger"/>.</summary>
    public ILogger? Logger { get; init; }
}
