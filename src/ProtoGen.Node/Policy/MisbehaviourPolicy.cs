using System;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Limits;
using ProtoGen.Peers;

namespace ProtoGen.Node.Policy;

/// <summary>
/// Bitcoin Core's misbehaviour rules for headers and blocks, judged against a <see cref="ChainStore"/>, as a listener
/// to compose with others (e.g. in a <see cref="BitcoinListenerGroup{TPeer}"/>):
/// <list type="bullet">
/// <item>a header with invalid proof of work, in a headers message or a block, and a headers message whose headers do
/// not link one to the next, are misbehaviour: the peer is disconnected at once;</item>
/// <item>a block whose previous block we do not know (no sync using this store can have asked for it) and a block whose
/// transactions do not match its merkle root or witness commitment are misbehaviour too;</item>
/// <item>a headers message that does not connect to our chain is answered with a getheaders from our tip, at most one
/// every <see cref="MisbehaviourOptions.HeadersResponseTime"/> while unanswered (Core's <c>HandleUnconnectingHeaders</c>);
/// <see cref="MisbehaviourOptions.MaxUnconnectingHeadersMessages"/> of them in a row disconnect the peer without
/// discouraging it.</item>
/// </list>
/// Misbehaviour disconnects the peer and discourages its address (<see cref="DiscouragedAddresses"/>, which admission
/// consults), except that a local peer is disconnected but never discouraged, since that would discourage every local
/// peer (Core's <c>MaybeDiscourageAndDisconnect</c>). Thread-safe; per-peer state is forgotten with the peer.
/// </summary>
public sealed class MisbehaviourPolicy : IBitcoinListener<Peer>
{
    private readonly ChainStore _store;
    private readonly DiscouragedAddresses _discouraged;
    private readonly MisbehaviourOptions _options;
    private readonly ProofOfWork _proofOfWork;
    private readonly ConditionalWeakTable<Peer, HeadersState> _states = new();
    private readonly MisbehaviourCounters _counters = new();

    /// <summary>Creates a policy.</summary>
    /// <param name="store">The chain headers and blocks must connect to.</param>
    /// <param name="discouraged">Where misbehaving addresses go (share it with the node's <see cref="PeerServer"/>).</param>
    /// <param name="options">The options; null: the defaults.</param>
    public MisbehaviourPolicy(ChainStore store, DiscouragedAddresses discouraged, MisbehaviourOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(discouraged);
        _store = store;
        _discouraged = discouraged;
        _options = options ?? new MisbehaviourOptions();
        _proofOfWork = new ProofOfWork(store.Network);
    }

    /// <summary>The options.</summary>
    public MisbehaviourOptions Options => _options;

    /// <summary>A snapshot of the counters: disconnects by kind, addresses discouraged, getheaders sent.</summary>
    public MisbehaviourStats GetStats() => _counters.Snapshot();

    /// <summary>Unconnecting headers messages in a row from <paramref name="peer"/> so far.</summary>
    /// <param name="peer">The peer.</param>
    public int UnconnectingHeadersCount(Peer peer) => _states.TryGetValue(peer, out var state) ? state.Unconnecting : 0;

