#!/usr/bin/env bash
# Create/Get through the PostgreSQL store with 1 and 3 nodes, and through the LiteDB store, in one run on this machine
# (figures measured beside other load are only comparable within one run). Makes its own PostgreSQL 15 cluster in a
# temporary folder (as the postgres user), starts the daemons, runs `hsmkmip bench` against them and removes everything.
# Usage: tests/bench/cluster-bench.sh [SECONDS] [CONNECTIONS]   (HSMKMIP=path/to/hsmkmip, default: the test build's)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-10}"; connections="${2:-8}"
bin="${HSMKMIP:-$root/tests/HsmKmip.Server.Tests/bin/Release/net10.0/hsmkmip}"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
work="$(mktemp -d)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/password"; echo >> "$work/password"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$work"
as_pg "$pgbin/initdb" -D "$work/pg" -U hsmkmip --pwfile "$work/password" -A scram-sha-256 --no-locale >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-k $work -c listen_addresses='' -p 5999" start >/dev/null
PGPASSWORD="$(cat "$work/password")" "$pgbin/psql" -X -q -h "$work" -p 5999 -U hsmkmip -d postgres -c "CREATE DATABASE one" -c "CREATE DATABASE three"

start_node() { # name store-args... ; prints nothing, sets $port and appends the pid
  local name="$1"; shift
  mkdir -p -m 700 "$work/$name/var"
  [ -n "${token:-}" ] && ln -s "$token" "$work/$name/var/softhsm"
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve --state-dir "$work/$name/var" --listen "127.0.0.1:$port" --log-level Warning "$@" >"$work/$name.log" 2>&1 &
  pids+=($!); eval "pid_$name=$!; port_$name=$port"
  for _ in $(seq 600); do [ -S "$work/$name/var/admin.sock" ] && return 0; sleep 0.1; done
  echo "node $name did not start:"; cat "$work/$name.log"; exit 1
}
bench() { # name connections
  local p="port_$1" i="pid_$1"
  "$bin" bench --server "127.0.0.1:${!p}" --state-dir "$work/$1/var" --connections "$2" --seconds "$seconds" --mix create,get --server-pid "${!i}"
}
url() { echo "postgresql://hsmkmip@/$1?host=$work&port=5999"; }

echo "== LiteDB store, 1 node, $connections connections"
token="" start_node lite
bench lite "$connections"
echo "== PostgreSQL store, 1 node, $connections connections"
token="" start_node pg1 --store "$(url one)" --store-password-file "$work/password"
bench pg1 "$connections"
echo "== PostgreSQL store, 3 nodes sharing one token folder, $connections connections each"
token="" start_node n1 --store "$(url three)" --store-password-file "$work/password"
token="$work/n1/var/softhsm"
start_node n2 --store "$(url three)" --store-password-file "$work/password"
start_node n3 --store "$(url three)" --store-password-file "$work/password"
bench n1 "$connections" > "$work/b1" & b1=$!
bench n2 "$connections" > "$work/b2" & b2=$!
bench n3 "$connections" > "$work/b3" & b3=$!
wait $b1 $b2 $b3
for f in b1 b2 b3; do echo "-- node ${f#b}"; cat "$work/$f"; done
