using System.Text;
using ProtoGen.Bitcoin;
using ProtoGen.Bitcoin.Framing;

namespace ProtoGen.Fuzz;

/// <summary>
/// Seed inputs derived from the repository's mainnet data (tests/data): blocks 1-255, block 413567 and the two segwit
/// blocks. Nothing here is a copy of a test vector: transactions, headers and hashes are taken from the blocks, and
/// every message type is built from them and encoded by the codec under test. Seeds stay small (afl-fuzz works best
/// under a few KiB): big blocks contribute their header and a few varied transactions, never themselves.
/// </summary>
public sealed class Seeds
{
    private const int LargestSeedTransaction = 1_500;

    private Seeds(List<Block> early, List<Block> big)
    {
        EarlyBlocks = early;
        BigBlocks = big;
        Transactions = PickTransactions(early, big);
    }

    /// <summary>Mainnet blocks 1-255.</summary>
    public IReadOnlyList<Block> EarlyBlocks { get; }

    /// <summary>Block 413567 and the two segwit blocks.</summary>
    public IReadOnlyList<Block> BigBlocks { get; }

    /// <summary>Small transactions of varied shapes (legacy and segwit, coinbase or not, one to many inputs and outputs).</summary>
    public IReadOnlyList<Transaction> Transactions { get; }

    /// <summary>Loads the blocks from <paramref name="dataDirectory"/> (the repository's tests/data).</summary>
    /// <param name="dataDirectory">The data directory.</param>
    public static Seeds Load(string dataDirectory)
    {
        var early = new List<Block>();
        var file = File.ReadAllBytes(Path.Combine(dataDirectory, "blocks1-255.blk"));
        foreach (var raw in BlockFile.Split(file, BitcoinNetwork.Mainnet.Magic))
        {
            early.Add(WireSerializer.Decode<Block>(raw.Span));
        }

        var big = new List<Block>();
        foreach (var name in Directory.GetFiles(dataDirectory, "block*.raw").Order(StringComparer.Ordinal))
        {
            big.Add(WireSerializer.Decode<Block>(File.ReadAllBytes(name).AsSpan()));
        }

        if (early.Count == 0 || big.Count == 0)
        {
            throw new InvalidOperationException($"no blocks under {dataDirectory}");
        }

        return new Seeds(early, big);
    }

    /// <summary>Seeds of the transaction target.</summary>
    public IEnumerable<(string Name, byte[] Input)> ForTransactions()
    {
        for (int i = 0; i < Transactions.Count; i++)
        {
            yield return ($"tx-{i:D2}", WireSerializer.Encode(Transactions[i]));
        }
    }

    /// <summary>Seeds of the block target.</summary>
    public IEnumerable<(string Name, byte[] Input)> ForBlocks()
    {
        // Blocks 1 and 2, and every early block with more than its coinbase (block 170 spends block 9's output).
        for (int i = 0; i < EarlyBlocks.Count; i++)
        {
            if (i < 2 || EarlyBlocks[i].Transactions.Count > 1)
            {
                yield return ($"early-{i + 1}", WireSerializer.Encode(EarlyBlocks[i]));
            }
        }

        // Each big block cut down to its header, its coinbase and up to four small transactions of other shapes.
        for (int i = 0; i < BigBlocks.Count; i++)
        {
            yield return ($"cut-{i}", WireSerializer.Encode(CutDown(BigBlocks[i], 4)));
        }

        yield return ("empty", WireSerializer.Encode(new Block { Header = EarlyBlocks[0].Header }));
    }

    /// <summary>Seeds of the message target: one per message in the catalogue, and ping as a pre-BIP31 peer sends it.</summary>
    public IEnumerable<(string Name, byte[] Input)> ForMessages()
    {
        foreach (var message in Messages())
        {
            yield return (message.Command.ToString(), MessageTarget.Input(message));
        }

        yield return ("ping-pre-bip31", MessageTarget.Input(new PingMessage(), preBip31: true));
    }

