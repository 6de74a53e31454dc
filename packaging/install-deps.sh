#!/usr/bin/env bash
# Installs the Debian packages named as arguments when any is missing. Works as root or through sudo.
# Used by src/run-server and tests/run so that a fresh Debian 12 machine needs nothing but the .NET SDK.
set -euo pipefail
# Fast path (src/run-server calls this on every start): dpkg keeps /var/lib/dpkg/info/PKG[:ARCH].list for every
# installed package and deletes it on removal, so a file test answers without parsing dpkg's status database.
listed=1
for pkg in "$@"; do
  compgen -G "/var/lib/dpkg/info/${pkg%%:*}.list" >/dev/null || compgen -G "/var/lib/dpkg/info/${pkg%%:*}:*.list" >/dev/null || { listed=0; break; }
done
[ "$listed" -eq 1 ] && exit 0
# Otherwise one dpkg-query for every name.
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
# Another apt or dpkg run (unattended-upgrades, a second test run installing its own packages) holds dpkg's lock for a
# while: wait for it instead of failing at once.
lock=(-o DPkg::Lock::Timeout=600)
"${sudo[@]}" apt-get "${lock[@]}" update -qq
"${sudo[@]}" apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
