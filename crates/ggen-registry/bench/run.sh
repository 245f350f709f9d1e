#!/usr/bin/env bash
# Load benchmark of ggen-registry (results in docs/benchmarks.md).
#
#   crates/ggen-registry/bench/run.sh sqlite|postgres [access-log on|off]
#
# Seeds a fresh registry with $PACKS packs through the publish API (bench_seed example), then
# measures with wrk on loopback: index fetches (random /index/<id> of all packs) and searches
# (200 different queries, 20 hits per page), and the same index files served statically by
# nginx. Prints requests/s, p50, p99 and the 1-minute load average before each run.
# Needs: release builds of ggen-registry and the bench_seed example, wrk, nginx, and for
# `postgres` a PostgreSQL installation (initdb/pg_ctl; run as the postgres user when root).
set -euo pipefail
backend=${1:?usage: run.sh sqlite|postgres [on|off]}
access_log=${2:-on}
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
target=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$target/release/ggen-registry}
SEED=${SEED:-$target/release/examples/bench_seed}
PACKS=${PACKS:-10000}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
here=$PWD/crates/ggen-registry/bench

work=$(mktemp -d /tmp/ggen-registry-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -d $work/pg ]]; then $pg_run "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

db_args=()
pg_run=""
if [[ $backend == postgres ]]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [[ $(id -u) -eq 0 ]] && pg_run="runuser -u postgres --"
  mkdir -p "$work/pg"; [[ -n $pg_run ]] && chown postgres "$work/pg"
  pg_port=$(free_port)
  $pg_run "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust --no-sync >/dev/null
  $pg_run "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE registry"
  db_args=(--database "postgres://postgres@127.0.0.1:$pg_port/registry")
fi

cat > "$work/registry.toml" <<EOF
[rate_limit]
ip_per_second = 0
token_per_second = 0
[log]
access_log = $([[ $access_log == on ]] && echo true || echo false)
EOF
token=$("$BIN" --config "$work/registry.toml" --data "$work/data" "${db_args[@]}" token create --name bench --scope 'publish:*')
port=$(free_port)
"$BIN" --config "$work/registry.toml" --data "$work/data" "${db_args[@]}" serve --bind "127.0.0.1:$port" \
  >"$work/server.out" 2>"$work/server.log" &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port"
"$SEED" "$url" "$token" "$PACKS" "$work/static"

# nginx serving the exported index files (same bytes), with ETags
nport=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log $([[ $access_log == on ]] && echo "$work/nginx/access.log" || echo off);
  sendfile on; tcp_nopush on; etag on; keepalive_requests 100000;
  types { application/json json; }
  default_type text/plain;
  server {
    listen 127.0.0.1:$nport;
    root $work/static;
    location /index/ { add_header Cache-Control "public, no-cache"; }
  }
}
EOF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5

# CPU time (clock ticks) used so far by processes $@ and their children threads
cpu_ticks() {
  local total=0 p
  for p in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

run() { # name url paths-file pids...
  local name=$1 url=$2 paths=$3
  shift 3
  local load before after
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  before=$(cpu_ticks "$@")
  local out
  out=$(PATHS="$paths" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$here/paths.lua" "$url")
  after=$(cpu_ticks "$@")
  local rps p50 p99 errors reqs cpu_us
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  # server CPU per request (µs): independent of what else runs on the machine
  cpu_us=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  printf '%-34s %10s req/s  p50 %8s  p99 %8s  server CPU %6s µs/req  load %s %s\n' \
    "$name" "$rps" "$p50" "$p99" "$cpu_us" "$load" "$errors"
}

echo "backend=$backend packs=$PACKS access_log=$access_log wrk -t$THREADS -c$CONNS -d$DURATION ($(nproc) cores)"
# warm the registry's index cache the way a first round of clients would
PATHS="$work/static/index-paths.txt" wrk -t2 -c16 -d5s -s "$here/paths.lua" "$url" >/dev/null
registry_pid=${pids[0]}
nginx_pids=$(cat "$work/nginx/nginx.pid"; pgrep -P "$(cat "$work/nginx/nginx.pid")")
run "registry index fetch ($backend)" "$url" "$work/static/index-paths.txt" "$registry_pid"
# shellcheck disable=SC2086
run "nginx index fetch (static)" "http://127.0.0.1:$nport" "$work/static/index-paths.txt" $nginx_pids
run "registry search ($backend)" "$url" "$work/static/search-paths.txt" "$registry_pid"
