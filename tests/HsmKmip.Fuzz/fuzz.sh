#!/usr/bin/env bash
# Fuzzes HsmKmip's parsers with afl++ (Debian's afl++ 4.04c) through SharpFuzz: copies the built HsmKmip.Fuzz output,
# instruments HsmKmip.Ttlv, HsmKmip.Protocol, the daemon's listener namespace and the canary with the SharpFuzz.CommandLine tool
# (pinned in .config/dotnet-tools.json), writes the seed corpus (OASIS test cases + the server tests' client requests),
# and runs afl-fuzz for SECONDS per target. Prints execs, paths, crashes and hangs per target; exits 1 when any target
# found a crash or a hang (the inputs are under OUT/TARGET/default/{crashes,hangs}; replay one with
# `dotnet HsmKmip.Fuzz.dll replay TARGET FILE`, then copy it to tests/HsmKmip.Fuzz/regressions/TARGET/).
#
#   fuzz.sh [--seconds N] [--out DIR] [--seeds N] [--parallel] [TARGET...]     (targets: ttlv xml json http request)
#
# The long run (docs/fuzzing.md): nice -n 10 tests/HsmKmip.Fuzz/fuzz.sh --seconds 3600 --out /var/tmp/hsmkmip-fuzz --parallel
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds=20; out=""; seeds=40; parallel=0; targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --parallel) parallel=1; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(ttlv xml json http request)
# The build output: this script runs from it (CopyToOutputDirectory) or from the source folder after a Release build.
if [ -f "$here/HsmKmip.Fuzz.dll" ]; then app="$here"; else app="$here/bin/Release/net10.0"; fi
[ -f "$app/HsmKmip.Fuzz.dll" ] || { echo "fuzz.sh: build first: dotnet build tests/HsmKmip.Fuzz -c Release" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz missing: packaging/install-deps.sh afl++" >&2; exit 2; }
# The repository root holds the tool manifest; the build output does not.
root="$here"; while [ "$root" != / ] && [ ! -f "$root/.config/dotnet-tools.json" ]; do root="$(dirname "$root")"; done
[ -f "$root/.config/dotnet-tools.json" ] || { echo "fuzz.sh: no .config/dotnet-tools.json above $here" >&2; exit 2; }
[ -n "$out" ] || { out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT; }
mkdir -p "$out"
rm -rf "$out/app" && cp -r "$app" "$out/app"
(cd "$root" && dotnet tool restore >/dev/null)
for dll in HsmKmip.Ttlv.dll HsmKmip.Protocol.dll; do (cd "$root" && dotnet sharpfuzz "$out/app/$dll" >/dev/null); done
(cd "$root" && dotnet sharpfuzz "$out/app/hsmkmip.dll" HsmKmip.Server.Listener >/dev/null)
# The canary (HsmKmip.Fuzz.Canary only: code that runs before the fork server starts must stay uninstrumented).
(cd "$root" && dotnet sharpfuzz "$out/app/HsmKmip.Fuzz.dll" HsmKmip.Fuzz.Canary >/dev/null)
[ -d "$out/seeds" ] || dotnet "$app/HsmKmip.Fuzz.dll" seed "$out/seeds" "$seeds" >/dev/null
# A shared 2-core CI machine: no CPU binding, no frequency or core_pattern checks, a slow .NET start tolerated.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  AFL_FORKSRV_INIT_TMOUT=120000 AFL_FAST_CAL=1 AFL_CMPLOG_ONLY_NEW=1 DOTNET_TieredPGO=0
run() {
  local t="$1"
  afl-fuzz -i "$out/seeds/$t" -o "$out/$t" -t 5000 -m none -V "$seconds" -- dotnet "$out/app/HsmKmip.Fuzz.dll" "$t" >"$out/$t.log" 2>&1 || {
    echo "fuzz.sh: afl-fuzz on $t ended with an error; the tail of $out/$t.log:" >&2; tail -n 15 "$out/$t.log" >&2; return 1; }
}
status=0
if [ "$parallel" -eq 1 ]; then
  pids=(); for t in "${targets[@]}"; do run "$t" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
else
  for t in "${targets[@]}"; do run "$t" || status=1; done
fi
stat() { sed -n "s/^$2 *: \(.*\)$/\1/p" "$out/$1/default/fuzzer_stats" 2>/dev/null | head -n 1; }
printf '%-8s %12s %10s %8s %8s %8s %7s\n' target execs execs/s paths crashes hangs seconds
total=0
for t in "${targets[@]}"; do
  e="$(stat "$t" execs_done)"; c="$(stat "$t" saved_crashes)"; h="$(stat "$t" saved_hangs)"
  printf '%-8s %12s %10s %8s %8s %8s %7s\n' "$t" "${e:-?}" "$(stat "$t" execs_per_sec)" "$(stat "$t" corpus_count)" "${c:-?}" "${h:-?}" "$(stat "$t" run_time)"
  total=$((total + ${e:-0}))
  if [ "${c:-1}" != 0 ] || [ "${h:-1}" != 0 ]; then status=1; ls "$out/$t/default/crashes" "$out/$t/default/hangs" 2>/dev/null | grep -v README >&2 || true; fi
done
echo "total execs: $total"
exit $status
