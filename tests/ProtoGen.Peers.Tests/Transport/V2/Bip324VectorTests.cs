using System.Globalization;
using ProtoGen.Bitcoin;
using ProtoGen.Peers.Transport.V2;
using Secp256k1Net;
using static ProtoGen.Peers.Tests.Transport.V2.Bip324TestData;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// The BIP324 test vector files, row by row: packet encoding (key exchange, key derivation, encryption at an index
/// with rekeys, and decryption back), ElligatorSwift decoding, and the XSwiftEC inverse as far as libsecp256k1's
/// public API reaches (see <see cref="Every_XSwiftEC_inverse_result_decodes_to_its_x"/>).
/// </summary>
public class Bip324VectorTests
{
    /// <summary>The vectors' network: BIP324's reference uses the mainnet magic.</summary>
    private static readonly uint s_magic = BitcoinNetwork.Mainnet.Magic;

    public static TheoryData<int> PacketRows => Rows("packet_encoding_test_vectors.csv");

    public static TheoryData<int> DecodeRows => Rows("ellswift_decode_test_vectors.csv");

    public static TheoryData<int> InverseRows => Rows("xswiftec_inv_test_vectors.csv");

    [Fact]
    public void The_vector_files_have_the_expected_rows()
    {
        Assert.Equal(7, Read("packet_encoding_test_vectors.csv").Count);
        Assert.Equal(76, Read("ellswift_decode_test_vectors.csv").Count);
        Assert.Equal(32, Read("xswiftec_inv_test_vectors.csv").Count);
    }

    [Theory]
    [MemberData(nameof(PacketRows))]
    public void Packet_encoding_vector(int index)
    {
        var row = Read("packet_encoding_test_vectors.csv")[index];
        bool initiating = row["in_initiating"] == "1";
        var ellswiftOurs = Hex(row["in_ellswift_ours"]);
        var ellswiftTheirs = Hex(row["in_ellswift_theirs"]);

        // The encodings decode to the x coordinates listed, and ECDH gives the listed x and secret.
        Assert.Equal(row["mid_x_ours"], Convert.ToHexStringLower(DecodeX(ellswiftOurs)));
        Assert.Equal(row["mid_x_theirs"], Convert.ToHexStringLower(DecodeX(ellswiftTheirs)));
        Assert.Equal(row["mid_x_shared"], Convert.ToHexStringLower(SharedX(Hex(row["in_priv_ours"]), ellswiftOurs, ellswiftTheirs, initiating)));
        using var ours = V2KeyPair.FromKey(Hex(row["in_priv_ours"]), ellswiftOurs);
        var secret = new byte[32];
        V2KeyExchange.ComputeSharedSecret(ours, ellswiftTheirs, initiating, secret);
        Assert.Equal(row["mid_shared_secret"], Convert.ToHexStringLower(secret));

        // HKDF derives the listed keys, terminators and session id, assigned by role.
        using var keys = V2KeyExchange.DeriveKeys(secret, s_magic, initiating);
        Assert.Equal(row["mid_initiator_l"], Convert.ToHexStringLower(initiating ? keys.SendLengthKey : keys.ReceiveLengthKey));
        Assert.Equal(row["mid_initiator_p"], Convert.ToHexStringLower(initiating ? keys.SendPacketKey : keys.ReceivePacketKey));
        Assert.Equal(row["mid_responder_l"], Convert.ToHexStringLower(initiating ? keys.ReceiveLengthKey : keys.SendLengthKey));
        Assert.Equal(row["mid_responder_p"], Convert.ToHexStringLower(initiating ? keys.ReceivePacketKey : keys.SendPacketKey));
        Assert.Equal(row["mid_send_garbage_terminator"], Convert.ToHexStringLower(keys.SendGarbageTerminator));
        Assert.Equal(row["mid_recv_garbage_terminator"], Convert.ToHexStringLower(keys.ReceiveGarbageTerminator));
        Assert.Equal(row["out_session_id"], Convert.ToHexStringLower(keys.SessionId));

        // Encrypt in_idx empty packets, then the vector's packet; the receiving side (our send keys) decrypts them all.
        int packetIndex = int.Parse(row["in_idx"], CultureInfo.InvariantCulture);
        var unit = Hex(row["in_contents"]);
        int multiply = int.Parse(row["in_multiply"], CultureInfo.InvariantCulture);
        var contents = new byte[unit.Length * multiply];
        for (int i = 0; i < multiply; i++)
        {
            unit.CopyTo(contents, i * unit.Length);
        }

        var aad = Hex(row["in_aad"]);
        bool ignore = row["in_ignore"] == "1";
        using var encoder = keys.CreateEncoder();
        using var decoder = new V2PacketDecoder(keys.SendLengthKey, keys.SendPacketKey, V2Packet.MaxEncodableContentsLength);
        var empty = new byte[V2Packet.Expansion];
        var plaintext = new byte[1 + contents.Length];
        for (int i = 0; i < packetIndex; i++)
        {
            encoder.Encrypt(ReadOnlySpan<byte>.Empty, empty);
            Assert.Equal(0, decoder.DecryptLength(empty));
            Assert.False(decoder.Decrypt(empty.AsSpan(V2Packet.LengthSize), plaintext));
        }

        var packet = new byte[V2Packet.SizeOf(contents.Length)];
        Assert.Equal(packet.Length, encoder.Encrypt(contents, aad, packet, ignore));
        if (row["out_ciphertext"].Length > 0)
        {
            Assert.Equal(row["out_ciphertext"], Convert.ToHexStringLower(packet));
        }

        if (row["out_ciphertext_endswith"].Length > 0)
        {
            Assert.EndsWith(row["out_ciphertext_endswith"], Convert.ToHexStringLower(packet.AsSpan(packet.Length - (row["out_ciphertext_endswith"].Length / 2))), StringComparison.Ordinal);
        }

        Assert.Equal(contents.Length, decoder.DecryptLength(packet));
        decoder.SetAssociatedData(aad);
        Assert.Equal(ignore, decoder.Decrypt(packet.AsSpan(V2Packet.LengthSize), plaintext));
        Assert.True(plaintext.AsSpan(1).SequenceEqual(contents));
    }

