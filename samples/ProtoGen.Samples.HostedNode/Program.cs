using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;
using ProtoGen.Samples.HostedNode;

var builder = Host.CreateApplicationBuilder(args);

// The network to sync from: a second node in this process serving mainnet blocks 1-255 on loopback. A real
// deployment lists its peers in appsettings.json ("Bitcoin:Connect") or Bitcoin__Connect__0 instead.
await using var seed = await SeedNode.StartAsync(Path.Combine(AppContext.BaseDirectory, "data", "blocks1-255.blk"));
builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Bitcoin:Connect:0", seed.Address)]);

// The five lines of docs/hosting.md.
builder.Services.AddBitcoinNode();                                   // the "Bitcoin" section, validated at start
builder.Services.AddSingleton<IBitcoinListener<Peer>, BlockLog>();   // your listeners, from DI, in order
builder.Services.AddHealthChecks().AddBitcoinNodeChecks();           // listening, peers, tip age
builder.Services.AddBitcoinEndpoint();                               // /metrics and /health on 127.0.0.1

// Report health changes on the console (the host's health check publisher runs every second).
builder.Services.AddSingleton<IHealthCheckPublisher, HealthLog>();
builder.Services.Configure<HealthCheckPublisherOptions>(options =>
{
    options.Delay = TimeSpan.FromMilliseconds(200);
    options.Period = TimeSpan.FromSeconds(1);
});

// OpenTelemetry: the peer metrics and the handshake and sync traces, exported as "Telemetry:Exporter" says.
builder.AddProtoGenTelemetry();

await builder.Build().RunAsync();
