using System;
using System.Runtime.CompilerServices;
using System.Threading;
using ProtoGen.Bitcoin;
using ProtoGen.Node.Limits;
using ProtoGen.Node.Metrics;
using ProtoGen.Peers;

namespace ProtoGen.Node.Addresses;

/// <summary>
/// Bitcoin Core's address handling, as a listener to compose with others: addr and addrv2 feed an
/// <see cref="AddressBook"/> through a token bucket per peer (0.1 address per second, capped at 1,000, starting at 1;
/// 1,000 more after we ask with getaddr), addresses beyond it dropped and counted, so what a peer floods never reaches
/// the book and is never handed back; an inbound peer's first getaddr is answered from the book (at most 1,000 and at
/// most 23% of it, nothing it gave us itself), later ones and outbound peers' are ignored. Only addresses of full or
/// pruned nodes (NODE_NETWORK or NODE_NETWORK_LIMITED) are kept. Thread-safe; per-peer state is forgotten with the peer.
/// </summary>
public sealed class AddressRelay : IBitcoinListener<Peer>
{
    /// <summary>Addresses per second a peer may send us on average (Bitcoin Core <c>MAX_ADDR_RATE_PER_SECOND</c>).</summary>
    public const double MaxAddrRatePerSecond = 0.1;

    /// <summary>The most tokens the per-peer bucket refills to (Bitcoin Core <c>MAX_ADDR_PROCESSING_TOKEN_BUCKET</c>, equal to <c>MAX_ADDR_TO_SEND</c>).</summary>
    public const int MaxAddrProcessingTokenBucket = ProtocolLimits.MaxAddresses;

    /// <summary>The tokens a peer starts with (Bitcoin Core's <c>m_addr_token_bucket</c>: 1, for a self-announcement).</summary>
    public const double InitialAddrTokens = 1.0;

    /// <summary>The most of the address book sent in answer to getaddr, in percent (Bitcoin Core <c>MAX_PCT_ADDR_TO_SEND</c>).</summary>
    public const int MaxPercentAddrToSend = 23;

    /// <summary>A timestamp further in the future than this is replaced (Bitcoin Core: 10 minutes).</summary>
    public static readonly TimeSpan MaxTimestampAhead = TimeSpan.FromMinutes(10);

    /// <summary>The age given to an address with an implausible timestamp (Bitcoin Core: 5 days).</summary>
    public static readonly TimeSpan ImplausibleTimestampAge = TimeSpan.FromDays(5);

    /// <summary>Timestamps at or before this (1973) are implausible (Bitcoin Core: <c>100000000</c>).</summary>
    public const uint MinPlausibleTimestamp = 100_000_000;

    private readonly ConditionalWeakTable<Peer, PeerState> _states = new();
    private long _received;
    private long _accepted;
    private long _rateLimited;
    private long _ignored;
    private long _getAddrAnswered;
    private long _getAddrIgnored;
    private long _addressesSent;

    /// <summary>Creates a relay feeding and answering from <paramref name="book"/>.</summary>
    /// <param name="book">The address book.</param>
    public AddressRelay(AddressBook book)
    {
        ArgumentNullException.ThrowIfNull(book);
        Book = book;
    }

    /// <summary>The address book.</summary>
    public AddressBook Book { get; }

    /// <summary>A snapshot of the counters.</summary>
    public AddressRelayStats GetStats() => new()
    {
        Received = Interlocked.Read(ref _received),
        Accepted = Interlocked.Read(ref _accepted),
        RateLimited = Interlocked.Read(ref _rateLimited),
        Ignored = Interlocked.Read(ref _ignored),
        GetAddrAnswered = Interlocked.Read(ref _getAddrAnswered),
        GetAddrIgnored = Interlocked.Read(ref _getAddrIgnored),
        AddressesSent = Interlocked.Read(ref _addressesSent),
    };

    /// <summary>The tokens <paramref name="peer"/>'s bucket holds now (how many addresses it may still send).</summary>
    /// <param name="peer">The peer.</param>
    public double Tokens(Peer peer)
    {
        var state = State(peer);
        lock (state.Lock)
        {
            return state.Bucket.Tokens;
        }
    }

    /// <summary>
    /// Sends getaddr to <paramref name="peer"/> and lets it answer with up to 1,000 addresses beyond its rate (Bitcoin
    /// Core does this once, for outbound peers). Returns whether the message was queued.
    /// </summary>
    /// <param name="peer">The peer.</param>
    public bool RequestAddresses(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!peer.QueueMessage(new GetAddrMessage()))
        {
            return false;
        }

        var state = State(peer);
        lock (state.Lock)
        {
            state.Bucket.Credit(ProtocolLimits.MaxAddresses);
        }

