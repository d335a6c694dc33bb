using System;
using System.Globalization;
using System.Text;

namespace ProtoGen.Bitcoin;

/// <summary>
/// The one-line description of a decoded P2P message: its key fields (a version's protocol, services, agent and height;
/// a ping's nonce; an inventory's count and first items; a block's hash and transaction count). The only describer:
/// the peer's debug log lines and <c>protogen decode</c> both use it, so they print a message the same way.
/// Type patterns only, no reflection: a message without a dedicated description shows its record's members.
/// </summary>
public static class MessageDescriber
{
    /// <summary>The longest description; longer ones (a record's printout of a big filter) are cut to this many characters.</summary>
    public const int MaxLength = 240;

    private const int MaxItemsShown = 3;

    /// <summary>Describes <paramref name="message"/> in one line of at most <see cref="MaxLength"/> characters.</summary>
    /// <param name="message">The decoded message.</param>
    /// <returns>For example <c>nonce 0x0000000000000004</c> for a ping.</returns>
    public static string Describe(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string text = message switch
        {
            VersionMessage v => Invariant($"version {v.Version}, services {FormatServices(v.Services)}, user agent \"{v.UserAgent ?? string.Empty}\", start height {(v.StartHeight is { } h ? h.ToString(CultureInfo.InvariantCulture) : "-")}, relay {(v.Relay is { } r ? (r ? "yes" : "no") : "-")}, receiver {v.ReceiverAddress}"),
            Block b => Invariant($"block {b.GetHash()}, {b.Transactions.Count} transaction(s)"),
            Transaction t => Invariant($"transaction {t.GetTxId()}, {t.Inputs.Count} input(s), {t.Outputs.Count} output(s)"),
            InvMessage m => Inventory(m.Inventory),
            GetDataMessage m => Inventory(m.Inventory),
            NotFoundMessage m => Inventory(m.Inventory),
            HeadersMessage m => Headers(m),
            GetHeadersMessage m => Invariant($"version {m.Version}, {m.Locator.Count} locator hash(es), stop {m.HashStop}"),
            GetBlocksMessage m => Invariant($"version {m.Version}, {m.Locator.Count} locator hash(es), stop {m.HashStop}"),
            AddrMessage m => Invariant($"{m.Addresses.Count} address(es)"),
            AddrV2Message m => Invariant($"{m.Addresses.Count} address(es)"),
            PingMessage m => Invariant($"nonce 0x{m.Nonce:x16}"),
            PongMessage m => Invariant($"nonce 0x{m.Nonce:x16}"),
            FeeFilterMessage m => Invariant($"fee rate {m.FeeRate} sat/kvB"),
            SendCmpctMessage m => Invariant($"high bandwidth {(m.HighBandwidth ? "yes" : "no")}, version {m.Version}"),
            CmpctBlockMessage m => Invariant($"block {m.Header.GetHash()}, {m.ShortIds.Count} short id(s), {m.PrefilledTransactions.Count} prefilled transaction(s)"),
            BlockTxnMessage m => Invariant($"block {m.BlockHash}, {m.Transactions.Count} transaction(s)"),
            GetBlockTxnMessage m => Invariant($"block {m.BlockHash}, {m.Indexes.Count} index(es)"),
            MerkleBlockMessage m => Invariant($"block {m.Header.GetHash()}, {m.TransactionCount} transaction(s), {m.Hashes.Count} hash(es)"),
            FilterLoadMessage m => Invariant($"filter {m.Filter.Length} byte(s), {m.HashFunctions} hash function(s), tweak {m.Tweak}, flags {m.Flags}"),
            FilterAddMessage m => Invariant($"data {m.Data.Length} byte(s)"),
            FeatureMessage m => Invariant($"id {FeatureId(m.FeatureId.Span)}, data {m.Data.Length} byte(s)"),
            _ => Generic(message),
        };

        return Clip(text);
    }

    /// <summary>A BIP434 feature id as text when it is printable ASCII, as hex otherwise (the BIP only recommends ASCII).</summary>
    private static string FeatureId(ReadOnlySpan<byte> id) => id.ContainsAnyExceptInRange((byte)' ', (byte)'~')
        ? "0x" + Convert.ToHexStringLower(id)
        : Encoding.ASCII.GetString(id);

    private static string Inventory(WireArray<InventoryVector> inventory)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{inventory.Count} item(s)");
        var items = inventory.AsSpan();
        for (int i = 0; i < items.Length && i < MaxItemsShown; i++)
        {
            text.Append(i == 0 ? ": " : ", ").Append(items[i].ToString());
        }

        if (items.Length > MaxItemsShown)
        {
            text.Append(", ...");
        }

        return text.ToString();
    }

    private static string Headers(HeadersMessage message)
    {
        var headers = message.Headers.AsSpan();
        return headers.Length == 0
            ? "0 headers"
            : Invariant($"{headers.Length} header(s), first {headers[0].GetHash()}, last {headers[^1].GetHash()}");
    }

    // A record's compiler-generated ToString (PrintMembers): no reflection, safe under NativeAOT.
    private static string Generic(IMessage message)
    {
        string text = message.ToString() ?? string.Empty;
        int brace = text.IndexOf('{', StringComparison.Ordinal);
        if (brace < 0)
        {
            return "no fields";
        }

        string members = text.Substring(brace + 1).TrimEnd('}').Trim();
        return members.Length == 0 ? "no fields" : members;
    }

    private static string FormatServices(ServiceFlags services) => Invariant($"0x{(ulong)services:x} ({services})");

    private static string Clip(string text)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength - 3), "...");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
