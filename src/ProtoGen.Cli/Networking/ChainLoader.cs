using System;
using System.Collections.Generic;
using ProtoGen.Bitcoin;
using ProtoGen.Cli.CommandLine;
using ProtoGen.Cli.Data;
using ProtoGen.Node;

namespace ProtoGen.Cli.Networking;

/// <summary>Builds the chain a node serves: the shipped mainnet blocks, a blk file, or genesis alone.</summary>
internal static class ChainLoader
{
    /// <summary>Mainnet blocks 1-255 shipped inside the binary, after genesis.</summary>
    public static ChainStore Shipped() => FromBlkBytes(ShippedBlocks.Bytes, BitcoinNetwork.Mainnet, ShippedBlocks.SourceName);

    /// <summary>
    /// The chain a <c>listen</c> node serves without <c>--blocks</c>: the shipped blocks on mainnet, genesis alone on the
    /// other networks.
    /// </summary>
    /// <param name="network">The network.</param>
    public static ChainStore Default(BitcoinNetwork network) => network == BitcoinNetwork.Mainnet ? Shipped() : new ChainStore(network);

    /// <summary>Reads a blk file (Bitcoin Core's blk*.dat format) whose blocks must chain from <paramref name="network"/>'s genesis.</summary>
    /// <param name="command">The command, for error messages.</param>
    /// <param name="path">The file.</param>
    /// <param name="network">The network (its magic frames the records; its genesis starts the chain).</param>
    /// <exception cref="CliException">The file cannot be read (exit code 3) or does not hold such a chain (exit code 4).</exception>
    public static ChainStore FromFile(string command, string path, BitcoinNetwork network)
    {
        string shown = ArgumentParser.Shorten(path);
        byte[] bytes = InputFile.ReadAllBytes(command, path);
        if (bytes.Length == 0)
        {
            throw CliException.Malformed($"{command}: {shown}: empty file (expected a blk file of {network.Name} blocks)");
        }

        return FromBlkBytes(bytes, network, $"{command}: {shown}");
    }

    private static ChainStore FromBlkBytes(ReadOnlyMemory<byte> bytes, BitcoinNetwork network, string source)
    {
        List<ReadOnlyMemory<byte>> records;
        try
        {
            records = BlockFile.Split(bytes, network.Magic);
        }
        catch (ProtocolException e)
        {
            throw CliException.Malformed($"{source}: not a blk file of {network.Name} blocks: {e.Message}", e);
        }

        var store = new ChainStore(network);
        for (int i = 0; i < records.Count; i++)
        {
            Block block;
            try
            {
                block = WireSerializer.Decode<Block>(records[i]);
            }
            catch (ProtocolException e)
            {
                throw CliException.Malformed($"{source}: block {i + 1} of {records.Count} does not decode: {e.Message}", e);
            }

            if (!store.TryAddBlock(block, out string? error))
            {
                throw CliException.Malformed($"{source}: block {i + 1} of {records.Count} does not chain from the {network.Name} genesis: {error}");
            }
        }

        return store;
    }
}