        return true;
    }

    /// <inheritdoc/>
    public void OnAddr(Peer peer, AddrMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        Receive(peer, message.Addresses.AsSpan(), static entry => FromV1(entry));
    }

    /// <inheritdoc/>
    public void OnAddrV2(Peer peer, AddrV2Message message)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(message);
        Receive(peer, message.Addresses.AsSpan(), static entry => entry);
    }

    /// <summary>
    /// Takes the addresses of one addr or addrv2 message through the peer's rate limit into the book, counting what
    /// was kept, rate-limited and ignored.
    /// </summary>
    private void Receive<TEntry>(Peer peer, ReadOnlySpan<TEntry> entries, Func<TEntry, NetworkAddressV2> toV2)
    {
        var state = State(peer);
        long now = peer.Config.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        long taken = 0, limited = 0, ignored = 0;
        lock (state.Lock)
        {
            // From a random place, as Core shuffles: a flooder cannot choose which of its addresses get through.
            int start = entries.Length == 0 ? 0 : Random.Shared.Next(entries.Length);
            for (int n = 0; n < entries.Length; n++)
            {
                var entry = entries[(start + n) % entries.Length];
                if (!state.Bucket.TryTake())
                {
                    limited++;
                    continue;
                }

                if (Keep(toV2(entry), peer.Id, now))
                {
                    taken++;
                }
                else
                {
                    ignored++;
                }
            }
        }

        Count(entries.Length, taken, limited, ignored);
    }

    /// <inheritdoc/>
    public void OnGetAddr(Peer peer, GetAddrMessage message)
    {
        ArgumentNullException.ThrowIfNull(peer);

        // Core answers inbound peers only (a node behind NAT cannot be fingerprinted through its address book), once.
        var state = State(peer);
        bool first;
        lock (state.Lock)
        {
            first = !state.GetAddrAnswered;
            state.GetAddrAnswered = true;
        }

        if (!peer.IsInbound || !first)
        {
            Interlocked.Increment(ref _getAddrIgnored);
            return;
        }

        var addresses = Book.GetAddresses(ProtocolLimits.MaxAddresses, MaxPercentAddrToSend, exclude: peer.Id);
        Interlocked.Increment(ref _getAddrAnswered);
        if (addresses.Count > 0)
        {
            Interlocked.Add(ref _addressesSent, peer.PushAddr(addresses).Count);
        }
    }

    /// <summary>A v1 addr entry as an addrv2 one: an IPv4-mapped address becomes IPv4.</summary>
    private static NetworkAddressV2 FromV1(TimestampedNetworkAddress entry)
    {
        var bytes = entry.Address.Address.Span;
        bool mapped = bytes.Length == 16 && bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xFF && bytes[11] == 0xFF;
        var address = mapped
            ? new AddrV2Address(AddressNetwork.IPv4, bytes[12..].ToArray())
            : new AddrV2Address(AddressNetwork.IPv6, entry.Address.Address);
        return new NetworkAddressV2 { Timestamp = entry.Timestamp, Services = entry.Address.Services, Address = address, Port = entry.Address.Port };
    }

    private PeerState State(Peer peer) => _states.GetValue(peer, static p => new PeerState(p.Config.TimeProvider));

    private bool Keep(NetworkAddressV2 entry, long source, long now)
    {
        // Core keeps only nodes that serve blocks (full or pruned): MayHaveUsefulAddressDB.
        if ((entry.Services & (ServiceFlags.Network | ServiceFlags.NetworkLimited)) == 0)
        {
            return false;
        }

        if (entry.Timestamp <= MinPlausibleTimestamp || entry.Timestamp > now + (long)MaxTimestampAhead.TotalSeconds)
        {
            entry = entry with { Timestamp = (uint)(now - (long)ImplausibleTimestampAge.TotalSeconds) };
        }

        return Book.Add(entry, source);
    }

    private void Count(long received, long taken, long limited, long ignored)
    {
        Interlocked.Add(ref _received, received);
        Interlocked.Add(ref _accepted, taken);
        Interlocked.Add(ref _rateLimited, limited);
        Interlocked.Add(ref _ignored, ignored);
        NodeMetrics.AddressesAccepted(taken);
        NodeMetrics.AddressesDropped(limited);
    }

    private sealed class PeerState
    {
        public PeerState(TimeProvider time) => Bucket = new TokenBucket(time, MaxAddrRatePerSecond, MaxAddrProcessingTokenBucket, InitialAddrTokens);

        public Lock Lock { get; } = new();

        public TokenBucket Bucket { get; }

        public bool GetAddrAnswered { get; set; }
    }
}

/// <summary>A snapshot of an <see cref="AddressRelay"/>'s counters since it was created.</summary>
public sealed record AddressRelayStats
{
    /// <summary>Addresses received in addr and addrv2 messages.</summary>
    public long Received { get; init; }

    /// <summary>Addresses taken within the rate limit and kept in the book.</summary>
    public long Accepted { get; init; }

    /// <summary>Addresses dropped by the per-peer rate limit (never kept, never handed back).</summary>
    public long RateLimited { get; init; }

    /// <summary>Addresses within the rate that the book does not keep (unroutable, not IPv4 or IPv6, no block-serving service).</summary>
    public long Ignored { get; init; }

    /// <summary>getaddr messages answered.</summary>
    public long GetAddrAnswered { get; init; }

    /// <summary>getaddr messages ignored (outbound peers, repeats).</summary>
    public long GetAddrIgnored { get; init; }

    /// <summary>Addresses sent in getaddr answers.</summary>
    public long AddressesSent { get; init; }
}
