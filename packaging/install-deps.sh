#!/usr/bin/env bash
# Installs the Debian packages named as arguments when any is missing. Works as root or through sudo.
# Used by src/run-server and tests/run so that a fresh Debian 12 machine needs nothing but the .NET SDK.
set -euo pipefail
# One dpkg-query for every name (src/run-server calls this on each start; one query per package cost ~0.3 s each under load).
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null | awk '$4 == "installed" { print $1 }' || true)"
missing=()
for pkg in "$@"; do
  grep -qxF "${pkg%%:*}" <<<"$installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
