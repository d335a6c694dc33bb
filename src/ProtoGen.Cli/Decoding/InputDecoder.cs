using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;
using ProtoGen.Cli.CommandLine;

namespace ProtoGen.Cli.Decoding;

/// <summary>
/// Works out what an input is and decodes it: hex text is turned into its bytes first (see <see cref="InputEncoding"/>);
/// then blk-file records or framed P2P messages (both start with a network magic), else a raw block (which must consume
/// every byte and whose header's proof of work must check out), else a raw transaction (which must consume every byte).
/// Input that is none of these but starts like a compressed file is reported as such.
/// </summary>
internal static class InputDecoder
{
    /// <summary>Decodes <paramref name="data"/>.</summary>
    /// <param name="data">The input; byte strings in the results may be slices of it.</param>
    /// <param name="source">The input's name, for the report and error messages.</param>
    /// <param name="network">The network given with <c>--network</c>, or null to accept any known network's magic.</param>
    /// <param name="includeTransactions">Whether to summarise every transaction of every block.</param>
    /// <exception cref="CliException">The input is empty, malformed or truncated (exit code 4).</exception>
    public static DecodeReport Decode(ReadOnlyMemory<byte> data, string source, BitcoinNetwork? network, bool includeTransactions)
    {
        if (data.IsEmpty)
        {
            throw CliException.Malformed($"{source}: input is empty");
        }

        if (InputEncoding.IsHexText(data.Span))
        {
            var bytes = InputEncoding.ParseHex(data.Span, source);
            return DecodeBinary(bytes, source + " (hex text)", network, includeTransactions) with { Source = source, FromHexText = true };
        }

        return DecodeBinary(data, source, network, includeTransactions);
    }

    private static DecodeReport DecodeBinary(ReadOnlyMemory<byte> data, string source, BitcoinNetwork? network, bool includeTransactions)
    {
        var span = data.Span;
        if (span.Length >= 4)
        {
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(span);
            var framing = BitcoinNetwork.FindByMagic(magic);
            if (framing is not null)
            {
                if (network is not null && framing != network)
                {
                    throw CliException.Malformed($"{source}: input starts with the {framing.Name} magic {framing.MagicHex}, not the {network.Name} magic {network.MagicHex}");
                }

                return span.Length >= FrameHeader.Size && MessageCommand.FromBytes(span.Slice(4)).IsValid
                    ? DecodeMessages(data, source, framing, includeTransactions)
                    : DecodeBlockFile(data, source, framing, includeTransactions);
            }
        }

        return DecodeRaw(data, source, includeTransactions);
    }

    private static DecodeReport DecodeBlockFile(ReadOnlyMemory<byte> data, string source, BitcoinNetwork network, bool includeTransactions)
    {
        List<ReadOnlyMemory<byte>> records;
        try
        {
            records = BlockFile.Split(data, network.Magic);
        }
        catch (ProtocolException e)
        {
            throw CliException.Malformed($"{source}: {e.Message}", e);
        }

        var blocks = new List<BlockSummary>(records.Count);
        long offset = 0;
        for (int i = 0; i < records.Count; i++)
        {
            Block block;
            try
            {
                block = WireSerializer.Decode<Block>(records[i]);
            }
            catch (ProtocolException e)
            {
                throw CliException.Malformed($"{source}: block {i + 1} at offset {offset}: {e.Message}", e);
            }

            blocks.Add(BlockSummary.Create(block, i + 1, includeTransactions));
            offset += 8 + records[i].Length;
        }

        return new DecodeReport
        {
            Source = source,
            InputBytes = data.Length,
            Kind = InputKind.BlockFile,
            Network = network,
            Blocks = blocks,
        };
    }

