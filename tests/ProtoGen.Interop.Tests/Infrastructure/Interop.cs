using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace ProtoGen.Interop.Tests.Infrastructure;

/// <summary>Where the repository is: the interop harness scripts are run from there, not from the build output.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string BcoinDir => Path.Combine(Root, "tests", "interop", "bcoin");

    private static string FindRoot()
    {
        // 1. explicit override, 2. the path baked in at build time, 3. walking up from the test binary.
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("PROTOGEN_REPO_ROOT"),
            typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ProtoGenRepoRoot")?.Value,
        };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(dir.FullName);
        }

        foreach (var candidate in candidates)
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(Path.Combine(candidate, "tests", "interop", "bcoin", "launcher.js")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new InvalidOperationException("cannot find the repository (tests/interop/bcoin/launcher.js); set PROTOGEN_REPO_ROOT to the repository root");
    }
}

/// <summary>Timeouts of the interop tests: generous, because the machine is shared and slow, but always bounded.</summary>
internal static class Timeouts
{
    /// <summary>One network round trip or one short wait.</summary>
    public static readonly TimeSpan Short = TimeSpan.FromSeconds(20);

    /// <summary>A sync or a long poll.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(90);
}

/// <summary>Polling with a deadline (never a fixed sleep for correctness).</summary>
internal static class Poll
{
    /// <summary>Calls <paramref name="probe"/> until <paramref name="done"/> holds, or fails after <paramref name="timeout"/> with the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(25);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (clock.Elapsed >= timeout)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{what}: not reached within {timeout.TotalSeconds:0} s (last value: {Describe(last)})"));
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s,
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Take(20)) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}

/// <summary>Free TCP ports on 127.0.0.1 (for programs that cannot bind port 0 themselves, like bcoin).</summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToArray();
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}

/// <summary>Peer configurations for the interop tests.</summary>
internal static class InteropConfig
{
    public const string UserAgentName = "ProtoGenInterop";

    /// <summary>A configuration whose user agent carries <paramref name="role"/>, so the remote's peer list tells connections apart.</summary>
    public static PeerConfig Create(BitcoinNetwork network, string role, IBitcoinListener<Peer>? listener = null) => new()
    {
        Network = network,
        UserAgentName = UserAgentName,
        UserAgentComments = [role],
        Listener = listener,
        NonceCache = new NonceCache(),
    };

    public static PeerConfig Regtest(string role, IBitcoinListener<Peer>? listener = null) => Create(BitcoinNetwork.Regtest, role, listener);

    /// <summary>Connects an outbound peer and waits for its handshake; disconnects it if the handshake fails.</summary>
    public static async Task<Peer> ConnectAsync(PeerConfig config, int port)
    {
        var peer = await Peer.ConnectAsync(config, "127.0.0.1", port).WaitAsync(Timeouts.Short);
        try
        {
            await peer.WaitForHandshakeAsync().WaitAsync(Timeouts.Short);
            return peer;
        }
        catch
        {
            await StopAsync(peer);
            throw;
        }
    }

    /// <summary>Disconnects and waits (bounded) until the peer has stopped.</summary>
    public static async Task StopAsync(Peer? peer)
    {
        if (peer is null)
        {
            return;
        }

        peer.Disconnect();
        await peer.WaitForDisconnectAsync().WaitAsync(Timeouts.Short);
    }
}

/// <summary>Test data shipped with the repository.</summary>
internal static class TestData
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", name));

    /// <summary>Mainnet blocks 1 to 255 (tests/data/blocks1-255.blk) as a chain.</summary>
    public static ProtoGen.Node.ChainStore MainnetBlocks1To255()
    {
        var blocks = BlockFile.Split(Read("blocks1-255.blk"), BitcoinNetwork.Mainnet.Magic).Select(b => WireSerializer.Decode<Block>(b));
        return ProtoGen.Node.ChainStore.FromBlocks(BitcoinNetwork.Mainnet, blocks);
    }

    public const string MainnetBlock255 = "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c";
}
