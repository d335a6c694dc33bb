using CsCheck;

namespace ProtoGen.Bitcoin.Tests;

/// <summary>One message type seen without its static type: how to generate, encode and decode it.</summary>
/// <param name="Name">The command name.</param>
/// <param name="Command">The 12-byte command.</param>
/// <param name="Generator">Valid values, with bounded sizes.</param>
/// <param name="Encode">Encodes a value of this type.</param>
/// <param name="DecodeSpan">Decodes a whole payload from a span (byte strings copied).</param>
/// <param name="DecodeMemory">Decodes a whole payload from memory (byte strings sliced).</param>
/// <param name="TrailingOptional">Whether the message ends with fields read only while bytes remain (so some strict prefixes are valid).</param>
internal sealed record MessageCase(
    string Name,
    MessageCommand Command,
    Gen<IMessage> Generator,
    Func<IMessage, byte[]> Encode,
    Func<byte[], IMessage> DecodeSpan,
    Func<byte[], IMessage> DecodeMemory,
    bool TrailingOptional)
{
    public override string ToString() => Name;
}

/// <summary>CsCheck generators for every Bitcoin message, with sizes kept small so properties run fast.</summary>
internal static class MessageGenerators
{
    public static readonly Gen<Hash256> Hash = Gen.Byte.Array[32].Select(b => new Hash256(b));

    public static Gen<WireBytes> Bytes(int max) => Gen.Byte.Array[0, max].Select(b => new WireBytes(b));

    public static Gen<WireBytes> FixedBytes(int length) => Gen.Byte.Array[length].Select(b => new WireBytes(b));

    /// <summary>Text of ASCII and a few multi-byte characters (each at most 3 UTF-8 bytes).</summary>
    public static Gen<string> Text(int maxChars, bool asciiOnly = false) =>
        Gen.Char[asciiOnly ? "abcdefghijklmnopqrstuvwxyz/:.-0123456789 " : "abcxyz/:.-0123 éü€中"].Array[0, maxChars].Select(c => new string(c));

    public static readonly Gen<ServiceFlags> Services = Gen.ULong.Select(v => (ServiceFlags)v);

    public static readonly Gen<NetworkAddress> NetAddress =
        Gen.Select(Services, FixedBytes(16), Gen.UShort, (s, a, p) => new NetworkAddress { Services = s, Address = a, Port = p });

    public static readonly Gen<InventoryVector> Inventory =
        Gen.Select(Gen.OneOf(Gen.Const(1u), Gen.Const(2u), Gen.Const(5u), Gen.Const(0x40000001u), Gen.UInt), Hash, (t, h) => new InventoryVector((InventoryType)t, h));

    public static readonly Gen<BlockHeader> Header =
        Gen.Select(Gen.Int, Hash, Hash, Gen.UInt, Gen.UInt, Gen.UInt, (v, p, m, t, b, n) => new BlockHeader
        {
            Version = v,
            PreviousBlock = p,
            MerkleRoot = m,
            Timestamp = t,
            Bits = b,
            Nonce = n,
        });

    private static readonly Gen<WireArray<WireBytes>> Witness =
        Gen.Frequency((2, Gen.Const(WireArray<WireBytes>.Empty)), (1, Bytes(40).Array[1, 3].Select(a => new WireArray<WireBytes>(a))));

    private static readonly Gen<TxIn> Input =
        Gen.Select(Hash, Gen.UInt, Bytes(40), Gen.UInt, Witness, (h, i, s, q, w) => new TxIn
        {
            PreviousOutput = new OutPoint(h, i),
            ScriptSig = s,
            Sequence = q,
            Witness = w,
        });

    private static readonly Gen<TxOut> Output = Gen.Select(Gen.Long, Bytes(40), (v, s) => new TxOut { Value = v, ScriptPubKey = s });

    /// <summary>
    /// Transactions. No inputs means no outputs either: "no inputs, some outputs" is ambiguous with the BIP144 marker
    /// on the wire (Core has the same ambiguity), so it does not round-trip and is not a valid encoding.
    /// </summary>
    public static readonly Gen<Transaction> Tx =
        Gen.Select(Gen.Int, Input.Array[0, 3], Output.Array[0, 3], Gen.UInt, (v, ins, outs, l) => new Transaction
        {
            Version = v,
            Inputs = ins,
            Outputs = ins.Length == 0 ? WireArray<TxOut>.Empty : outs,
            LockTime = l,
        });

