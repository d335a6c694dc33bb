using static ProtoGen.Bitcoin.Tests.GoldenVectors.GoldenData;
using static ProtoGen.Bitcoin.Tests.WireAssert;

namespace ProtoGen.Bitcoin.Tests.GoldenVectors;

/// <summary>
/// Golden byte vectors for the handshake and keep-alive messages (version, verack, ping, pong, feature negotiation,
/// reject). Each vector is assembled field by field from the documented layout (Bitcoin Core's serialization, the BIPs'
/// examples, btcd's wire tests as facts), and each test asserts both encode(value) == bytes and decode(bytes) == value.
/// </summary>
public sealed class HandshakeGoldenTests
{
    [Fact]
    public void Version_stopping_after_addr_recv()
        => Golden(VersionAt(0), Hex(VersionToAddrRecv));

    [Fact]
    public void Version_stopping_after_nonce()
        => Golden(VersionAt(1), Hex(VersionToAddrRecv, VersionAddrFromAndNonce));

    [Fact]
    public void Version_stopping_after_user_agent()
        => Golden(VersionAt(2), Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent));

    [Fact]
    public void Version_stopping_after_start_height()
        => Golden(VersionAt(3), Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent, VersionStartHeight));

    [Fact]
    public void Version_with_relay()
    {
        var bytes = Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent, VersionStartHeight, VersionRelay);
        Assert.Equal(102, bytes.Length);
        Golden(VersionAt(4), bytes);
    }

    [Fact]
    public void Version_relay_false_is_written_as_zero()
    {
        var value = VersionAt(4) with { Relay = false };
        Golden(value, Hex(VersionToAddrRecv, VersionAddrFromAndNonce, VersionUserAgent, VersionStartHeight, "00"));
    }

    [Fact]
    public void Version_sender_address_without_nonce_is_truncated_as_in_core()
    {
        // Core skips the 26-byte sender address and reads the nonce in one step: stopping between them is an error.
        Rejects<VersionMessage>(Hex(VersionToAddrRecv, VersionAddrFromAndNonce[..52]), ProtocolError.Truncated);
    }

    [Fact]
    public void Version_btcd_bip37_vector()
    {
        // btcd wire/msgversion_test.go baseVersionBIP0037Encoded: pver 70001, SFNodeNetwork, user agent
        // "/btcdtest:0.0.1/", last block 234234, relay true.
        var bytes = Hex(
            "71110100",                                    // 70001
            "0100000000000000",                            // SFNodeNetwork
            "29ab5f4900000000",                            // timestamp 0x495fab29
            "0100000000000000", "00000000000000000000ffffc0a80001", "208d", // addr_recv 192.168.0.1:8333
            "0100000000000000", "00000000000000000000ffff7f000001", "208d", // addr_from 127.0.0.1:8333
            "f3e0010000000000",                            // nonce 123123
            "10", "2f62746364746573743a302e302e312f",         // "/btcdtest:0.0.1/"
            "fa920300",                                    // last block 234234
            "01");                                         // relay
        var value = new VersionMessage
        {
            Version = 70001,
            Services = ServiceFlags.Network,
            Timestamp = 0x495fab29,
            ReceiverAddress = new NetworkAddress { Services = ServiceFlags.Network, Address = Hex("00000000000000000000ffffc0a80001"), Port = 8333 },
            SenderAddress = new NetworkAddress { Services = ServiceFlags.Network, Address = Hex("00000000000000000000ffff7f000001"), Port = 8333 },
            Nonce = 123123,
            UserAgent = "/btcdtest:0.0.1/",
            StartHeight = 234234,
            Relay = true,
        };
        Golden(value, bytes);
    }

    [Fact]
    public void Empty_messages_have_empty_payloads()
    {
        Golden(new VerAckMessage(), []);
        Golden(new GetAddrMessage(), []);
        Golden(new MemPoolMessage(), []);
        Golden(new FilterClearMessage(), []);
        Golden(new SendHeadersMessage(), []);
        Golden(new SendAddrV2Message(), []);
        Golden(new WtxidRelayMessage(), []);
    }

    [Fact]
    public void Ping_carries_the_nonce_after_bip31()
    {
        var ping = new PingMessage { Nonce = 0x0123456789abcdef };
        Golden(ping, Hex("efcdab8967452301"));
        Golden(ping, Hex("efcdab8967452301"), new WireContext(60001));
    }

    [Fact]
    public void Ping_has_no_nonce_at_protocol_60000()
    {
        var context = new WireContext(60000);
        Assert.Empty(WireSerializer.Encode(new PingMessage { Nonce = 0x0123456789abcdef }, context));
        Golden(new PingMessage(), [], context);
    }

    [Fact]
    public void Pong_echoes_the_nonce()
        => Golden(new PongMessage { Nonce = 0x0123456789abcdef }, Hex("efcdab8967452301"));

    [Fact]
    public void SendCmpct_high_bandwidth_version_2()
        => Golden(new SendCmpctMessage { HighBandwidth = true, Version = 2 }, Hex("01", "0200000000000000"));

    [Fact]
    public void SendCmpct_low_bandwidth_version_1()
        => Golden(new SendCmpctMessage { HighBandwidth = false, Version = 1 }, Hex("00", "0100000000000000"));

    [Fact]
    public void FeeFilter_is_an_int64_fee_rate()
        => Golden(new FeeFilterMessage { FeeRate = 1000 }, Hex("e803000000000000"));

    [Fact]
    public void SendTxRcncl_version_and_salt()
        => Golden(new SendTxRcnclMessage { Version = 1, Salt = 0x0123456789abcdef }, Hex("01000000", "efcdab8967452301"));

    [Fact]
    public void Reject_with_hash()
    {
        var bytes = Hex(
            "02", "7478",                                  // rejected command "tx"
            "10",                                          // REJECT_INVALID
            "08", "6261642d74786e73",                      // reason "bad-txns"
            GenesisTxIdWire);                              // the transaction's hash
        Golden(new RejectMessage { RejectedCommand = "tx", Code = RejectCode.Invalid, Reason = "bad-txns", Hash = WireHash(GenesisTxIdWire) }, bytes);
    }

    [Fact]
    public void Reject_without_hash()
    {
        var bytes = Hex(
            "07", "76657273696f6e",                        // rejected command "version"
            "11",                                          // REJECT_OBSOLETE
            "08", "6f62736f6c657465");                     // reason "obsolete"
        Golden(new RejectMessage { RejectedCommand = "version", Code = RejectCode.Obsolete, Reason = "obsolete" }, bytes);
    }
}