    [Theory]
    [MemberData(nameof(DecodeRows))]
    public void ElligatorSwift_decode_vector(int index)
    {
        var row = Read("ellswift_decode_test_vectors.csv")[index];
        Assert.Equal(row["x"], Convert.ToHexStringLower(DecodeX(Hex(row["ellswift"]))));
    }

    /// <summary>
    /// libsecp256k1 exports no XSwiftECInv: its encoder picks u and the case at random. What its API can check is the
    /// forward map: every t the vectors list for (u, x) must decode, as the encoding u || t, to x. Which case yields
    /// which t, and the cases listed as having no inverse, cannot be checked through it.
    /// </summary>
    [Theory]
    [MemberData(nameof(InverseRows))]
    public void Every_XSwiftEC_inverse_result_decodes_to_its_x(int index)
    {
        var row = Read("xswiftec_inv_test_vectors.csv")[index];
        var u = Hex(row["u"]);
        int checkedCases = 0;
        for (int c = 0; c < 8; c++)
        {
            string t = row[$"case{c}_t"];
            if (t.Length == 0)
            {
                continue;
            }

            Assert.Equal(row["x"], Convert.ToHexStringLower(DecodeX([.. u, .. Hex(t)])));
            checkedCases++;
        }

        // Rows with no inverse in any case (x is not reachable with that u) have nothing to decode.
        Assert.InRange(checkedCases, 0, 8);
    }

    private static TheoryData<int> Rows(string file)
    {
        var rows = new TheoryData<int>();
        for (int i = 0; i < Read(file).Count; i++)
        {
            rows.Add(i);
        }

        return rows;
    }

    /// <summary>The raw shared x coordinate, through the native ECDH with an identity hash.</summary>
    private static byte[] SharedX(byte[] privateKey, byte[] ours, byte[] theirs, bool initiating)
    {
        var x = new byte[32];
        EllswiftXdhHashFunction identity = static (output, x32, a, b, data) =>
        {
            x32.CopyTo(output);
            return 1;
        };
        Assert.True(Secp256k1Context.Instance.EllswiftXdh(x, initiating ? ours : theirs, initiating ? theirs : ours, privateKey, initiating ? 0 : 1, identity, IntPtr.Zero));
        return x;
    }
}
