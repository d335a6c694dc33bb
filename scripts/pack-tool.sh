#!/usr/bin/env bash
# Packs what a .NET developer installs to host ProtoGen (docs/hosting.md, docs/packaging.md) and proves it works as
# a user would use it:
#
#   1. packs ProtoGen.Runtime, ProtoGen.Bitcoin, ProtoGen.Peers, ProtoGen.Node, ProtoGen.Hosting and the protogen .NET
#      tool into OUTPUT_DIR and checks their contents and dependencies;
#   2. installs the tool with `dotnet tool install --global --add-source OUTPUT_DIR protogen` into a fresh home with
#      its own package folder and a nuget.config holding only OUTPUT_DIR (whatever NUGET_PACKAGES the caller has),
#      and runs `protogen --version` from it;
#   3. builds and runs a fresh consumer of the ProtoGen.Hosting package (ProtoGen.* from OUTPUT_DIR only, into an
#      empty package folder): options bound and validated, the node started and stopped by the host;
#   4. publishes samples/ProtoGen.Samples.HostedNode with NativeAOT (any warning fails), runs it until it reports
#      healthy after syncing, scrapes its /metrics and /health, and stops it with SIGINT (Ctrl+C): it must exit 0.
#
#   scripts/pack-tool.sh OUTPUT_DIR [RUNTIME_ID]        # RUNTIME_ID defaults to linux-x64
#
# Work files go to $PROTOGEN_PACK_TOOL_WORK if set, else to a temporary directory removed afterwards. Exits non-zero
# on any failure, printing the log of the failing command. Called from CI.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == "-h" || "$1" == "--help" ]]; then
  echo "usage: scripts/pack-tool.sh OUTPUT_DIR [RUNTIME_ID]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
rid="${2:-linux-x64}"
if [[ -n "${PROTOGEN_PACK_TOOL_WORK:-}" ]]; then
  work="$PROTOGEN_PACK_TOOL_WORK"
  mkdir -p "$work"
  work="$(cd "$work" && pwd)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/protogen-pack-tool.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
