using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ProtoGen.Hosting.Tests.Infrastructure;

namespace ProtoGen.Hosting.Tests;

/// <summary>Invalid options stop the host from starting, with an error that names the option.</summary>
public class OptionsValidationTests
{
    [Theory]
    [InlineData("Bitcoin:Network", "moonnet", "Bitcoin:Network: 'moonnet' is not a network (mainnet, testnet3, testnet4, signet, regtest)")]
    [InlineData("Bitcoin:Listen", "127.0.0.1:99999", "Bitcoin:Listen: '127.0.0.1:99999' is not an address:port to listen on")]
    [InlineData("Bitcoin:Connect:0", "bad host:1", "Bitcoin:Connect:0: 'bad host:1' is not a host:port to connect to")]
    [InlineData("Bitcoin:ReconnectDelay", "-00:00:01", "Bitcoin:ReconnectDelay: -00:00:01 must be positive")]
    [InlineData("Bitcoin:UserAgentName", "a/b", "UserAgentName")]
    [InlineData("Bitcoin:Limits:SendQueueCapacity", "0", "Limits.SendQueueCapacity")]
    [InlineData("Bitcoin:Limits:MaxInventoryPerMessage", "50001", "Limits.MaxInventoryPerMessage")]
    [InlineData("Bitcoin:Limits:HandshakeTimeout", "00:00:00", "Bitcoin:Limits:HandshakeTimeout: 00:00:00 must be positive")]
    [InlineData("Bitcoin:Limits:MaxInbound", "-1", "Limits.MaxInbound")]
    [InlineData("Bitcoin:Limits:ListenBacklog", "0", "Limits.ListenBacklog")]
    [InlineData("Bitcoin:Limits:HandshakeBurst", "0", "Limits.HandshakeBurst")]
    [InlineData("Bitcoin:Limits:HandshakeRate", "0", "Bitcoin:Limits:HandshakeRate: 0 must be above 0")]
    [InlineData("Bitcoin:Limits:SourceHandshakeRate", "-2", "Bitcoin:Limits:SourceHandshakeRate: -2 must be above 0")]
    [InlineData("Bitcoin:Limits:MaxSendBuffer", "0", "Limits.MaxSendBuffer")]
    [InlineData("Bitcoin:Limits:MaxPartialMessageBytes", "0", "Bitcoin:Limits:MaxPartialMessageBytes: 0 must be positive")]
    [InlineData("Bitcoin:Limits:MaxQueuedSendBytes", "-5", "Bitcoin:Limits:MaxQueuedSendBytes: -5 must be positive")]
    [InlineData("Bitcoin:Limits:OverBudgetDeadline", "-00:00:01", "Bitcoin:Limits:OverBudgetDeadline: -00:00:01 must not be negative")]
    [InlineData("Bitcoin:Health:MinPeers", "-1", "Health.MinPeers")]
    [InlineData("Bitcoin:Health:MaxTipAge", "-01:00:00", "Bitcoin:Health:MaxTipAge: -01:00:00 must be positive")]
    public async Task A_bad_node_option_fails_the_start_naming_it(string key, string value, string expected)
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddBitcoinNode();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(BitcoinNodeOptions), error.OptionsType);
    }

    [Theory]
    [InlineData("Bitcoin:Endpoint:Port", "70000", "Port")]
    [InlineData("Bitcoin:Endpoint:Address", "localhost", "Bitcoin:Endpoint:Address: 'localhost' is not an IP address")]
    public async Task A_bad_endpoint_option_fails_the_start_naming_it(string key, string value, string expected)
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddBitcoinEndpoint();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_does_not_convert_names_its_key()
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:Limits:SendQueueCapacity"] = "lots" });
        builder.Services.AddBitcoinNode();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("Bitcoin:Limits:SendQueueCapacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blocks_file_that_cannot_be_read_names_the_option()
    {
        var builder = TestHosts.Builder(new Dictionary<string, string?> { ["Bitcoin:BlocksFile"] = "/no/such/protogen/blocks.blk" });
        builder.Services.AddBitcoinNode();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.StartsWith("Bitcoin:BlocksFile: cannot load '/no/such/protogen/blocks.blk'", error.Message, StringComparison.Ordinal);
    }
}
