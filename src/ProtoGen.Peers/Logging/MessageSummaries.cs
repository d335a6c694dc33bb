using System;
using System.Globalization;
using System.Text;
using ProtoGen.Bitcoin;

namespace ProtoGen.Peers.Logging;

/// <summary>One-line summaries of messages for debug logs: the key fields (inventory counts by type, heights, hashes).</summary>
public static class MessageSummaries
{
    /// <summary>Summarises <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public static string Describe(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var c = CultureInfo.InvariantCulture;
        return message switch
        {
            VersionMessage v => string.Format(c, "agent {0}, protocol {1}, services {2}, height {3}, relay {4}", v.UserAgent ?? "(none)", v.Version, v.Services, v.StartHeight ?? 0, v.Relay ?? true),
            PingMessage p => string.Format(c, "nonce {0}", p.Nonce),
            PongMessage p => string.Format(c, "nonce {0}", p.Nonce),
            InvMessage i => DescribeInventory(i.Inventory),
            GetDataMessage g => DescribeInventory(g.Inventory),
            NotFoundMessage n => DescribeInventory(n.Inventory),
            GetHeadersMessage g => DescribeLocator(g.Locator, g.HashStop),
            GetBlocksMessage g => DescribeLocator(g.Locator, g.HashStop),
            HeadersMessage h => h.Headers.IsEmpty
                ? "0 headers"
                : string.Format(c, "{0} headers, {1} .. {2}", h.Headers.Count, h.Headers[0].GetHash(), h.Headers[h.Headers.Count - 1].GetHash()),
            Block b => string.Format(c, "hash {0}, {1} transactions", b.GetHash(), b.Transactions.Count),
            Transaction t => string.Format(c, "txid {0}, {1} inputs, {2} outputs", t.GetTxId(), t.Inputs.Count, t.Outputs.Count),
            AddrMessage a => string.Format(c, "{0} addresses", a.Addresses.Count),
            AddrV2Message a => string.Format(c, "{0} addresses", a.Addresses.Count),
            FeeFilterMessage f => string.Format(c, "fee rate {0} sat/kvB", f.FeeRate),
            SendCmpctMessage s => string.Format(c, "high bandwidth {0}, version {1}", s.HighBandwidth, s.Version),
            FilterLoadMessage f => string.Format(c, "{0} bytes, {1} hash functions, flags {2}", f.Filter.Length, f.HashFunctions, f.Flags),
            FilterAddMessage f => string.Format(c, "{0} bytes", f.Data.Length),
            MerkleBlockMessage m => string.Format(c, "block {0}, {1} transactions, {2} hashes", m.Header.GetHash(), m.TransactionCount, m.Hashes.Count),
            CmpctBlockMessage m => string.Format(c, "block {0}, {1} short ids, {2} prefilled", m.Header.GetHash(), m.ShortIds.Count, m.PrefilledTransactions.Count),
            GetBlockTxnMessage m => string.Format(c, "block {0}, {1} indexes", m.BlockHash, m.Indexes.Count),
            BlockTxnMessage m => string.Format(c, "block {0}, {1} transactions", m.BlockHash, m.Transactions.Count),
            RejectMessage r => string.Format(c, "{0} {1} '{2}'{3}", r.RejectedCommand, r.Code, r.Reason, r.Hash is { } h ? " " + h : string.Empty),
            CFilterMessage f => string.Format(c, "type {0}, block {1}, {2} bytes", f.FilterType, f.BlockHash, f.Filter.Length),
            CFHeadersMessage f => string.Format(c, "type {0}, stop {1}, {2} hashes", f.FilterType, f.StopHash, f.FilterHashes.Count),
            CFCheckptMessage f => string.Format(c, "type {0}, stop {1}, {2} headers", f.FilterType, f.StopHash, f.FilterHeaders.Count),
            GetCFiltersMessage f => string.Format(c, "type {0}, from height {1}, stop {2}", f.FilterType, f.StartHeight, f.StopHash),
            GetCFHeadersMessage f => string.Format(c, "type {0}, from height {1}, stop {2}", f.FilterType, f.StartHeight, f.StopHash),
            GetCFCheckptMessage f => string.Format(c, "type {0}, stop {1}", f.FilterType, f.StopHash),
            SendTxRcnclMessage s => string.Format(c, "version {0}", s.Version),
            _ => string.Empty,
        };
    }

    private static string DescribeInventory(WireArray<InventoryVector> inventory)
    {
        if (inventory.IsEmpty)
        {
            return "0 items";
        }

        int tx = 0, wtx = 0, block = 0, filtered = 0, compact = 0, other = 0;
        foreach (var item in inventory.AsSpan())
        {
            switch (item.Type)
            {
                case InventoryType.Tx or InventoryType.WitnessTx:
                    tx++;
                    break;
                case InventoryType.Wtx:
                    wtx++;
                    break;
                case InventoryType.Block or InventoryType.WitnessBlock:
                    block++;
                    break;
                case InventoryType.FilteredBlock or InventoryType.FilteredWitnessBlock:
                    filtered++;
                    break;
                case InventoryType.CompactBlock:
                    compact++;
                    break;
                default:
                    other++;
                    break;
            }
        }

        var text = new StringBuilder();
        Append(text, tx, "tx");
        Append(text, wtx, "wtx");
        Append(text, block, "block");
        Append(text, filtered, "filtered block");
        Append(text, compact, "compact block");
        Append(text, other, "other");
        text.Append(", first ").Append(inventory[0].Hash.ToString());
        return text.ToString();
    }

    private static void Append(StringBuilder text, int count, string name)
    {
        if (count == 0)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append(", ");
        }

        text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(name);
    }

    private static string DescribeLocator(WireArray<Hash256> locator, Hash256 stop) =>
        string.Format(CultureInfo.InvariantCulture, "locator {0} hashes from {1}, stop {2}", locator.Count, locator.IsEmpty ? "(none)" : locator[0].ToString(), stop);
}