    private static readonly Gen<AddrV2Address> AddrV2 = Gen.OneOf(
        FixedBytes(4).Select(b => new AddrV2Address(AddressNetwork.IPv4, b)),
        FixedBytes(16).Select(b => new AddrV2Address(AddressNetwork.IPv6, b)),
        Bytes(12).Select(b => new AddrV2Address(AddressNetwork.TorV2, b)),
        FixedBytes(32).Select(b => new AddrV2Address(AddressNetwork.TorV3, b)),
        FixedBytes(32).Select(b => new AddrV2Address(AddressNetwork.I2P, b)),
        FixedBytes(16).Select(b => new AddrV2Address(AddressNetwork.Cjdns, b)),
        Gen.Select(Gen.Byte[7, 255], Bytes(20), (n, b) => new AddrV2Address((AddressNetwork)n, b)),
        Bytes(20).Select(b => new AddrV2Address(0, b)));

    private static readonly Gen<int?> StopLevel = Gen.Int[0, 4].Select(i => (int?)i);

    private static Gen<IMessage> Boxed<T>(this Gen<T> gen)
        where T : IMessage => gen.Select(m => (IMessage)m);

    private static MessageCase Case<T>(Gen<T> gen, bool trailingOptional = false)
        where T : IMessage<T> => new(
            T.Descriptor.Command,
            T.Descriptor.CommandBytes,
            gen.Boxed(),
            m => WireSerializer.Encode((T)m),
            b => WireSerializer.Decode<T>(b.AsSpan()),
            b => WireSerializer.Decode<T>(b.AsMemory()),
            trailingOptional);