case "$work/" in
  "$root"/*) echo "pack-tool: the work directory must be outside the repository" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
say() { echo "pack-tool: $*"; }
fail() {
  echo "pack-tool: FAILED: $*" >&2
  exit 1
}
run_logged() {
  # run_logged LOG COMMAND...: runs the command with its output in LOG; on failure shows the log and fails.
  local log=$1
  shift
  if ! "$@" > "$log" 2>&1; then
    cat "$log" >&2
    fail "$* (log: $log)"
  fi
}

# --- 1. pack -------------------------------------------------------------------------------------------------------
projects=(src/ProtoGen.Runtime schema/ProtoGen.Bitcoin src/ProtoGen.Peers src/ProtoGen.Node src/ProtoGen.Hosting src/ProtoGen.Cli)
rm -f "$out"/ProtoGen.*.nupkg "$out"/protogen.*.nupkg
for project in "${projects[@]}"; do
  say "dotnet pack $project"
  run_logged "$work/pack-$(basename "$project").log" dotnet pack "$root/$project" -c Release --artifacts-path "$work/artifacts" -o "$out" -nodeReuse:false
done

version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)"
for name in ProtoGen.Runtime ProtoGen.Bitcoin ProtoGen.Peers ProtoGen.Node ProtoGen.Hosting protogen; do
  [[ -f "$out/$name.$version.nupkg" ]] || fail "no $name.$version.nupkg in $out"
done

# --- 2. contents ---------------------------------------------------------------------------------------------------
nuspec() { unzip -p "$out/$1.$version.nupkg" "$1.nuspec"; }
files() { unzip -Z1 "$out/$1.$version.nupkg"; }
has_file() { grep -qx -- "$2" <<< "$(files "$1")" || fail "$1 lacks $2"; }
dependencies() { nuspec "$1" | grep -o '<dependency [^>]*>' || true; }
depends_on() { grep -q "id=\"$2\"" <<< "$(dependencies "$1")" || fail "$1 does not depend on $2: $(dependencies "$1")"; }

has_file protogen tools/net10.0/any/protogen.dll
has_file protogen tools/net10.0/any/DotnetToolSettings.xml
unzip -p "$out/protogen.$version.nupkg" tools/net10.0/any/DotnetToolSettings.xml | grep -q 'Command Name="protogen"' || fail "the tool's command is not named protogen"
nuspec protogen | grep -q '<packageType name="DotnetTool"' || fail "protogen is not a DotnetTool package"
[[ -z "$(dependencies protogen)" ]] || fail "a tool package has no dependencies: $(dependencies protogen)"

has_file ProtoGen.Node lib/net10.0/ProtoGen.Node.dll
has_file ProtoGen.Node lib/net10.0/ProtoGen.Node.xml
depends_on ProtoGen.Node ProtoGen.Peers
has_file ProtoGen.Hosting lib/net10.0/ProtoGen.Hosting.dll
has_file ProtoGen.Hosting lib/net10.0/ProtoGen.Hosting.xml
for dep in ProtoGen.Node Microsoft.Extensions.Hosting.Abstractions Microsoft.Extensions.Options.ConfigurationExtensions Microsoft.Extensions.Diagnostics.HealthChecks; do
  depends_on ProtoGen.Hosting "$dep"
done
! grep -qi 'OpenTelemetry' <<< "$(dependencies ProtoGen.Hosting)" || fail "ProtoGen.Hosting must not depend on an OpenTelemetry exporter: $(dependencies ProtoGen.Hosting)"
for name in protogen ProtoGen.Node ProtoGen.Hosting; do
  say "$name $version"
  unzip -l "$out/$name.$version.nupkg" | sed 's/^/    /'
  dependencies "$name" | sed 's/^/    /'
done

# Nothing from above the work directory (a Directory.Build.props in /tmp, say) may leak into the consumers.
echo '<Project />' > "$work/Directory.Build.props"
echo '<Project />' > "$work/Directory.Build.targets"

# --- 3. the tool, installed as a user installs it --------------------------------------------------------------------
# A fresh home (global tools live in $DOTNET_CLI_HOME/.dotnet/tools), its own package folder, and a nuget.config that
# knows OUTPUT_DIR only: nothing can come from the caller's NUGET_PACKAGES, cache or feeds.
toolhome="$work/tool-home"
mkdir -p "$toolhome" "$work/tool"
cat > "$work/tool/nuget.config" << EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="protogen-local" value="$out" />
  </packageSources>
</configuration>
EOF
dotnet_root="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
say "dotnet tool install --global --add-source $out protogen (fresh home $toolhome)"
(
  cd "$work/tool"
  run_logged "$work/tool-install.log" env HOME="$toolhome" DOTNET_CLI_HOME="$toolhome" NUGET_PACKAGES="$work/tool-packages" \
    dotnet tool install --global --add-source "$out" --configfile "$work/tool/nuget.config" protogen --version "$version"
)
installed="$toolhome/.dotnet/tools/protogen"
[[ -x "$installed" ]] || { cat "$work/tool-install.log" >&2; fail "no protogen command at $installed"; }
stored="$(find "$toolhome/.dotnet/tools/.store/protogen" -name "protogen.$version.nupkg" | head -n 1)"
[[ -n "$stored" ]] || fail "the installed tool's package is not in the tool store"
cmp -s "$stored" "$out/protogen.$version.nupkg" || fail "the installed tool is not the package just packed"
version_line="$(env HOME="$toolhome" DOTNET_ROOT="$dotnet_root" "$installed" --version)"
[[ "$version_line" == "protogen $version" ]] || fail "the installed protogen --version printed '$version_line'"
messages_line="$(env HOME="$toolhome" DOTNET_ROOT="$dotnet_root" "$installed" messages | tail -n 1)"
say "installed tool: $version_line; messages: $messages_line"

# --- 4. a consumer of the ProtoGen.Hosting package --------------------------------------------------------------------
mapfile -t upstream < <(cd "$work" && dotnet nuget list source --format short | sed -n 's/^ *E[A-Za-z]* \{1,\}//p')
[[ ${#upstream[@]} -gt 0 ]] || fail "no enabled NuGet source on this machine for third-party packages"
mkdir -p "$work/hosting-consumer"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <config><add key="globalPackagesFolder" value="packages" /></config>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"protogen-local\" value=\"$out\" />"
  for i in "${!upstream[@]}"; do echo "    <add key=\"upstream$i\" value=\"${upstream[$i]}\" />"; done
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="protogen-local"><package pattern="ProtoGen.*" /></packageSource>'
  for i in "${!upstream[@]}"; do echo "    <packageSource key=\"upstream$i\"><package pattern=\"*\" /></packageSource>"; done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} > "$work/hosting-consumer/nuget.config"
cat > "$work/hosting-consumer/HostingConsumer.csproj" << EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <IsAotCompatible>true</IsAotCompatible>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="ProtoGen.Hosting" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
  </ItemGroup>
</Project>
EOF
cat > "$work/hosting-consumer/Program.cs" << 'EOF'
using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ProtoGen.Node;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddInMemoryCollection([
    new KeyValuePair<string, string?>("Bitcoin:Network", "regtest"),
    new KeyValuePair<string, string?>("Bitcoin:Listen", "127.0.0.1:0"),
    new KeyValuePair<string, string?>("Bitcoin:UserAgentName", "Consumer"),
]);
builder.Services.AddBitcoinNode();
builder.Services.AddHealthChecks().AddBitcoinNodeChecks();
using var host = builder.Build();
await host.StartAsync();
var node = host.Services.GetRequiredService<BitcoinNode>();
Console.WriteLine($"hosting consumer: {node.Chain.Network.Name} node {node.Settings.Peer.UserAgent} listening {node.IsListening}");
await host.StopAsync();

var bad = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
bad.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Bitcoin:Network", "moonnet")]);
bad.Services.AddBitcoinNode();
using var badHost = bad.Build();
try
{
    await badHost.StartAsync();
}
catch (OptionsValidationException e)
{
    Console.WriteLine("hosting consumer: refused: " + e.Message);
}
EOF
say "a fresh consumer of ProtoGen.Hosting $version (ProtoGen.* from $out, empty package folder)"
(
  cd "$work/hosting-consumer"
  # The consumer's own package folder, whatever the caller's NUGET_PACKAGES or RestorePackagesPath say.
  export NUGET_PACKAGES="$work/hosting-consumer/packages"
  unset RestorePackagesPath
  run_logged "$work/hosting-consumer-build.log" dotnet build -c Release --artifacts-path "$work/hosting-consumer-artifacts" -nodeReuse:false
  run_logged "$work/hosting-consumer-run.log" dotnet run -c Release --no-build --artifacts-path "$work/hosting-consumer-artifacts"
)
source_line="$(grep -o '"source": *"[^"]*"' "$work/hosting-consumer/packages/protogen.hosting/$version/.nupkg.metadata")"
grep -q "$out" <<< "$source_line" || fail "ProtoGen.Hosting was restored from elsewhere: $source_line"
grep -qx "hosting consumer: regtest node /Consumer:0.1.0/ listening True" "$work/hosting-consumer-run.log" || { cat "$work/hosting-consumer-run.log" >&2; fail "the hosting consumer's node"; }
grep -F "hosting consumer: refused: " "$work/hosting-consumer-run.log" | grep -qF "Bitcoin:Network: 'moonnet' is not a network (mainnet, testnet3, testnet4, signet, regtest)" \
  || { cat "$work/hosting-consumer-run.log" >&2; fail "the hosting consumer's validation error"; }
sed 's/^/    /' "$work/hosting-consumer-run.log"

# --- 5. the hosted sample as a NativeAOT executable --------------------------------------------------------------------
sample="$work/hosted-node"
say "dotnet publish samples/ProtoGen.Samples.HostedNode -r $rid (NativeAOT)"
run_logged "$work/hosted-node-publish.log" dotnet publish "$root/samples/ProtoGen.Samples.HostedNode" -c Release -r "$rid" \
  --artifacts-path "$work/hosted-node-artifacts" -o "$sample" -p:TreatWarningsAsErrors=true -nodeReuse:false
if grep -E ': warning [A-Z]+[0-9]+' "$work/hosted-node-publish.log" | grep -v NU1603 | sort -u | grep .; then
  fail "the hosted sample's NativeAOT publish has warnings"
fi
binary="$sample/hosted-node"
[[ -x "$binary" ]] || fail "no native executable at $binary"
size="$(stat -c %s "$binary")"
say "hosted-node: $size bytes, no warnings"

log="$work/hosted-node.log"
(cd "$sample" && exec "$binary") > "$log" 2>&1 < /dev/null &
pid=$!
stop_sample() { kill -KILL "$pid" 2> /dev/null || true; }
healthy=""
for _ in $(seq 1 600); do # at most 60 s: a hang guard, not a timing check
  if grep -q 'health: Healthy' "$log"; then healthy=1; break; fi
  kill -0 "$pid" 2> /dev/null || break
  sleep 0.1
done
[[ -n "$healthy" ]] || { stop_sample; cat "$log" >&2; fail "the hosted sample never reported healthy"; }
# Bitcoin:Health:MinHeight is 255 in the sample's appsettings.json: healthy means synced.
grep 'health: Healthy' "$log" | grep -q 'bitcoin-tip: Healthy (height 255, ' || { stop_sample; cat "$log" >&2; fail "the hosted sample was healthy before it synced"; }
grep -q 'Synced from peer [0-9]*: 255 headers, 255 blocks, height 255' "$log" || { stop_sample; cat "$log" >&2; fail "the hosted sample did not sync 255 blocks"; }
endpoint="$(sed -n 's|.*Metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics.*|\1|p' "$log" | head -n 1)"
[[ -n "$endpoint" ]] || { stop_sample; fail "the hosted sample did not say where its metrics are"; }
http_get() {
  # http_get PATH: GET http://127.0.0.1:$endpoint/PATH with bash's /dev/tcp (no curl needed).
  exec 3<> "/dev/tcp/127.0.0.1/$endpoint"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  timeout 30 cat <&3
  exec 3<&-
}
metrics="$(http_get /metrics)"
health="$(http_get /health)"
grep -q '^HTTP/1.1 200 OK' <<< "$metrics" || { stop_sample; fail "GET /metrics: $(head -n 1 <<< "$metrics")"; }
grep -q '^protogen_peer_messages_total{bitcoin_command="block",network_io_direction="receive"} 255' <<< "$metrics" \
  || { stop_sample; echo "$metrics" >&2; fail "/metrics does not count the blocks received"; }
grep -q '^HTTP/1.1 200 OK' <<< "$health" && grep -q '^Healthy' <<< "$health" || { stop_sample; echo "$health" >&2; fail "GET /health"; }

# A process started from a shell that ignores SIGINT (CI launched with nohup, or as a background job without job
# control) inherits that: .NET then never sees Ctrl+C. Stop it with SIGTERM, which the host handles the same way, and
# say so, rather than wait for ever.
stop_signal=INT
ignored="$(sed -n 's/^SigIgn:[[:space:]]*//p' "/proc/$pid/status" 2> /dev/null || true)"
if (( 0x${ignored:-0} & 2 )); then
  say "hosted-node: SIGINT is ignored in this environment (inherited); stopping with SIGTERM instead"
  stop_signal=TERM
fi
kill -"$stop_signal" "$pid"
# A hang guard, not a timing check: a sample still running 30 s later is killed (and exits 137).
( sleep 30; kill -KILL "$pid" 2> /dev/null ) > /dev/null 2>&1 &
watchdog=$!
status=0
wait "$pid" || status=$?
pkill -P "$watchdog" sleep 2> /dev/null || true
kill "$watchdog" 2> /dev/null || true
[[ $status -eq 0 ]] || { cat "$log" >&2; fail "the hosted sample exited $status after SIG$stop_signal (137: still running 30 s later)"; }
grep -q 'Application is shutting down' "$log" || fail "the host did not shut down on SIG$stop_signal"
grep -q 'Node stopped (' "$log" || { cat "$log" >&2; fail "the node did not report stopping"; }
say "hosted-node: synced, healthy, /metrics and /health served, stopped on SIG$stop_signal with exit 0"
say "ok: packages and the protogen tool $version in $out"
