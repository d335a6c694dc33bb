using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProtoGen.Bitcoin;
using ProtoGen.Node;
using ProtoGen.Peers;

namespace ProtoGen.Hosting;

/// <summary>Builds the hosted <see cref="BitcoinNode"/> from the validated options and the services.</summary>
internal static class BitcoinNodeFactory
{
    /// <summary>The category of the node's log.</summary>
    public const string NodeLogCategory = "ProtoGen.Node";

    /// <summary>The category of the peers' log.</summary>
    public const string PeerLogCategory = "ProtoGen.Peer";

    public static BitcoinNode Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<BitcoinNodeOptions>>().Value;
        return new BitcoinNode(CreateSettings(options, services));
    }

    /// <summary>
    /// The node's settings: peers from the options (network, user agent, limits, a budget of the node's own), the
    /// admission limits, the services' logger factory and
    /// <see cref="TimeProvider"/>; the chain registered as a service, else the options' blk file, else genesis; every
    /// registered <see cref="IBitcoinListener{TPeer}"/> of <see cref="Peer"/>, in registration order.
    /// </summary>
    public static BitcoinNodeSettings CreateSettings(BitcoinNodeOptions options, IServiceProvider services)
    {
        if (!BitcoinNetwork.TryGet(options.Network, out var network))
        {
            throw new OptionsValidationException(BitcoinNodeOptions.SectionName, typeof(BitcoinNodeOptions), [$"Bitcoin:Network: '{options.Network}' is not a network"]);
        }

        var logs = services.GetService<ILoggerFactory>();
        var peer = options.Limits.ApplyTo(new PeerConfig
        {
            Network = network,
            UserAgentName = options.UserAgentName,
            UserAgentVersion = options.UserAgentVersion,
            Logger = logs?.CreateLogger(PeerLogCategory),
            TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System,
        });

        var connect = new List<DnsEndPoint>(options.Connect.Count);
        foreach (var address in options.Connect)
        {
            Addresses.TryParseConnect(address, network.DefaultPort, out var endPoint);
            connect.Add(endPoint);
        }

        IPEndPoint? listen = null;
        if (!string.IsNullOrEmpty(options.Listen))
        {
            Addresses.TryParseListen(options.Listen, network.DefaultPort, out listen);
        }

        return new BitcoinNodeSettings
        {
            Peer = peer,
            Chain = services.GetService<ChainStore>() ?? LoadChain(options.BlocksFile, network),
            Listen = listen,
            Admission = options.Limits.ToAdmission(),
            Connect = connect,
            Sync = options.Sync,
            Listeners = [.. services.GetServices<IBitcoinListener<Peer>>()],
            ReconnectDelay = options.ReconnectDelay,
            Logger = logs?.CreateLogger(NodeLogCategory),
        };
    }

    private static ChainStore? LoadChain(string? blocksFile, BitcoinNetwork network)
    {
        if (string.IsNullOrEmpty(blocksFile))
        {
            return null;
        }

        try
        {
            return ChainStore.FromBlockFile(network, File.ReadAllBytes(blocksFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ProtocolException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Bitcoin:BlocksFile: cannot load '{blocksFile}': {e.Message}", e);
        }
    }
}