    /// <summary>Every message of the set.</summary>
    public static readonly IReadOnlyList<MessageCase> All =
    [
        Case(Gen.Select(Gen.Select(Gen.Int, Services, Gen.Long), NetAddress, NetAddress, Gen.ULong, StopLevel, (h, r, f, n, stop) => (h.Item1, h.Item2, h.Item3, r, f, n, stop))
            .Select(x => (v: x.Item1, s: x.Item2, t: x.Item3, r: x.r, f: x.f, n: x.n, stop: x.stop))
            .SelectMany(x => Gen.Select(Text(80), Gen.Int, Gen.Bool, (ua, h, relay) => new VersionMessage
            {
                Version = x.v,
                Services = x.s,
                Timestamp = x.t,
                ReceiverAddress = x.r,
                SenderAddress = x.stop >= 1 ? x.f : null,
                Nonce = x.stop >= 1 ? x.n : null,
                UserAgent = x.stop >= 2 ? ua : null,
                StartHeight = x.stop >= 3 ? h : null,
                Relay = x.stop >= 4 ? relay : null,
            })), trailingOptional: true),
        Case(Gen.Const(new VerAckMessage())),
        Case(Gen.ULong.Select(n => new PingMessage { Nonce = n })),
        Case(Gen.ULong.Select(n => new PongMessage { Nonce = n })),
        Case(Gen.Const(new GetAddrMessage())),
        Case(Gen.Select(Gen.UInt, NetAddress, (t, a) => new TimestampedNetworkAddress { Timestamp = t, Address = a }).Array[0, 4]
            .Select(a => new AddrMessage { Addresses = a })),
        Case(Gen.Select(Gen.UInt, Services, AddrV2, Gen.UShort, (t, s, a, p) => new NetworkAddressV2 { Timestamp = t, Services = s, Address = a, Port = p }).Array[0, 4]
            .Select(a => new AddrV2Message { Addresses = a })),
        Case(Gen.Const(new SendAddrV2Message())),
        Case(Inventory.Array[0, 5].Select(a => new InvMessage { Inventory = a })),
        Case(Inventory.Array[0, 5].Select(a => new GetDataMessage { Inventory = a })),
        Case(Inventory.Array[0, 5].Select(a => new NotFoundMessage { Inventory = a })),
        Case(Gen.Select(Gen.UInt, Hash.Array[0, 4], Hash, (v, l, s) => new GetBlocksMessage { Version = v, Locator = l, HashStop = s })),
        Case(Gen.Select(Gen.UInt, Hash.Array[0, 4], Hash, (v, l, s) => new GetHeadersMessage { Version = v, Locator = l, HashStop = s })),
        Case(Header.Array[0, 4].Select(h => new HeadersMessage { Headers = h })),
        Case(Gen.Select(Header, Tx.Array[0, 3], (h, t) => new Block { Header = h, Transactions = t })),
        Case(Tx),
        Case(Gen.Const(new MemPoolMessage())),
        Case(Gen.Select(Bytes(64), Gen.UInt[0, 50], Gen.UInt, Gen.Byte, (f, n, t, fl) => new FilterLoadMessage { Filter = f, HashFunctions = n, Tweak = t, Flags = fl })),
        Case(Bytes(80).Select(d => new FilterAddMessage { Data = d })),
        Case(Gen.Const(new FilterClearMessage())),
        Case(Gen.Select(Header, Gen.UInt, Hash.Array[0, 4], Bytes(4), (h, n, hs, f) => new MerkleBlockMessage { Header = h, TransactionCount = n, Hashes = hs, Flags = f })),
        Case(Gen.Const(new SendHeadersMessage())),
        Case(Gen.Long.Select(f => new FeeFilterMessage { FeeRate = f })),
        Case(Gen.Select(Gen.Bool, Gen.ULong, (b, v) => new SendCmpctMessage { HighBandwidth = b, Version = v })),
        Case(Gen.Select(
                Header,
                Gen.ULong,
                Gen.ULong[0, (1UL << 48) - 1].Select(v => new ShortTxId(v)).Array[0, 5],
                Gen.Select(Gen.UShort[0, 300], Tx, (i, t) => new PrefilledTransaction { Index = i, Transaction = t }).Array[0, 2],
                (h, n, s, p) => new CmpctBlockMessage { Header = h, Nonce = n, ShortIds = s, PrefilledTransactions = p })),
        Case(Gen.Select(Hash, Gen.UShort.Array[0, 8], (h, i) => new GetBlockTxnMessage { BlockHash = h, Indexes = i.Distinct().Order().ToArray() })),
        Case(Gen.Select(Hash, Tx.Array[0, 3], (h, t) => new BlockTxnMessage { BlockHash = h, Transactions = t })),
        Case(Gen.Const(new WtxidRelayMessage())),
        Case(Gen.Select(Gen.Byte, Gen.UInt, Hash, (f, s, h) => new GetCFiltersMessage { FilterType = f, StartHeight = s, StopHash = h })),
        Case(Gen.Select(Gen.Byte, Hash, Bytes(64), (f, h, d) => new CFilterMessage { FilterType = f, BlockHash = h, Filter = d })),
        Case(Gen.Select(Gen.Byte, Gen.UInt, Hash, (f, s, h) => new GetCFHeadersMessage { FilterType = f, StartHeight = s, StopHash = h })),
        Case(Gen.Select(Gen.Byte, Hash, Hash, Hash.Array[0, 4], (f, s, p, hs) => new CFHeadersMessage { FilterType = f, StopHash = s, PreviousFilterHeader = p, FilterHashes = hs })),
        Case(Gen.Select(Gen.Byte, Hash, (f, h) => new GetCFCheckptMessage { FilterType = f, StopHash = h })),
        Case(Gen.Select(Gen.Byte, Hash, Hash.Array[0, 4], (f, s, hs) => new CFCheckptMessage { FilterType = f, StopHash = s, FilterHeaders = hs })),
        Case(Gen.Select(Text(12, asciiOnly: true), Gen.Byte, Text(37), Hash.Nullable(0.5), (c, code, r, h) => new RejectMessage { RejectedCommand = c, Code = (RejectCode)code, Reason = r, Hash = h }), trailingOptional: true),
        Case(Gen.Select(Gen.UInt, Gen.ULong, (v, s) => new SendTxRcnclMessage { Version = v, Salt = s })),
        Case(Gen.Select(Gen.Byte.Array[4, 80], Bytes(512), (id, d) => new FeatureMessage { FeatureId = id, Data = d })),
    ];

    /// <summary>The cases as xunit theory data (by name).</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in All)
            {
                data.Add(c.Name);
            }

            return data;
        }
    }

    public static MessageCase Get(string name) => All.Single(c => c.Name == name);

    /// <summary>A message of any type with its case.</summary>
    public static readonly Gen<(MessageCase Case, IMessage Message)> AnyMessage =
        Gen.Int[0, All.Count - 1].SelectMany(i => All[i].Generator.Select(m => (All[i], m)));
}
