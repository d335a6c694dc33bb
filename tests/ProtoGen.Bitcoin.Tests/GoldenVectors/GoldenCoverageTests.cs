namespace ProtoGen.Bitcoin.Tests.GoldenVectors;

/// <summary>Every message of the catalogue has a golden vector in this folder.</summary>
public sealed class GoldenCoverageTests
{
    [Fact]
    public void Every_message_in_the_catalogue_has_a_golden_vector_here()
    {
        string[] covered =
        [
            "version", "verack", "ping", "pong", "getaddr", "addr", "addrv2", "sendaddrv2", "inv", "getdata", "notfound",
            "getblocks", "getheaders", "headers", "block", "tx", "mempool", "filterload", "filteradd", "filterclear",
            "merkleblock", "sendheaders", "feefilter", "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn", "wtxidrelay",
            "getcfilters", "cfilter", "getcfheaders", "cfheaders", "getcfcheckpt", "cfcheckpt", "reject", "sendtxrcncl",
            "feature",
        ];
        Assert.Equal(covered.Order(StringComparer.Ordinal), BitcoinMessages.Messages.Select(m => m.Command).Order(StringComparer.Ordinal));
    }
}
