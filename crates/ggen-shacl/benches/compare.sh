#!/usr/bin/env bash
# Side-by-side: ggen-shacl and pySHACL on the same generated files, one after the other.
#
#   python3 -m venv /tmp/pyshacl-venv && /tmp/pyshacl-venv/bin/pip install pyshacl
#   crates/ggen-shacl/benches/compare.sh /tmp/shacl-bench /tmp/pyshacl-venv/bin/python
#
# Writes the data (examples/gen_bench_data.rs), then for 10^5 and 10^6 triples runs the
# ggen-shacl `validate` example (1 and 2 threads, 3 runs each) and pySHACL (3 runs for 10^5,
# 1 run for 10^6), printing load, validation wall-clock and CPU times and result counts, and
# checks that both report the same results.
set -euo pipefail
dir=${1:?output directory}
python=${2:-python3}
root=$(cd "$(dirname "$0")/../../.." && pwd)
mkdir -p "$dir"
cd "$root"
cargo build -q --release -p ggen-shacl --example validate --example gen_bench_data
bin=${CARGO_TARGET_DIR:-$root/target}/release/examples
"$bin/gen_bench_data" "$dir" 100000 1000000
for n in 100000 1000000; do
  echo "== $n triples ($(uptime | sed 's/.*load/load/'))"
  echo "-- ggen-shacl, 1 thread"
  "$bin/validate" "$dir/data-$n.nt" "$dir/shapes.ttl" json --threads 1 --repeat 3 > "$dir/ggen-$n.json" || true
  echo "-- ggen-shacl, 2 threads"
  "$bin/validate" "$dir/data-$n.nt" "$dir/shapes.ttl" summary --threads 2 --repeat 3 || true
  echo "-- pySHACL"
  runs=3; [ "$n" = 1000000 ] && runs=1
  "$python" crates/ggen-shacl/benches/pyshacl_compare.py "$dir/data-$n.nt" "$dir/shapes.ttl" $runs --compare "$dir/ggen-$n.json"
done
echo "== done ($(uptime | sed 's/.*load/load/'))"
