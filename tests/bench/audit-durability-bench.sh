#!/usr/bin/env bash
# Create AES-256 with the audit log on: before (HSMKMIP_BEFORE, a build of an older commit) and now, and now with
# `--audit false`, in one run on this machine (figures measured beside other load are only comparable within one run).
# For each daemon: `hsmkmip bench` (KMIP 1.2, 8 connections, --mix create, --server-pid), then the fdatasync/fsync calls
# per Create counted by `strace -c -f` attached to the daemon during a second, shorter bench (--keep: the untimed
# Destroys of the clean-up would add their own syncs). Prints each run and one table, and removes everything.
# Usage: tests/bench/audit-durability-bench.sh [SECONDS] [CONNECTIONS]
#   HSMKMIP=path/to/hsmkmip (default: the test build's), HSMKMIP_BEFORE=path/to/older/hsmkmip (optional)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-8}"; connections="${2:-8}"
bin="${HSMKMIP:-$root/tests/HsmKmip.Server.Tests/bin/Release/net10.0/hsmkmip}"
before="${HSMKMIP_BEFORE:-}"
work="$(mktemp -d)"; pids=(); rows=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

run() { # label binary serve-args...
  local label="$1" exe="$2"; shift 2
  local state="$work/$label/var"; mkdir -p -m 700 "$state"
  local port; port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$exe" serve --state-dir "$state" --listen "127.0.0.1:$port" --admin-listen off --log-level Warning "$@" >"$work/$label.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  for _ in $(seq 600); do [ -S "$state/admin.sock" ] && break; sleep 0.1; done
  [ -S "$state/admin.sock" ] || { echo "$label did not start:"; cat "$work/$label.log"; exit 1; }
  echo "== $label"
  "$bin" bench --server "127.0.0.1:$port" --server-pid "$pid" --state-dir "$state" --protocol 1.2 --connections "$connections" \
    --seconds "$seconds" --warm-up 2 --mix create | tee "$work/$label.out" || true
  grep -q "^total: 0 ops" "$work/$label.out" && tail -n 5 "$work/$label.log"
  # The sync count: strace on every thread of the daemon for a --keep bench of the same length with no warm-up.
  strace -c -f -e trace=fsync,fdatasync -p "$pid" -o "$work/$label.strace" & local tracer=$!
  sleep 1
  "$bin" bench --server "127.0.0.1:$port" --state-dir "$state" --protocol 1.2 --connections "$connections" --seconds "$seconds" --warm-up 0 \
    --mix create --keep > "$work/$label.traced" || true
  sleep 0.5; kill -INT "$tracer"; wait "$tracer" || true
  local creates syncs
  creates=$(grep -oE '^total: [0-9]+' "$work/$label.traced" | grep -oE '[0-9]+' || echo 0)
  syncs=$(awk '$NF=="fsync"||$NF=="fdatasync"{s+=$4} END{print s+0}' "$work/$label.strace")
  local rate cpu; rate=$(grep -E '^create' "$work/$label.out" | head -1 | sed 's/  */ /g' || true)
  cpu=$(grep -oE '[0-9.]+ µs per operation' "$work/$label.out" || true)
  rows+=("| $label | $rate | $cpu | $syncs / $creates = $(awk -v s="$syncs" -v c="$creates" 'BEGIN{printf "%.2f", (c>0? s/c : 0)}') |")
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

[ -n "$before" ] && run before "$before"
run now "$bin"
run now-audit-off "$bin" --audit false
echo
echo "| daemon | bench (create row) | server CPU | fdatasync+fsync / Creates under strace |"
echo "| --- | --- | --- | --- |"
for r in "${rows[@]}"; do echo "$r"; done
