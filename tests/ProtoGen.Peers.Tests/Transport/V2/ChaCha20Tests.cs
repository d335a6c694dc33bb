using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ProtoGen.Peers.Transport.V2;
using static ProtoGen.Peers.Tests.Transport.V2.Bip324TestData;

namespace ProtoGen.Peers.Tests.Transport.V2;

/// <summary>
/// The ChaCha20 block function and keystream against RFC 8439 (sections 2.3.2, 2.4.2 and appendix A.1/A.2), the
/// platform AEAD against RFC 8439 section 2.8.2, and the two BIP324 rekeying wrappers' structure.
/// </summary>
public class ChaCha20Tests
{
    private static readonly byte[] s_sequentialKey = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static readonly byte[] s_sunscreen = Encoding.ASCII.GetBytes("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");

    public static TheoryData<string, string, uint, string> BlockVectors => new()
    {
        // Section 2.3.2.
        { "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "000000090000004a00000000", 1, "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e" },

        // Appendix A.1, vectors 1-5.
        { "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", 0, "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586" },
        { "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", 1, "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f" },
        { "0000000000000000000000000000000000000000000000000000000000000001", "000000000000000000000000", 1, "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0" },
        { "00ff000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", 2, "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096" },
        { "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000002", 0, "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d" },
    };

    [Theory]
    [MemberData(nameof(BlockVectors))]
    public void Block_function_matches_RFC_8439(string key, string nonce, uint counter, string expected)
    {
        var block = new byte[ChaCha20.BlockSize];
        ChaCha20.Block(Hex(key), Hex(nonce), counter, block);
        Assert.Equal(expected, Convert.ToHexStringLower(block));
    }

    [Fact]
    public void Keystream_encrypts_the_RFC_8439_section_2_4_2_sunscreen_text()
    {
        var keystream = new byte[s_sunscreen.Length];
        ChaCha20.Keystream(s_sequentialKey, Hex("000000000000004a00000000"), 1, keystream);
        Assert.Equal(
            "224f51f3401bd9e12fde276fb8631ded8c131f823d2c06e27e4fcaec9ef3cf788a3b0aa372600a92b57974cded2b9334794cba40c63e34cdea212c4cf07d41b769a6749f3f630f4122cafe28ec4dc47e26d4346d70b98c73f3e9c53ac40c5945398b6eda1a832c89c167eacd901d7e2bf363",
            Convert.ToHexStringLower(keystream));
        Assert.Equal(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d",
            Convert.ToHexStringLower(Xor(s_sunscreen, keystream)));
    }

    [Fact]
    public void Keystream_matches_RFC_8439_appendix_A_2_vector_3()
    {
        var plaintext = Encoding.ASCII.GetBytes("'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.");
        var keystream = new byte[plaintext.Length];
        ChaCha20.Keystream(Hex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0"), Hex("000000000000000000000002"), 42, keystream);
        Assert.Equal(
            "62e6347f95ed87a45ffae7426f27a1df5fb69110044c0d73118effa95b01e5cf166d3df2d721caf9b21e5fb14c616871fd84c54f9d65b283196c7fe4f60553ebf39c6402c42234e32a356b3e764312a61a5532055716ead6962568f87d3f3f7704c6a8d1bcd1bf4d50d6154b6da731b187b58dfd728afa36757a797ac188d1",
            Convert.ToHexStringLower(Xor(plaintext, keystream)));
    }

    [Fact]
    public void Platform_AEAD_matches_RFC_8439_section_2_8_2_in_place()
    {
        // The packet AEAD relies on the platform's ChaCha20-Poly1305 and on in-place encryption and decryption.
        using var aead = new ChaCha20Poly1305(Hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"));
        var nonce = Hex("070000004041424344454647");
        var aad = Hex("50515253c0c1c2c3c4c5c6c7");
        var buffer = s_sunscreen.ToArray();
        var tag = new byte[16];
        aead.Encrypt(nonce, buffer, buffer, tag, aad);
        Assert.Equal(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116",
            Convert.ToHexStringLower(buffer));
        Assert.Equal("1ae10b594f09e26a7e902ecbd0600691", Convert.ToHexStringLower(tag));
        aead.Decrypt(nonce, buffer, tag, buffer, aad);
        Assert.Equal(s_sunscreen, buffer);
    }

    [Fact]
    public void Keystream_of_any_length_is_the_prefix_of_the_block_sequence()
    {
        var nonce = Hex("000000000000004a00000000");
        var whole = new byte[5 * ChaCha20.BlockSize];
        ChaCha20.Keystream(s_sequentialKey, nonce, 7, whole);
        for (int length = 0; length < whole.Length; length += 13)
        {
            var part = new byte[length];
            ChaCha20.Keystream(s_sequentialKey, nonce, 7, part);
            Assert.Equal(whole.AsSpan(0, length).ToArray(), part);
        }
    }

    [Fact]
    public void FSChaCha20_is_one_keystream_over_chunks_and_rekeys_from_it_every_224_chunks()
    {
        // Model: epoch e uses nonce 0^4 || LE64(e); its keystream covers 224 chunks of 3 bytes, then the next 32
        // bytes are the next key (672 + 32 = 704 = 11 blocks, so nothing is left over).
        var key = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        using var cipher = new FSChaCha20(key);
        var expectedKey = key.ToArray();
        var chunk = new byte[3];
        for (ulong epoch = 0; epoch < 3; epoch++)
        {
            var nonce = new byte[12];
            BinaryPrimitives.WriteUInt64LittleEndian(nonce.AsSpan(4), epoch);
            var stream = new byte[11 * ChaCha20.BlockSize];
            ChaCha20.Keystream(expectedKey, nonce, 0, stream);
            for (int i = 0; i < V2Protocol.RekeyInterval; i++)
            {
                Array.Clear(chunk);
                cipher.Crypt(chunk, chunk);
                Assert.Equal(stream.AsSpan(3 * i, 3).ToArray(), chunk);
            }

            Assert.Equal(epoch + 1, cipher.RekeyCount);
            expectedKey = stream.AsSpan(672, 32).ToArray();
        }
    }

    [Fact]
    public void FSChaCha20Poly1305_rekey_equals_the_BIP_definition_by_AEAD_encryption_of_zeros()
    {
        // BIP324: the next key is the first 32 bytes of AEAD-encrypting 32 zero bytes under nonce 0xFFFFFFFF || LE64(rekeys).
        // Ours takes keystream block 1 directly. Run 2 epochs through ours and the definition through the platform AEAD.
        var key = Hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        using var ours = new FSChaCha20Poly1305(key);
        var reference = key.ToArray();
        var plaintext = Encoding.ASCII.GetBytes("contents");
        for (ulong epoch = 0; epoch < 2; epoch++)
        {
            for (uint i = 0; i < V2Protocol.RekeyInterval; i++)
            {
                var nonce = new byte[12];
                BinaryPrimitives.WriteUInt32LittleEndian(nonce, i);
                BinaryPrimitives.WriteUInt64LittleEndian(nonce.AsSpan(4), epoch);
                var expected = new byte[plaintext.Length];
                var expectedTag = new byte[16];
                using (var aead = new ChaCha20Poly1305(reference))
                {
                    aead.Encrypt(nonce, plaintext, expected, expectedTag);
                }

                var actual = new byte[plaintext.Length];
                var tag = new byte[16];
                ours.Encrypt(plaintext, default, actual, tag);
                Assert.Equal(expected, actual);
                Assert.Equal(expectedTag, tag);
            }

            var rekeyNonce = new byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(rekeyNonce, 0xFFFFFFFF);
            BinaryPrimitives.WriteUInt64LittleEndian(rekeyNonce.AsSpan(4), epoch);
            var zeros = new byte[32];
            using (var aead = new ChaCha20Poly1305(reference))
            {
                aead.Encrypt(rekeyNonce, new byte[32], zeros, new byte[16]);
            }

            reference = zeros;
            Assert.Equal(epoch + 1, ours.RekeyCount);
        }
    }

    [Fact]
    public void FSChaCha20Poly1305_rejects_a_wrong_tag_and_clears_the_output()
    {
        var key = Bytes(32, 1);
        using var sender = new FSChaCha20Poly1305(key);
        using var receiver = new FSChaCha20Poly1305(key);
        var plaintext = Bytes(100, 2);
        var ciphertext = new byte[100];
        var tag = new byte[16];
        sender.Encrypt(plaintext, default, ciphertext, tag);
        tag[0] ^= 1;
        var output = Bytes(100, 3);
        Assert.False(receiver.Decrypt(ciphertext, tag, default, output));
        Assert.All(output, b => Assert.Equal(0, b));
    }

    private static byte[] Xor(byte[] a, byte[] b)
    {
        var result = new byte[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = (byte)(a[i] ^ b[i]);
        }

        return result;
    }
}
