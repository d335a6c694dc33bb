using System;
using System.Globalization;
using System.IO;
using ProtoGen.Cli.Decoding;

namespace ProtoGen.Cli.Output;

/// <summary>Writes a <see cref="DecodeReport"/> as text for people (format in docs/cli.md).</summary>
internal static class TextReport
{
    private const int LabelWidth = 20;

    /// <summary>Writes <paramref name="report"/>.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="report">The report.</param>
    public static void Write(TextWriter output, DecodeReport report)
    {
        switch (report.Kind)
        {
            case InputKind.BlockFile:
                WriteBlockFile(output, report);
                break;
            case InputKind.Block:
                output.WriteLine(Invariant($"{report.Source}: block, {InputSize(report)}"));
                WriteBlockDetails(output, report.Blocks[0], "  ");
                break;
            case InputKind.Transaction:
                output.WriteLine(Invariant($"{report.Source}: transaction, {InputSize(report)}"));
                WriteTransactionDetails(output, report.Transaction!, "  ");
                break;
            case InputKind.Messages:
                WriteMessages(output, report);
                break;
        }
    }

    /// <summary>The one-line total of a blk file: blocks, transactions, bytes, merkle roots and tip.</summary>
    /// <param name="report">The report.</param>
    public static string TotalLine(DecodeReport report)
    {
        int invalid = report.InvalidMerkleRoots;
        string merkle = invalid == 0 ? "all merkle roots valid" : Invariant($"{invalid} of {report.Blocks.Count} merkle roots INVALID");
        string tip = report.Blocks.Count > 0 ? report.Blocks[^1].Hash.ToString() : "none";
        return Invariant($"total: {report.Blocks.Count} blocks, {report.TotalTransactions} transactions, {report.TotalBlockBytes} bytes, {merkle}, tip {tip}");
    }

    // "1245250 bytes", or for hex text "1245250 bytes from hex text" (the bytes it spells).
    private static string InputSize(DecodeReport report) =>
        Invariant($"{report.InputBytes} bytes{(report.FromHexText ? " from hex text" : string.Empty)}");

    private static void WriteBlockFile(TextWriter output, DecodeReport report)
    {
        var network = report.Network!;
        output.WriteLine(Invariant($"{report.Source}: blk file, {report.Blocks.Count} blocks, {network.Name} magic {network.MagicHex}, {InputSize(report)}"));
        int width = report.Blocks.Count.ToString(CultureInfo.InvariantCulture).Length + 1;
        foreach (var block in report.Blocks)
        {
            string line = Invariant($"{("#" + block.Index.ToString(CultureInfo.InvariantCulture)).PadRight(width)}  {block.Hash}  txs {block.TransactionCount}  size {block.Size}  weight {block.Weight}  merkle root {Check(block.MerkleRootValid)}");
            if (block.WitnessCommitment != WitnessCommitmentStatus.None)
            {
                line += "  witness commitment " + Check(block.WitnessCommitment == WitnessCommitmentStatus.Valid);
            }

            if (!block.ProofOfWorkValid)
            {
                line += "  proof of work INVALID";
            }

            output.WriteLine(line);
            WriteTransactionLines(output, block, "    ");
        }

        output.WriteLine(TotalLine(report));
    }

    private static void WriteMessages(TextWriter output, DecodeReport report)
    {
        var network = report.Network!;
        output.WriteLine(Invariant($"{report.Source}: {report.Messages.Count} P2P message(s), {network.Name} magic {network.MagicHex}, {InputSize(report)}"));
        foreach (var message in report.Messages)
        {
            string known = message.Known ? string.Empty : ", unknown command";
            output.WriteLine(Invariant($"message '{message.Command}' at offset {message.Offset}: payload {message.PayloadSize} bytes, checksum {message.Checksum} ok{known}"));
            if (message.Block is { } block)
            {
                WriteBlockDetails(output, block, "  ");
            }
            else if (message.Transaction is { } transaction)
            {
                WriteTransactionDetails(output, transaction, "  ");
            }
            else
            {
                output.WriteLine("  " + message.Description);
            }
        }
    }

    private static void WriteBlockDetails(TextWriter output, BlockSummary block, string indent)
    {
        var header = block.Header;
        Field(output, indent, "hash", block.Hash.ToString());
        Field(output, indent, "previous block", header.PreviousBlock.ToString());
        Field(output, indent, "merkle root", Invariant($"{header.MerkleRoot} {Check(block.MerkleRootValid)}"));
        Field(output, indent, "time", Invariant($"{DateTimeOffset.FromUnixTimeSeconds(header.Timestamp).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC ({header.Timestamp})"));
        Field(output, indent, "version", Invariant($"0x{header.Version:x8}"));
        Field(output, indent, "bits", Invariant($"0x{header.Bits:x8}"));
        Field(output, indent, "nonce", Invariant($"{header.Nonce}"));
        Field(output, indent, "proof of work", Check(block.ProofOfWorkValid));
        Field(output, indent, "transactions", Invariant($"{block.TransactionCount}"));
        Field(output, indent, "size", Invariant($"{block.Size}"));
        Field(output, indent, "stripped size", Invariant($"{block.StrippedSize}"));
        Field(output, indent, "weight", Invariant($"{block.Weight}"));
        Field(output, indent, "witness commitment", block.WitnessCommitment switch
        {
            WitnessCommitmentStatus.Valid => "ok",
            WitnessCommitmentStatus.Invalid => "INVALID",
            _ => "none",
        });
        WriteTransactionLines(output, block, indent + "  ");
    }

    private static void WriteTransactionLines(TextWriter output, BlockSummary block, string indent)
    {
        if (block.Transactions is not { } transactions)
        {
            return;
        }

        for (int i = 0; i < transactions.Count; i++)
        {
            var t = transactions[i];
            string flags = (t.IsCoinbase ? "  coinbase" : string.Empty) + (t.HasWitness ? "  segwit" : string.Empty);
            output.WriteLine(Invariant($"{indent}tx {i}  {t.TxId}  size {t.Size}  vsize {t.VirtualSize}  inputs {t.Inputs}  outputs {t.Outputs}{flags}"));
        }
    }

    private static void WriteTransactionDetails(TextWriter output, TransactionSummary transaction, string indent)
    {
        Field(output, indent, "txid", transaction.TxId.ToString());
        Field(output, indent, "wtxid", transaction.WitnessTxId.ToString());
        Field(output, indent, "version", Invariant($"{transaction.Version}"));
        Field(output, indent, "size", Invariant($"{transaction.Size}"));
        Field(output, indent, "stripped size", Invariant($"{transaction.StrippedSize}"));
        Field(output, indent, "vsize", Invariant($"{transaction.VirtualSize}"));
        Field(output, indent, "weight", Invariant($"{transaction.Weight}"));
        Field(output, indent, "inputs", Invariant($"{transaction.Inputs}"));
        Field(output, indent, "outputs", Invariant($"{transaction.Outputs}"));
        Field(output, indent, "output value", (transaction.OutputValue / 100_000_000m).ToString("0.00000000", CultureInfo.InvariantCulture) + " BTC");
        Field(output, indent, "lock time", Invariant($"{transaction.LockTime}"));
        Field(output, indent, "segwit", transaction.HasWitness ? "yes" : "no");
        Field(output, indent, "coinbase", transaction.IsCoinbase ? "yes" : "no");
    }

    private static void Field(TextWriter output, string indent, string label, string value) =>
        output.WriteLine(indent + label.PadRight(LabelWidth) + value);

    private static string Check(bool ok) => ok ? "ok" : "INVALID";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
