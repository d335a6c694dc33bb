#!/usr/bin/env bash
# Packs the NuGet packages a user installs (ProtoGen.Runtime with the generator inside, ProtoGen.Bitcoin,
# ProtoGen.Peers) into OUTPUT_DIR, checks what is in them, then proves they work as a user would use them:
#
#   1. a fresh consumer project outside the repository, whose nuget.config takes ProtoGen.* from OUTPUT_DIR only
#      (package source mapping) and everything else from this machine's usual sources, into an empty package folder;
#      it declares its own message set, is built and run, and must print the expected encoding, dispatch and peer
#      exchange;
#   2. a consumer with a declaration mistake, whose build must fail with the generator's diagnostic at file(line,col);
#   3. samples/ProtoGen.Samples.Chat built with -p:ProtoGenFromPackages=true.
#
#   scripts/pack.sh OUTPUT_DIR
#
# Work files (build intermediates, consumers, their package folder) go to $PROTOGEN_PACK_WORK if set, else to a
# temporary directory removed afterwards. Exits non-zero on any failure. Called from CI. docs/packaging.md
set -euo pipefail

if [[ $# -ne 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  echo "usage: scripts/pack.sh OUTPUT_DIR" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
if [[ -n "${PROTOGEN_PACK_WORK:-}" ]]; then
  work="$PROTOGEN_PACK_WORK"
  mkdir -p "$work"
  work="$(cd "$work" && pwd)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/protogen-pack.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
case "$work/" in
  "$root"/*) echo "pack: the work directory must be outside the repository" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
fail() {
  echo "pack: FAILED: $*" >&2
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

packages=(src/ProtoGen.Runtime/ProtoGen.Runtime.csproj schema/ProtoGen.Bitcoin/ProtoGen.Bitcoin.csproj src/ProtoGen.Peers/ProtoGen.Peers.csproj)
rm -f "$out"/ProtoGen.*.nupkg

# --- 1. pack -------------------------------------------------------------------------------------------------------
for project in "${packages[@]}"; do
  name="$(basename "$project" .csproj)"
  echo "pack: dotnet pack $project"
  run_logged "$work/pack-$name.log" dotnet pack "$root/$project" -c Release --artifacts-path "$work/artifacts" -o "$out" -nodeReuse:false
done

version=""
for name in ProtoGen.Runtime ProtoGen.Bitcoin ProtoGen.Peers; do
  nupkg="$(find "$out" -maxdepth 1 -name "$name.[0-9]*.nupkg" | head -n 1)"
  [[ -n "$nupkg" ]] || fail "no $name package in $out"
  v="$(basename "$nupkg" .nupkg)"
  v="${v#"$name."}"
  [[ -z "$version" || "$version" == "$v" ]] || fail "$name is version $v, the others $version"
  version="$v"
done

# --- 2. contents ---------------------------------------------------------------------------------------------------
nuspec() { unzip -p "$out/$1.$version.nupkg" "$1.nuspec"; }
files() { unzip -Z1 "$out/$1.$version.nupkg"; }
# (Lists are read whole before grep: with pipefail, grep -q closing the pipe early would fail the pipeline.)
has_file() { grep -qx -- "$2" <<< "$(files "$1")" || fail "$1 lacks $2"; }
lacks_file() { ! grep -qE -- "$2" <<< "$(files "$1")" || fail "$1 must not contain $2"; }
dependencies() { nuspec "$1" | grep -o '<dependency [^>]*>' || true; }

has_file ProtoGen.Runtime lib/net10.0/ProtoGen.Runtime.dll
has_file ProtoGen.Runtime lib/net10.0/ProtoGen.Runtime.xml
has_file ProtoGen.Runtime analyzers/dotnet/cs/ProtoGen.Generators.dll
[[ -z "$(dependencies ProtoGen.Runtime)" ]] || fail "ProtoGen.Runtime must have no dependencies: $(dependencies ProtoGen.Runtime)"

has_file ProtoGen.Bitcoin lib/net10.0/ProtoGen.Bitcoin.dll
has_file ProtoGen.Bitcoin lib/net10.0/ProtoGen.Bitcoin.xml
lacks_file ProtoGen.Bitcoin '^analyzers/'
has_file ProtoGen.Peers lib/net10.0/ProtoGen.Peers.dll
has_file ProtoGen.Peers lib/net10.0/ProtoGen.Peers.xml
lacks_file ProtoGen.Peers '^analyzers/'

for name in ProtoGen.Bitcoin ProtoGen.Peers; do
  deps="$(dependencies "$name")"
  ! grep -q 'ProtoGen.Generators' <<< "$deps" || fail "$name depends on the generator: $deps"
  # The generator reaches a user through ProtoGen.Runtime's analyzers, so that dependency must not exclude them.
  runtime="$(grep 'id="ProtoGen.Runtime"' <<< "$deps")" || fail "$name does not depend on ProtoGen.Runtime: $deps"
  grep -q "version=\"$version\"" <<< "$runtime" || fail "$name depends on another ProtoGen.Runtime: $runtime"
  ! grep -qi 'exclude="[^"]*analyzers' <<< "$runtime" || fail "$name's dependency on ProtoGen.Runtime excludes its analyzers: $runtime"
done
grep -q 'id="ProtoGen.Bitcoin"' <<< "$(dependencies ProtoGen.Peers)" || fail "ProtoGen.Peers does not depend on ProtoGen.Bitcoin"
grep -q 'id="Microsoft.Extensions.Logging.Abstractions"' <<< "$(dependencies ProtoGen.Peers)" || fail "ProtoGen.Peers does not depend on Microsoft.Extensions.Logging.Abstractions"

for name in ProtoGen.Runtime ProtoGen.Bitcoin ProtoGen.Peers; do
  echo "pack: $name $version"
  unzip -l "$out/$name.$version.nupkg" | sed 's/^/    /'
  dependencies "$name" | sed 's/^/    /'
done

# --- 3. a consumer that takes ProtoGen.* from OUTPUT_DIR only --------------------------------------------------------
# This machine's own package sources (whatever they are) serve third-party packages; ProtoGen.* map to OUTPUT_DIR alone.
mapfile -t upstream < <(cd "$work" && dotnet nuget list source --format short | sed -n 's/^ *E[A-Za-z]* \{1,\}//p')
[[ ${#upstream[@]} -gt 0 ]] || fail "no enabled NuGet source on this machine for third-party packages"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <config>'
  echo '    <!-- An empty package folder: nothing comes from an earlier restore. -->'
  echo '    <add key="globalPackagesFolder" value="packages" />'
  echo '  </config>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"protogen-local\" value=\"$out\" />"
  for i in "${!upstream[@]}"; do
    echo "    <add key=\"upstream$i\" value=\"${upstream[$i]}\" />"
  done
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="protogen-local">'
  echo '      <package pattern="ProtoGen.*" />'
  echo '    </packageSource>'
  for i in "${!upstream[@]}"; do
    echo "    <packageSource key=\"upstream$i\">"
    echo '      <package pattern="*" />'
    echo '    </packageSource>'
  done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} > "$work/nuget.config"
# Nothing from above the work directory (a Directory.Build.props in /tmp, say) may leak into the consumers.
echo '<Project />' > "$work/Directory.Build.props"
echo '<Project />' > "$work/Directory.Build.targets"
# Nor the caller's package folder: NUGET_PACKAGES (which many CI systems set) and RestorePackagesPath (an environment
# variable is an MSBuild property) win over the config's globalPackagesFolder, and would send the consumers' packages
# somewhere the checks below do not look. From here on, every restore uses the work folder, named explicitly.
consumer_packages="$work/packages"
mkdir -p "$consumer_packages"
export NUGET_PACKAGES="$consumer_packages"
unset RestorePackagesPath

consumer_project() {
  cat << EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <IsAotCompatible>true</IsAotCompatible>
    <InvariantGlobalization>true</InvariantGlobalization>
  </PropertyGroup>
  <ItemGroup>
    <!-- The one reference a user adds: it brings ProtoGen.Bitcoin, ProtoGen.Runtime and the generator. -->
    <PackageReference Include="ProtoGen.Peers" Version="$version" />
  </ItemGroup>
</Project>
EOF
}

mkdir -p "$work/consumer"
consumer_project > "$work/consumer/Consumer.csproj"
cat > "$work/consumer/Program.cs" << 'EOF'
using System;
using System.IO.Pipelines;
using System.Linq;
using System.Threading.Tasks;
using ProtoGen;
using ProtoGen.Bitcoin;
using ProtoGen.Peers;

namespace Consumer;

/// <summary>The consumer's own message set: the generator in the ProtoGen.Runtime package fills it in.</summary>
[MessageSet("Weather")]
public static partial class WeatherMessages;

/// <summary>A nested wire type.</summary>
[WireType]
public readonly partial record struct Station
{
    public uint Id { get; init; }

    [MaxLength(32)]
    public string Name { get; init; }
}

/// <summary>A message of the consumer's own.</summary>
[Message("weather")]
public sealed partial record WeatherReportMessage
{
    public Station Station { get; init; }

    public short TenthsCelsius { get; init; }

    [Since(70016)]
    public byte Humidity { get; init; }
}

/// <summary>The generated listener interface, implemented by the consumer.</summary>
public sealed class Printer : IWeatherListener<string>
{
    public void OnWeatherReport(string peer, WeatherReportMessage message) =>
        Console.WriteLine($"dispatched {WeatherReportMessage.CommandName} from {peer}: station {message.Station.Id} '{message.Station.Name}' {message.TenthsCelsius / 10.0:0.0}C humidity {message.Humidity}");
}

public static class Program
{
    public static async Task<int> Main()
    {
        var report = new WeatherReportMessage { Station = new Station { Id = 7, Name = "Zurich" }, TenthsCelsius = 215, Humidity = 40 };

        // The generated codec, both ways, and the generated dispatcher.
        byte[] bytes = WireSerializer.Encode(report);
        Console.WriteLine($"encoded {WeatherReportMessage.CommandName} {Convert.ToHexStringLower(bytes)}");
        if (WireSerializer.Decode<WeatherReportMessage>(bytes) != report)
        {
            Console.WriteLine("decode mismatch");
            return 1;
        }

        var reader = new WireReader(bytes);
        if (!WeatherMessages.TryDispatch("local", WeatherReportMessage.Command, ref reader, new Printer()))
        {
            return 1;
        }

        Console.WriteLine($"catalogue: {string.Join(",", WeatherMessages.Messages.Select(m => m.Command))}; bitcoin set: {BitcoinMessages.Messages.Count} messages");

        // Composed with the Bitcoin set on two peers over an in-memory connection.
        var received = new TaskCompletionSource<(WeatherReportMessage Report, int Version)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var weather = new WeatherListeners<Peer> { OnWeatherReport = (peer, message) => received.TrySetResult((message, peer.ProtocolVersion)) };
        var bitcoin = new BitcoinListeners<Peer>();
        var toServer = new Pipe();
        var toClient = new Pipe();
        var clientConfig = new PeerConfig { Network = BitcoinNetwork.Regtest, NonceCache = new NonceCache(), Listener = bitcoin };
        var serverConfig = clientConfig with { NonceCache = new NonceCache(), MessageSets = [WeatherMessages.CreateDispatcher<Peer>(weather)] };
        var client = Peer.Create(clientConfig, PeerDirection.Outbound, new Duplex(toClient.Reader, toServer.Writer));
        var server = Peer.Create(serverConfig, PeerDirection.Inbound, new Duplex(toServer.Reader, toClient.Writer));
        server.Start();
        client.Start();
        await client.WaitForHandshakeAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await client.SendAsync(report).WaitAsync(TimeSpan.FromSeconds(30));
        var (got, version) = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        TimeSpan rtt = await client.PingAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"peer received {WeatherReportMessage.CommandName} at protocol {version}: {(got == report ? "equal" : "DIFFERENT")}; bitcoin ping answered");
        client.Disconnect();
        server.Disconnect();
        await Task.WhenAll(client.WaitForDisconnectAsync(), server.WaitForDisconnectAsync()).WaitAsync(TimeSpan.FromSeconds(30));
        return got == report ? 0 : 1;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
EOF

echo "pack: building a consumer of the packages in $work/consumer"
run_logged "$work/consumer-restore.log" dotnet restore "$work/consumer/Consumer.csproj" --artifacts-path "$work/consumer-artifacts" \
  --packages "$consumer_packages"

# Where each ProtoGen package came from: OUTPUT_DIR, and byte for byte the file packed above.
for name in ProtoGen.Runtime ProtoGen.Bitcoin ProtoGen.Peers; do
  lower="$(tr '[:upper:]' '[:lower:]' <<< "$name")"
  metadata="$consumer_packages/$lower/$version/.nupkg.metadata"
  [[ -f "$metadata" ]] || fail "$name was not restored into the consumer's package folder"
  source="$(sed -n 's/.*"source": *"\([^"]*\)".*/\1/p' "$metadata")"
  [[ "${source%/}" == "$out" ]] || fail "$name was restored from '$source', not from $out"
  expected="$(openssl dgst -sha512 -binary "$out/$name.$version.nupkg" | base64 -w0)"
  actual="$(sed -n 's/.*"contentHash": *"\([^"]*\)".*/\1/p' "$metadata")"
  [[ "$actual" == "$expected" ]] || fail "$name in the consumer is not the package just packed"
  echo "pack: consumer restored $name $version from $source"
done

run_logged "$work/consumer-build.log" dotnet build "$work/consumer/Consumer.csproj" -c Release --no-restore --artifacts-path "$work/consumer-artifacts" -nodeReuse:false
if ! output="$(dotnet "$work/consumer-artifacts/bin/Consumer/release/Consumer.dll" 2>&1)"; then
  echo "$output" >&2
  fail "the consumer exited with an error"
fi
echo "$output" | sed 's/^/    /'
expect_line() {
  grep -qxF -- "$1" <<< "$output" || fail "the consumer did not print: $1"
}
expect_line "encoded weather 07000000065a7572696368d70028"
expect_line "dispatched weather from local: station 7 'Zurich' 21.5C humidity 40"
expect_line "catalogue: weather; bitcoin set: 37 messages"
expect_line "peer received weather at protocol 70017: equal; bitcoin ping answered"
echo "pack: the consumer built against the packages and ran (the generator ran from the ProtoGen.Runtime package)"

# --- 4. the generator's diagnostics in a consumer --------------------------------------------------------------------
mkdir -p "$work/broken"
consumer_project > "$work/broken/Broken.csproj"
cat > "$work/broken/Broken.cs" << 'EOF'
using ProtoGen;

namespace Broken;

[MessageSet("Broken")]
public static partial class BrokenMessages;

[Message("blob")]
public sealed partial record BlobMessage
{
    public WireBytes Data { get; init; }
}

public static class Program
{
    public static void Main()
    {
    }
}
EOF
echo "pack: building a consumer with a declaration mistake (expecting PGEN0102)"
set +e
dotnet build "$work/broken/Broken.csproj" -c Release --artifacts-path "$work/broken-artifacts" -p:RestorePackagesPath="$consumer_packages" \
  -nodeReuse:false -v:q -clp:NoSummary > "$work/broken-build.log" 2>&1
code=$?
set -e
[[ $code -ne 0 ]] || fail "the broken consumer built"
grep -qE "^$work/broken/Broken.cs\(11,22\): error PGEN0102: Field 'Data' of 'BlobMessage' is variable-length" "$work/broken-build.log" || {
  cat "$work/broken-build.log" >&2
  fail "the broken consumer did not report PGEN0102 at Broken.cs(11,22)"
}
grep -E "error PGEN0102" "$work/broken-build.log" | head -n 1 | sed "s|$work/||; s|^|    |"

# --- 5. the sample, built from the packages -----------------------------------------------------------------------
echo "pack: building samples/ProtoGen.Samples.Chat from the packages"
sample="$root/samples/ProtoGen.Samples.Chat/ProtoGen.Samples.Chat.csproj"
run_logged "$work/sample-restore.log" dotnet restore "$sample" --configfile "$work/nuget.config" --artifacts-path "$work/sample-artifacts" \
  --packages "$consumer_packages" -p:ProtoGenFromPackages=true -p:ProtoGenPackageVersion="$version"
run_logged "$work/sample-build.log" dotnet build "$sample" -c Release --no-restore --artifacts-path "$work/sample-artifacts" \
  -p:ProtoGenFromPackages=true -p:ProtoGenPackageVersion="$version" -nodeReuse:false
assets="$(cat "$work/sample-artifacts/obj/ProtoGen.Samples.Chat/project.assets.json")"
grep -qF "\"ProtoGen.Peers/$version\": {" <<< "$assets" && grep -qE "\"$consumer_packages/?\": \{\}" <<< "$assets" \
  || fail "the sample did not restore ProtoGen.Peers $version into $consumer_packages"
! grep -qF '"type": "project"' <<< "$assets" || fail "the sample built from packages still references projects"

echo "pack: ok: ProtoGen.Runtime, ProtoGen.Bitcoin and ProtoGen.Peers $version in $out"