    private static DecodeReport DecodeMessages(ReadOnlyMemory<byte> data, string source, BitcoinNetwork network, bool includeTransactions)
    {
        var messages = new List<MessageSummary>();
        int offset = 0;
        while (offset < data.Length)
        {
            var rest = data.Span.Slice(offset);
            if (rest.Length < FrameHeader.Size)
            {
                throw CliException.Malformed($"{source}: message at offset {offset}: header truncated ({rest.Length} of {FrameHeader.Size} bytes)");
            }

            FrameHeader header;
            try
            {
                header = FrameHeader.Parse(rest, network.Magic);
            }
            catch (ProtocolException e)
            {
                throw CliException.Malformed($"{source}: message at offset {offset}: {e.Message}", e);
            }

            string command = header.Command.ToString();
            if (!header.Command.IsValid)
            {
                throw CliException.Malformed($"{source}: message at offset {offset}: malformed command field '{command}'");
            }

            int available = rest.Length - FrameHeader.Size;
            if (available < header.PayloadLength)
            {
                throw CliException.Malformed($"{source}: '{command}' message at offset {offset}: payload truncated ({available} of {header.PayloadLength} bytes)");
            }

            var payload = data.Slice(offset + FrameHeader.Size, header.PayloadLength);
            uint checksum = DoubleSha256.Checksum(payload.Span);
            if (checksum != header.Checksum)
            {
                throw CliException.Malformed($"{source}: '{command}' message at offset {offset}: checksum {WireHex.OfUInt32LittleEndian(header.Checksum)} does not match the payload's {WireHex.OfUInt32LittleEndian(checksum)}");
            }

            messages.Add(DecodeMessage(header, payload, offset, source, includeTransactions));
            offset += FrameHeader.Size + header.PayloadLength;
        }

        return new DecodeReport
        {
            Source = source,
            InputBytes = data.Length,
            Kind = InputKind.Messages,
            Network = network,
            Messages = messages,
        };
    }

    private static MessageSummary DecodeMessage(FrameHeader header, ReadOnlyMemory<byte> payload, int offset, string source, bool includeTransactions)
    {
        string command = header.Command.ToString();
        var descriptor = BitcoinMessages.FindMessage(header.Command);
        if (descriptor is null)
        {
            return new MessageSummary
            {
                Offset = offset,
                Command = command,
                PayloadSize = payload.Length,
                Checksum = WireHex.OfUInt32LittleEndian(header.Checksum),
                Known = false,
                Description = "unknown command: payload not decoded",
            };
        }

        if (payload.Length > descriptor.MaxPayloadLength)
        {
            throw CliException.Malformed($"{source}: '{command}' message at offset {offset}: payload of {payload.Length} bytes exceeds the message's limit of {descriptor.MaxPayloadLength}");
        }

        IMessage message;
        try
        {
            var reader = new WireReader(payload, WireContext.Default, retainSlices: true);
            message = BitcoinMessages.Decode(header.Command, ref reader)
                ?? throw new InvalidOperationException($"the catalogue lists '{command}' but the dispatcher does not decode it");
            reader.EnsureEnd();
        }
        catch (ProtocolException e)
        {
            throw CliException.Malformed($"{source}: '{command}' message at offset {offset}: {e.Message}", e);
        }

        return new MessageSummary
        {
            Offset = offset,
            Command = command,
            PayloadSize = payload.Length,
            Checksum = WireHex.OfUInt32LittleEndian(header.Checksum),
            Known = true,
            TypeName = descriptor.MessageType.Name,
            Description = MessageDescriber.Describe(message),
            Block = message is Block block ? BlockSummary.Create(block, 1, includeTransactions) : null,
            Transaction = message is Transaction transaction ? TransactionSummary.Create(transaction) : null,
        };
    }

    private static DecodeReport DecodeRaw(ReadOnlyMemory<byte> data, string source, bool includeTransactions)
    {
        string blockError;
        try
        {
            var block = WireSerializer.Decode<Block>(data);
            if (block.Header.CheckProofOfWork())
            {
                return new DecodeReport
                {
                    Source = source,
                    InputBytes = data.Length,
                    Kind = InputKind.Block,
                    Blocks = [BlockSummary.Create(block, 1, includeTransactions)],
                };
            }

            blockError = "the header's proof of work does not check out";
        }
        catch (ProtocolException e)
        {
            blockError = e.Message;
        }

        string transactionError;
        try
        {
            var transaction = WireSerializer.Decode<Transaction>(data);
            return new DecodeReport
            {
                Source = source,
                InputBytes = data.Length,
                Kind = InputKind.Transaction,
                Transaction = TransactionSummary.Create(transaction),
            };
        }
        catch (ProtocolException e)
        {
            transactionError = e.Message;
        }

        if (InputEncoding.DescribeCompression(data.Span) is { } compressed)
        {
            throw CliException.Malformed($"{source}: {compressed}");
        }

        throw CliException.Malformed(
            $"{source}: not a blk file, P2P message, block or transaction ({data.Length} bytes; as a block: {blockError}; as a transaction: {transactionError})");
    }
}
