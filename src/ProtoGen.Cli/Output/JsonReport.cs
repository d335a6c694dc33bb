using System.Globalization;
using System.Text.Json;
using ProtoGen.Cli.Decoding;

namespace ProtoGen.Cli.Output;

/// <summary>Writes a <see cref="DecodeReport"/> as JSON (schema in docs/cli.md).</summary>
internal static class JsonReport
{
    /// <summary>Writes <paramref name="report"/>.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="report">The report.</param>
    public static void Write(JsonTextOutput output, DecodeReport report)
    {
        var json = output.Writer;
        json.WriteStartObject();
        json.WriteString("source", report.Source);
        json.WriteString("kind", KindName(report.Kind));
        json.WriteNumber("inputBytes", report.InputBytes);
        json.WriteString("inputEncoding", report.FromHexText ? "hex" : "binary");
        if (report.Network is { } network)
        {
            json.WriteString("network", network.Name);
            json.WriteString("magic", network.MagicHex);
        }

        switch (report.Kind)
        {
            case InputKind.BlockFile:
            case InputKind.Block:
                json.WriteStartArray("blocks");
                foreach (var block in report.Blocks)
                {
                    WriteBlock(json, block);
                    output.FlushIfLarge();
                }

                json.WriteEndArray();
                WriteTotal(json, report);
                break;
            case InputKind.Transaction:
                json.WritePropertyName("transaction");
                WriteTransaction(json, report.Transaction!);
                break;
            case InputKind.Messages:
                json.WriteStartArray("messages");
                foreach (var message in report.Messages)
                {
                    WriteMessage(json, message);
                    output.FlushIfLarge();
                }

                json.WriteEndArray();
                break;
        }

        json.WriteEndObject();
    }

    /// <summary>The kind's name in JSON and text output.</summary>
    /// <param name="kind">The kind.</param>
    public static string KindName(InputKind kind) => kind switch
    {
        InputKind.BlockFile => "blk-file",
        InputKind.Messages => "messages",
        InputKind.Block => "block",
        _ => "transaction",
    };

    /// <summary>The witness commitment state's name in JSON and text output.</summary>
    /// <param name="status">The state.</param>
    public static string WitnessName(WitnessCommitmentStatus status) => status switch
    {
        WitnessCommitmentStatus.Valid => "valid",
        WitnessCommitmentStatus.Invalid => "invalid",
        _ => "none",
    };

    private static void WriteTotal(Utf8JsonWriter json, DecodeReport report)
    {
        json.WriteStartObject("total");
        json.WriteNumber("blocks", report.Blocks.Count);
        json.WriteNumber("transactions", report.TotalTransactions);
        json.WriteNumber("blockBytes", report.TotalBlockBytes);
        json.WriteNumber("invalidMerkleRoots", report.InvalidMerkleRoots);
        json.WriteBoolean("allMerkleRootsValid", report.InvalidMerkleRoots == 0);
        if (report.Blocks.Count > 0)
        {
            json.WriteString("tip", report.Blocks[^1].Hash.ToString());
        }

        json.WriteEndObject();
    }

    private static void WriteBlock(Utf8JsonWriter json, BlockSummary block)
    {
        json.WriteStartObject();
        json.WriteNumber("index", block.Index);
        json.WriteString("hash", block.Hash.ToString());
        json.WriteString("previousBlock", block.Header.PreviousBlock.ToString());
        json.WriteString("merkleRoot", block.Header.MerkleRoot.ToString());
        json.WriteBoolean("merkleRootValid", block.MerkleRootValid);
        json.WriteString("witnessCommitment", WitnessName(block.WitnessCommitment));
        json.WriteNumber("version", block.Header.Version);
        json.WriteNumber("time", block.Header.Timestamp);
        json.WriteString("bits", block.Header.Bits.ToString("x8", CultureInfo.InvariantCulture));
        json.WriteNumber("nonce", block.Header.Nonce);
        json.WriteBoolean("proofOfWorkValid", block.ProofOfWorkValid);
        json.WriteNumber("transactionCount", block.TransactionCount);
        json.WriteNumber("size", block.Size);
        json.WriteNumber("strippedSize", block.StrippedSize);
        json.WriteNumber("weight", block.Weight);
        if (block.Transactions is { } transactions)
        {
            json.WriteStartArray("transactions");
            foreach (var transaction in transactions)
            {
                WriteTransaction(json, transaction);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteTransaction(Utf8JsonWriter json, TransactionSummary transaction)
    {
        json.WriteStartObject();
        json.WriteString("txid", transaction.TxId.ToString());
        json.WriteString("wtxid", transaction.WitnessTxId.ToString());
        json.WriteNumber("version", transaction.Version);
        json.WriteNumber("size", transaction.Size);
        json.WriteNumber("strippedSize", transaction.StrippedSize);
        json.WriteNumber("vsize", transaction.VirtualSize);
        json.WriteNumber("weight", transaction.Weight);
        json.WriteNumber("inputs", transaction.Inputs);
        json.WriteNumber("outputs", transaction.Outputs);
        json.WriteNumber("outputValue", transaction.OutputValue);
        json.WriteNumber("lockTime", transaction.LockTime);
        json.WriteBoolean("segwit", transaction.HasWitness);
        json.WriteBoolean("coinbase", transaction.IsCoinbase);
        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, MessageSummary message)
    {
        json.WriteStartObject();
        json.WriteNumber("offset", message.Offset);
        json.WriteString("command", message.Command);
        json.WriteNumber("payloadSize", message.PayloadSize);
        json.WriteString("checksum", message.Checksum);
        json.WriteBoolean("known", message.Known);
        if (message.TypeName is { } typeName)
        {
            json.WriteString("type", typeName);
        }

        json.WriteString("summary", message.Description);
        if (message.Block is { } block)
        {
            json.WritePropertyName("block");
            WriteBlock(json, block);
        }

        if (message.Transaction is { } transaction)
        {
            json.WritePropertyName("transaction");
            WriteTransaction(json, transaction);
        }

        json.WriteEndObject();
    }
}
