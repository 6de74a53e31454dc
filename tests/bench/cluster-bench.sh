#!/usr/bin/env bash
# Create/Get through the PostgreSQL store with 1 node and then 3 nodes (one `hsmkmip bench` spreading its connections over
# the three), and through the LiteDB store, in one run on this machine (figures measured beside other load are only
# comparable within one run). Makes its own PostgreSQL cluster in a temporary folder (as the postgres user), starts the
# daemons (the three nodes share one SoftHSM2 token folder and one CA, as a cluster does), runs `hsmkmip bench` (KMIP 1.2,
# Create AES-256 and Get in turn) against them, prints each run and then one table, and removes everything.
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
PGPASSWORD="$(cat "$work/password")" "$pgbin/psql" -X -q -h "$work" -p 5999 -U hsmkmip -d postgres -c "CREATE DATABASE cluster"

start_node() { # name store-args... ; sets pid_NAME and port_NAME
  local name="$1"; shift
  mkdir -p -m 700 "$work/$name/var"
  # Nodes after the first use the first node's token folder and its CA and certificates (one client bundle for all).
  if [ -n "${first:-}" ]; then ln -s "$work/$first/var/softhsm" "$work/$name/var/softhsm"; cp -a "$work/$first/var/tls" "$work/$name/var/tls"; fi
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve --state-dir "$work/$name/var" --listen "127.0.0.1:$port" --admin-listen off --log-level Warning "$@" >"$work/$name.log" 2>&1 &
  pids+=($!); eval "pid_$name=$!; port_$name=$port"
  for _ in $(seq 600); do [ -S "$work/$name/var/admin.sock" ] && return 0; sleep 0.1; done
  echo "node $name did not start:"; cat "$work/$name.log"; exit 1
}
bench() { # label state-node node...
  local label="$1" state="$2"; shift 2
  local args=() n p i
  for n in "$@"; do p="port_$n"; i="pid_$n"; args+=(--server "127.0.0.1:${!p}" --server-pid "${!i}"); done
  echo "== $label"
  "$bin" bench "${args[@]}" --state-dir "$work/$state/var" --connections "$connections" --seconds "$seconds" --protocol 1.2 --mix create,get | tee "$work/$label.out"
  labels+=("$label")
}
url="postgresql://hsmkmip@/cluster?host=$work&port=5999"
labels=()

first="" start_node lite
bench "LiteDB, 1 node" lite lite
first="" start_node n1 --store "$url" --store-password-file "$work/password"
bench "PostgreSQL, 1 node" n1 n1
first=n1 start_node n2 --store "$url" --store-password-file "$work/password"
first=n1 start_node n3 --store "$url" --store-password-file "$work/password"
bench "PostgreSQL, 3 nodes" n1 n1 n2 n3

echo
echo "$connections connections, KMIP 1.2, Create AES-256 and Get in turn, $seconds s after 1 s warm-up; $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
echo "| store, nodes | ops/s (Create + Get) | Create ops/s | Create p50 | Get ops/s | Get p50 | server CPU per op | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for l in "${labels[@]}"; do
  awk -v label="$l" '
    /^total:/ { total=$4; errors=$6 }
    /^create / { cops=$4; cp50=$7 }
    /^get / { gops=$4; gp50=$7 }
    /^server CPU:/ { cpu=$7 }
    END { printf "| %s | %s | %s | %s ms | %s | %s ms | %s µs | %s |\n", label, total, cops, cp50, gops, gp50, cpu, errors }' "$work/$l.out"
done
