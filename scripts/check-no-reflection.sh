#!/usr/bin/env bash
# Fails on reflection and run-time code generation in the shipped code: src/ (runtime, peer, CLI), schema/ and the
# source the generator emits for them. Every offending line is listed with the rule it breaks.
#
#   scripts/check-no-reflection.sh            scan src/ and schema/, then build the CLI (which pulls in every shipped
#                                             project) with the generated files written out, and scan those too
#   scripts/check-no-reflection.sh PATH...    scan only these files or directories (no build)
#
# Build intermediates go to $PROTOGEN_REFLECTION_ARTIFACTS if set, else to a temporary directory removed afterwards.
# Exit status: 0 clean, 1 offending lines found, 2 the check itself failed (bad usage, build error).
# The NativeAOT publish (scripts/publish-aot.sh) is the other half: see docs/packaging.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Each rule: an extended regular expression, a tab, and why it is banned.
rules=(
  $'System\\.Reflection\tthe reflection API (System.Reflection, including Emit)'
  $'\\bActivator\\b\tActivator creates instances from run-time types'
  $'\\bdynamic\\b\tdynamic binds members at run time'
  $'\\bMake(GenericType|GenericMethod|ArrayType|ByRefType|PointerType)\\b\tbuilds types or methods at run time'
  $'\\bType\\s*\\.\\s*GetType[A-Za-z]*\\s*\\(\tlooks types up by name at run time'
  $'(typeof\\s*\\([^)]*\\)|GetType\\s*\\(\\s*\\))\\s*\\.\\s*(Get(Methods?|Property|Properties|Fields?|Members?|Constructors?|Events?|Interfaces?|NestedTypes?|CustomAttributes?|TypeInfo|GenericArguments|ElementType|DefaultMembers)|InvokeMember|Assembly|Module|TypeHandle|GenericTypeArguments|DeclaredMembers)\\b\tmember lookup on a Type'
  $'\\b(Assembly\\s*\\.\\s*(Load[A-Za-z]*|GetExecutingAssembly|GetEntryAssembly|GetCallingAssembly)|AppDomain|AssemblyLoadContext)\\b\tloads or inspects assemblies at run time'
  $'System\\.Linq\\.Expressions|\\bExpression\\s*\\.\\s*Lambda\\b|\\bExpression\\s*<\texpression trees compiled at run time'
  $'\\b(ILGenerator|DynamicMethod|AssemblyBuilder|ModuleBuilder|TypeBuilder)\\b\temits IL at run time'
  $'RegexOptions\\s*\\.\\s*Compiled\tcompiles a regex to IL at run time (use [GeneratedRegex])'
)

grep_rules() {
  # Reads NUL-separated file names on stdin; prints "LABELpath:line: [why] text" for every offending line (full-line
  # comments skipped), with STRIP removed from the front of each path.
  local label=$1 strip=$2 list rule pattern why
  list="$(mktemp)"
  cat > "$list"
  if [[ -s "$list" ]]; then
    for rule in "${rules[@]}"; do
      pattern="${rule%%$'\t'*}"
      why="${rule#*$'\t'}"
      { xargs -0 grep -HnE -- "$pattern" < "$list" || true; } \
        | { grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/\*|\*)' || true; } \
        | while IFS= read -r hit; do
            hit="${hit#"$strip"}"
            file="${hit%%:*}"
            rest="${hit#*:}"
            line="${rest%%:*}"
            text="${rest#*:}"
            text="${text#"${text%%[![:space:]]*}"}"
            printf '%s%s:%s: [%s] %s\n' "$label" "$file" "$line" "$why" "$text"
          done
    done
  fi
  rm -f "$list"
}

scan() {
  # The .cs sources under the given paths, without bin/ and obj/.
  find "$@" \( -name bin -o -name obj \) -prune -o -type f -name '*.cs' -print0 | grep_rules "" "$root/"
}

scan_generated() {
  # Every .cs file the build wrote under obj/ (generator output, build-time constants), except the SDK's
  # assembly-metadata files, which apply System.Reflection attributes at compile time and call nothing at run time.
  local count
  count="$(find "$1" -type f -name '*.cs' ! -name '*.AssemblyInfo.cs' ! -name '*.AssemblyAttributes.cs' | wc -l)"
  [[ "$count" -gt 0 ]] || { echo "check-no-reflection: no generated files under $1" >&2; exit 2; }
  find "$1" -type f -name '*.cs' ! -name '*.AssemblyInfo.cs' ! -name '*.AssemblyAttributes.cs' -print0 | grep_rules "(generated) " "$1/"
}

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

found=""
if [[ $# -gt 0 ]]; then
  for path in "$@"; do
    [[ -e "$path" ]] || { echo "check-no-reflection: $path does not exist" >&2; exit 2; }
  done
  found="$(scan "$@")"
  scope="$*"
else
  found="$(scan "$root/src" "$root/schema")"
  if [[ -n "${PROTOGEN_REFLECTION_ARTIFACTS:-}" ]]; then
    artifacts="$PROTOGEN_REFLECTION_ARTIFACTS"
  else
    artifacts="$(mktemp -d "${TMPDIR:-/tmp}/protogen-reflection.XXXXXX")"
    trap 'rm -rf "$artifacts"' EXIT
  fi
  log="$artifacts/build.log"
  mkdir -p "$artifacts"
  echo "check-no-reflection: building src/ProtoGen.Cli with the generated files written out"
  if ! dotnet build "$root/src/ProtoGen.Cli/ProtoGen.Cli.csproj" -c Release --artifacts-path "$artifacts" \
      -p:EmitCompilerGeneratedFiles=true -nodeReuse:false > "$log" 2>&1; then
    cat "$log" >&2
    echo "check-no-reflection: the build failed" >&2
    exit 2
  fi
  if [[ -z "$(find "$artifacts/obj" -path '*/generated/*' -name '*BitcoinMessages.Dispatcher.g.cs')" ]]; then
    echo "check-no-reflection: the build wrote no generator output to scan (EmitCompilerGeneratedFiles)" >&2
    exit 2
  fi
  generated="$(scan_generated "$artifacts/obj")"
  found="$found${found:+${generated:+$'\n'}}$generated"
  count="$(find "$artifacts/obj" -path '*/generated/*' -name '*.cs' | wc -l | tr -d ' ')"
  scope="src/, schema/ and $count generated files"
fi

if [[ -n "$found" ]]; then
  echo "check-no-reflection: FAILED: reflection or run-time code generation in shipped code ($(wc -l <<< "$found" | tr -d ' ') line(s)):" >&2
  sort -t: -k1,1 -k2,2n -u <<< "$found" | sed 's/^/  /' >&2
  echo "Shipped code must work under NativeAOT and trimming without reflection: use the generated codecs, dispatchers and" >&2
  echo "listeners, static abstract interface members, or a [WireCodec]; see docs/extending.md." >&2
  exit 1
fi
echo "check-no-reflection: ok ($scope)"
