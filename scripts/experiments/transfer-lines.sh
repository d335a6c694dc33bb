# Sourced by scripts/ab-peer-pair.sh and scripts/experiment-block-array-reuse.sh: the two halves they share of reading
# the plain loops' "transfer i/n (...): X MB/s, process CPU Y ms, ..." lines (bench/ProtoGen.Benchmarks/PeerPairLoop.cs).

# Reads a loop's output on stdin and appends "MB/s CPU-ms" for each transfer but the first two (warm-up) to FILE.
# Usage: "$exe" --loop ... | transfer_rows FILE
transfer_rows() {
  grep '^transfer' | tail -n +3 | sed -E 's/.*: ([0-9]+) MB\/s, process CPU ([0-9.]+) ms.*/\1 \2/' >>"$1"
}

# Prints "N transfers: MB/s best B, median M; process CPU ms per transfer least L, median C" for FILE.
transfer_summary() {
  local n mbs cpu
  n=$(wc -l <"$1")
  mbs=$(cut -d' ' -f1 "$1" | sort -n | awk '{a[NR]=$1} END {printf "best %d, median %d", a[NR], a[int((NR+1)/2)]}')
  cpu=$(cut -d' ' -f2 "$1" | sort -n | awk '{a[NR]=$1} END {printf "least %.1f, median %.1f", a[1], a[int((NR+1)/2)]}')
  echo "$n transfers: MB/s $mbs; process CPU ms per transfer $cpu"
}