    /// <summary>Seeds of the frame target: message streams, each read in a different segmentation.</summary>
    public IEnumerable<(string Name, byte[] Input)> ForFrames()
    {
        var all = Messages();
        IMessage Find(string command) => all.First(message => message.Command.ToString() == command);

        yield return ("handshake", FrameTarget.Input(0x00, Find("version"), Find("wtxidrelay"), Find("sendaddrv2"), Find("verack"), Find("sendheaders"), Find("sendcmpct"), Find("ping"), Find("pong"), Find("feefilter")));
        yield return ("sync", FrameTarget.Input(0x03, Find("getheaders"), Find("headers"), Find("getdata"), Find("inv"), Find("notfound")));
        yield return ("block", FrameTarget.Input(0x0c, Find("block")));
        yield return ("tx", FrameTarget.Input(0x0e, Find("tx"), Find("tx")));
        yield return ("compact", FrameTarget.Input(0x05, Find("cmpctblock"), Find("getblocktxn"), Find("blocktxn")));
        yield return ("addresses", FrameTarget.Input(0x07, Find("getaddr"), Find("addr"), Find("addrv2")));
        yield return ("filters", FrameTarget.Input(0x09, Find("filterload"), Find("filteradd"), Find("filterclear"), Find("merkleblock"), Find("mempool"), Find("getcfilters"), Find("cfilter"), Find("getcfheaders"), Find("cfheaders"), Find("getcfcheckpt"), Find("cfcheckpt")));
        yield return ("odd", FrameTarget.Input(0x0a, Find("reject"), Find("sendtxrcncl"), Find("getblocks")));

        // Frames the reader drops but survives: a bad checksum, an invalid command, an unknown command; then a
        // message cut short.
        var ping = Frame.ToArray(FrameTarget.Network.Magic, Find("ping"));
        var badChecksum = (byte[])ping.Clone();
        badChecksum[20] ^= 0xff;
        var badCommand = (byte[])ping.Clone();
        badCommand[6] = 0;
        var unknown = (byte[])ping.Clone();
        Encoding.ASCII.GetBytes("hello\0\0").CopyTo(unknown, 4);
        unknown = FrameTarget.WithChecksums(unknown);
        yield return ("dropped", [0x04, .. badChecksum, .. badCommand, .. unknown, .. ping.AsSpan(0, ping.Length - 3)]);

        // Streams that are not mainnet Bitcoin.
        var testnet = Frame.ToArray(BitcoinNetwork.Testnet3.Magic, Find("verack"));
        yield return ("testnet", [0x00, .. testnet]);
        yield return ("http", [0x02, .. Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")]);
        var huge = Frame.ToArray(FrameTarget.Network.Magic, Find("verack"));
        huge[19] = 0x7f;
        yield return ("oversized", [0x00, .. huge]);
    }

    /// <summary>One message of every type in the catalogue, built from the mainnet blocks.</summary>
    public List<IMessage> Messages()
    {
        var block170 = EarlyBlocks[169];
        var segwit = CutDown(BigBlocks.First(block => block.Transactions.Any(tx => tx.HasWitness)), 2);
        var headers = EarlyBlocks.Take(5).Select(block => block.Header).ToArray();
        var hashes = EarlyBlocks.Take(3).Select(block => block.GetHash()).ToArray();
        var txIds = Transactions.Take(3).Select(tx => tx.GetTxId()).ToArray();
        var loopback = new byte[16];
        loopback[10] = 0xff;
        loopback[11] = 0xff;
        loopback[12] = 127;
        loopback[15] = 1;
        var here = new NetworkAddress { Services = ServiceFlags.Network | ServiceFlags.Witness, Address = loopback, Port = 8333 };
        var messages = new List<IMessage>
        {
            new VersionMessage
            {
                Version = 70016,
                Services = ServiceFlags.Network | ServiceFlags.Witness | ServiceFlags.NetworkLimited,
                Timestamp = block170.Header.Timestamp,
                ReceiverAddress = here,
                SenderAddress = NetworkAddress.Unspecified,
                Nonce = block170.Header.Nonce,
                UserAgent = "/Satoshi:27.0.0/",
                StartHeight = 255,
                Relay = true,
            },
            new VerAckMessage(),
            new SendAddrV2Message(),
            new WtxidRelayMessage(),
            new SendHeadersMessage(),
            new SendCmpctMessage { HighBandwidth = true, Version = 2 },
            new FeeFilterMessage { FeeRate = 1000 },
            new SendTxRcnclMessage { Version = 1, Salt = block170.Header.Nonce },
            new FeatureMessage { FeatureId = "BIP434"u8.ToArray(), Data = new byte[] { 1, 2, 3 } },
            new PingMessage { Nonce = headers[1].Nonce },
            new PongMessage { Nonce = headers[1].Nonce },
            new RejectMessage { RejectedCommand = "tx", Code = RejectCode.NonStandard, Reason = "dust", Hash = txIds[0] },
            new GetAddrMessage(),
            new AddrMessage { Addresses = new[] { new TimestampedNetworkAddress { Timestamp = headers[0].Timestamp, Address = here } } },
            new AddrV2Message
            {
                Addresses = new[]
                {
                    new NetworkAddressV2 { Timestamp = headers[0].Timestamp, Services = ServiceFlags.Network, Address = new AddrV2Address(AddressNetwork.IPv4, new byte[] { 127, 0, 0, 1 }), Port = 8333 },
                    new NetworkAddressV2 { Timestamp = headers[1].Timestamp, Services = ServiceFlags.Network | ServiceFlags.P2PV2, Address = new AddrV2Address(AddressNetwork.TorV3, hashes[0].ToArray()), Port = 8333 },
                    new NetworkAddressV2 { Timestamp = headers[2].Timestamp, Services = ServiceFlags.None, Address = new AddrV2Address(AddressNetwork.TorV2, hashes[1].ToArray().AsSpan(0, 10).ToArray()), Port = 9050 },
                },
            },
            new InvMessage { Inventory = txIds.Select(id => new InventoryVector(InventoryType.WitnessTx, id)).ToArray() },
            new GetDataMessage { Inventory = hashes.Select(hash => new InventoryVector(InventoryType.WitnessBlock, hash)).ToArray() },
            new NotFoundMessage { Inventory = new[] { new InventoryVector(InventoryType.Tx, txIds[1]) } },
            new MemPoolMessage(),
            new GetBlocksMessage { Version = 70016, Locator = hashes, HashStop = Hash256.Zero },
            new GetHeadersMessage { Version = 70016, Locator = hashes.Reverse().ToArray(), HashStop = hashes[0] },
            new HeadersMessage { Headers = headers },
            block170,
            Transactions.First(tx => tx.HasWitness && !tx.IsCoinbase),
            new FilterLoadMessage { Filter = hashes[2].ToArray(), HashFunctions = 11, Tweak = 5, Flags = 1 },
            new FilterAddMessage { Data = txIds[0].ToArray() },
            new FilterClearMessage(),
            new MerkleBlockMessage { Header = block170.Header, TransactionCount = 2, Hashes = block170.Transactions.Select(tx => tx.GetTxId()).ToArray(), Flags = new byte[] { 0x1d } },
            new CmpctBlockMessage
            {
                Header = segwit.Header,
                Nonce = block170.Header.Nonce,
                ShortIds = segwit.Transactions.Skip(1).Select(tx => new ShortTxId(BitConverter.ToUInt64(tx.GetWitnessTxId().ToArray()) & 0xffff_ffff_ffff)).ToArray(),
                PrefilledTransactions = new[] { new PrefilledTransaction { Index = 0, Transaction = segwit.Transactions[0] } },
            },
            new GetBlockTxnMessage { BlockHash = segwit.GetHash(), Indexes = new ushort[] { 1, 2, 7, 300 } },
            new BlockTxnMessage { BlockHash = segwit.GetHash(), Transactions = segwit.Transactions.Skip(1).ToArray() },
            new GetCFiltersMessage { FilterType = 0, StartHeight = 1, StopHash = hashes[2] },
            new CFilterMessage { FilterType = 0, BlockHash = hashes[0], Filter = txIds[2].ToArray().AsSpan(0, 9).ToArray() },
            new GetCFHeadersMessage { FilterType = 0, StartHeight = 1, StopHash = hashes[2] },
            new CFHeadersMessage { FilterType = 0, StopHash = hashes[2], PreviousFilterHeader = txIds[0], FilterHashes = txIds },
            new GetCFCheckptMessage { FilterType = 0, StopHash = hashes[2] },
            new CFCheckptMessage { FilterType = 0, StopHash = hashes[2], FilterHeaders = hashes },
        };

        foreach (var descriptor in BitcoinMessages.Messages)
        {
            if (!messages.Any(message => message.Command == descriptor.CommandBytes))
            {
                throw new InvalidOperationException($"no seed for {descriptor.Command}: add one to {nameof(Seeds)}.{nameof(Messages)}");
            }
        }

        return messages;
    }

    /// <summary>The block with its coinbase and at most <paramref name="others"/> small transactions of varied shapes.</summary>
    private Block CutDown(Block block, int others)
    {
        var picked = Transactions.Where(tx => block.Transactions.AsSpan().Contains(tx)).Take(others);
        return block with { Transactions = block.Transactions.Take(1).Concat(picked).ToArray() };
    }

    private static List<Transaction> PickTransactions(List<Block> early, List<Block> big)
    {
        var picked = new List<Transaction>();
        var shapes = new HashSet<(bool, bool, int, int, int)>();
        foreach (var block in early.Concat(big))
        {
            foreach (var tx in block.Transactions)
            {
                int witnessItems = tx.Inputs.Sum(input => input.Witness.Count);
                var shape = (tx.IsCoinbase, tx.HasWitness, Math.Min(tx.Inputs.Count, 3), Math.Min(tx.Outputs.Count, 3), Math.Min(witnessItems, 5));
                if (tx.GetSize() <= LargestSeedTransaction && shapes.Add(shape))
                {
                    picked.Add(tx);
                }
            }
        }

        return picked;
    }
}