    /// <inheritdoc/>
    public void OnHeaders(Peer peer, HeadersMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        var state = _states.GetValue(peer, static _ => new HeadersState());
        var headers = message.Headers.AsSpan();
        if (headers.IsEmpty)
        {
            // No headers cannot be an announcement: take it as the answer to our getheaders.
            state.LastGetHeaders = null;
            return;
        }

        var previous = Hash256.Zero;
        for (int i = 0; i < headers.Length; i++)
        {
            var hash = headers[i].GetHash();
            if (!_proofOfWork.Check(headers[i], hash))
            {
                Punish(peer, MisbehaviourKind.InvalidProofOfWork, Invariant($"header {hash} ({i + 1} of {headers.Length}) with invalid proof of work"));
                return;
            }

            if (i > 0 && headers[i].PreviousBlock != previous)
            {
                Punish(peer, MisbehaviourKind.NonContinuousHeaders, Invariant($"non-continuous headers sequence: header {i + 1} of {headers.Length} does not follow the one before"));
                return;
            }

            previous = hash;
        }

        if (_store.GetHeight(headers[0].PreviousBlock) >= 0)
        {
            // Connecting headers answer any getheaders of ours and end a run of unconnecting ones.
            state.Unconnecting = 0;
            state.LastGetHeaders = null;
            return;
        }

        state.Unconnecting++;
        if (_options.MaxUnconnectingHeadersMessages is { } max && state.Unconnecting >= max)
        {
            Disconnect(peer, MisbehaviourKind.UnconnectingHeaders, Invariant($"{state.Unconnecting} headers messages in a row that do not connect to our chain (last: previous block {headers[0].PreviousBlock} unknown)"), discourage: false);
            return;
        }

        var now = peer.Config.TimeProvider.GetUtcNow();
        if (state.LastGetHeaders is { } sent && now - sent <= MisbehaviourOptions.HeadersResponseTime)
        {
            _counters.UnconnectingIgnored();
            return;
        }

        // Ask for the headers that would connect them (a BIP130 announcement from a peer ahead of us does this).
        state.LastGetHeaders = now;
        peer.QueueMessage(new GetHeadersMessage { Version = (uint)peer.Config.ProtocolVersion, Locator = new WireArray<Hash256>(_store.GetLocator().ToArray()), HashStop = Hash256.Zero });
        _counters.GetHeadersSent();
    }

    /// <inheritdoc/>
    public void OnBlock(Peer peer, Block message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        var hash = message.GetHash();
        if (!_proofOfWork.Check(message.Header, hash))
        {
            Punish(peer, MisbehaviourKind.InvalidProofOfWork, Invariant($"block {hash} with invalid proof of work"));
            return;
        }

        bool known = _store.GetHeight(hash) >= 0;
        if (!known && _store.GetHeight(message.Header.PreviousBlock) < 0)
        {
            Punish(peer, MisbehaviourKind.UnconnectedBlock, Invariant($"block {hash}: previous block {message.Header.PreviousBlock} not found"));
            return;
        }

        if (!message.CheckMerkleRoot() || !message.CheckWitnessCommitment())
        {
            Punish(peer, MisbehaviourKind.MutatedBlock, Invariant($"mutated block {hash} (merkle root or witness commitment mismatch)"));
            return;
        }

        if (!known)
        {
            _options.Activity?.BlockReceived(peer);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Core's <c>Misbehaving</c> then <c>MaybeDiscourageAndDisconnect</c>.</summary>
    private void Punish(Peer peer, MisbehaviourKind kind, string detail) => Disconnect(peer, kind, detail, _options.Discourage);

    private void Disconnect(Peer peer, MisbehaviourKind kind, string detail, bool discourage)
    {
        if (!peer.IsConnected)
        {
            return;
        }

        if (_options.IsExempt?.Invoke(peer) == true)
        {
            _counters.Exempted();
            return;
        }

        var address = peer.RemoteEndPoint is IPEndPoint ip ? AddressGroups.Normalize(ip.Address) : null;
        bool local = address is not null && AddressGroups.IsLocal(address);
        bool spared = discourage && local;
        discourage &= address is not null && !local;
        string outcome = spared ? "; local peer: disconnected, not discouraged" : discourage ? "; address discouraged" : string.Empty;

        // Disconnect first, so that the discouragement event finds this peer already leaving.
        peer.Disconnect(DisconnectKind.Misbehaving, detail + outcome);
        _counters.Disconnected(kind);
        if (discourage)
        {
            _discouraged.Discourage(address!);
            _counters.Discouraged();
        }
        else if (spared)
        {
            _counters.LocalNotDiscouraged();
        }
    }

    /// <summary>A peer's run of unconnecting headers and our outstanding getheaders (used by its read loop only).</summary>
    private sealed class HeadersState
    {
        public int Unconnecting;
        public DateTimeOffset? LastGetHeaders;
    }
}
