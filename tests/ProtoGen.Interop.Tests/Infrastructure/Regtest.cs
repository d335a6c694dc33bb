using ProtoGen.Bitcoin;

namespace ProtoGen.Interop.Tests.Infrastructure;

/// <summary>
/// Regtest coins that anyone can spend (docs/interop.md): bcoin mines to P2SH(OP_TRUE) or P2WSH(OP_TRUE), and these
/// helpers build the spends and coinbase-only blocks with ProtoGen's own types.
/// </summary>
internal static class Regtest
{
    /// <summary>bcoin regtest address of P2SH(OP_TRUE).</summary>
    public const string P2shAddress = "Gdj5bzLLUhMjQFe3WiukAMfxBTHTuWgw7f";

    /// <summary>bcoin regtest address of P2WSH(OP_TRUE).</summary>
    public const string P2wshAddress = "rb1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqmescae";

    /// <summary>OP_HASH160 hash160(OP_TRUE) OP_EQUAL.</summary>
    public static readonly byte[] P2shScript = Convert.FromHexString("a914da1745e9b549bd0bfa1a569971c77eba30cd5a4b87");

    /// <summary>OP_0 sha256(OP_TRUE).</summary>
    public static readonly byte[] P2wshScript = Convert.FromHexString("00204ae81572f06e1b88fd5ced7a1a000945432e83e1551e6f721ee9c00b8cc33260");

    /// <summary>Regtest's compact target (bcoin and Core).</summary>
    public const uint Bits = 0x207fffff;

    /// <summary>The fee every spend pays (the docs' 10,000 satoshis; bcoin's minimum relay fee is 1,000 per kvB).</summary>
    public const long Fee = 10_000;

    /// <summary>Spends a P2SH(OP_TRUE) output: the scriptSig pushes the redeem script OP_TRUE; pays to P2SH(OP_TRUE) again. 85 bytes.</summary>
    public static Transaction SpendP2sh(OutPoint coin, long value) => new()
    {
        Version = 1,
        Inputs = new WireArray<TxIn>([new TxIn { PreviousOutput = coin, ScriptSig = new byte[] { 0x01, 0x51 }, Sequence = uint.MaxValue }]),
        Outputs = new WireArray<TxOut>([new TxOut { Value = value - Fee, ScriptPubKey = P2shScript }]),
        LockTime = 0,
    };

    /// <summary>Spends a P2WSH(OP_TRUE) output: empty scriptSig, the witness is the witness script OP_TRUE; pays to P2WSH(OP_TRUE) again.</summary>
    public static Transaction SpendP2wsh(OutPoint coin, long value) => new()
    {
        Version = 2,
        Inputs = new WireArray<TxIn>([new TxIn
        {
            PreviousOutput = coin,
            ScriptSig = WireBytes.Empty,
            Sequence = uint.MaxValue,
            Witness = new WireArray<WireBytes>([new byte[] { 0x51 }]),
        }]),
        Outputs = new WireArray<TxOut>([new TxOut { Value = value - Fee, ScriptPubKey = P2wshScript }]),
        LockTime = 0,
    };

    /// <summary>
    /// A block with only a coinbase on top of <paramref name="parent"/> at <paramref name="height"/>: version
    /// 0x20000000, regtest bits, a BIP34 height push, paying <paramref name="value"/> to P2SH(OP_TRUE); the nonce is
    /// ground until the header meets its target (about two tries at regtest difficulty).
    /// </summary>
    public static Block CoinbaseOnlyBlock(BlockHeader parent, int height, long value, string tag = "ProtoGen interop")
    {
        var scriptSig = new List<byte>(HeightPush(height));
        var text = System.Text.Encoding.ASCII.GetBytes(tag);
        scriptSig.Add((byte)text.Length);
        scriptSig.AddRange(text);
        var coinbase = new Transaction
        {
            Version = 1,
            Inputs = new WireArray<TxIn>([new TxIn { PreviousOutput = new OutPoint(Hash256.Zero, uint.MaxValue), ScriptSig = scriptSig.ToArray(), Sequence = uint.MaxValue }]),
            Outputs = new WireArray<TxOut>([new TxOut { Value = value, ScriptPubKey = P2shScript }]),
            LockTime = 0,
        };
        var block = new Block
        {
            Header = new BlockHeader
            {
                Version = 0x20000000,
                PreviousBlock = parent.GetHash(),
                MerkleRoot = coinbase.GetTxId(),
                Timestamp = parent.Timestamp + 1,
                Bits = Bits,
                Nonce = 0,
            },
            Transactions = new WireArray<Transaction>([coinbase]),
        };
        while (!block.Header.CheckProofOfWork())
        {
            block = block with { Header = block.Header with { Nonce = block.Header.Nonce + 1 } };
        }

        return block;
    }

    /// <summary>The block subsidy at <paramref name="height"/> on regtest (50 BTC halving every 150 blocks).</summary>
    public static long Subsidy(int height) => height / 150 >= 64 ? 0 : 50_0000_0000L >> (height / 150);

    /// <summary>The script push of a block height (BIP34: minimal CScriptNum).</summary>
    public static byte[] HeightPush(int height)
    {
        if (height == 0)
        {
            return [0x00];
        }

        if (height <= 16)
        {
            return [(byte)(0x50 + height)];
        }

        var number = new List<byte>();
        for (long value = height; value > 0; value >>= 8)
        {
            number.Add((byte)(value & 0xff));
        }

        if ((number[^1] & 0x80) != 0)
        {
            number.Add(0);
        }

        number.Insert(0, (byte)number.Count);
        return number.ToArray();
    }
}
