#!/usr/bin/env bash
# Makes a SoftHSM2 token for HsmKmip: make-token.sh STATE_DIR [LABEL]
# Writes STATE_DIR/softhsm2.conf and STATE_DIR/tokens/, initialises a token with random SO and user PINs kept in
# STATE_DIR/so-pin and STATE_DIR/user-pin (mode 0600), and prints the module path and token label.
#
# PINs never appear on a command line: softhsm2-util (2.6.1) takes --so-pin/--pin only in argv and otherwise reads
# them from the terminal (a pipe is refused: "Could not get SO PIN"), so it is run under script(1), which gives it
# a pseudo-terminal whose input is the PIN files.
set -euo pipefail
umask 077
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 STATE_DIR [LABEL]" >&2
  exit 2
fi
state="$(mkdir -p "$1" && cd "$1" && pwd)"
label="${2:-hsmkmip}"
module=/usr/lib/softhsm/libsofthsm2.so
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in softhsm2-util openssl script; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (apt-get install softhsm2 openssl bsdutils)" >&2; exit 1; }
done
[ -e "$module" ] || { echo "$0: $module is missing (apt-get install softhsm2)" >&2; exit 1; }

chmod 700 "$state"
mkdir -p "$state/tokens"
chmod 700 "$state/tokens"
sed "s|@TOKENDIR@|$state/tokens|" "$here/softhsm2.conf.template" > "$state/softhsm2.conf"
export SOFTHSM2_CONF="$state/softhsm2.conf"

if softhsm2-util --show-slots | grep -q "Label: *$label *\$"; then
  [ -s "$state/user-pin" ] || { echo "$0: token '$label' exists but $state/user-pin is missing" >&2; exit 1; }
  echo "token '$label' already present"
else
  # Written before the token is made, so a failure half-way never leaves a token without its PINs.
  rm -f "$state/so-pin" "$state/user-pin"
  openssl rand -hex 16 > "$state/so-pin"
  openssl rand -hex 16 > "$state/user-pin"
  chmod 600 "$state/so-pin" "$state/user-pin"
  so="$(cat "$state/so-pin")"; user="$(cat "$state/user-pin")"
  # printf is a shell builtin: the PINs go through a pipe, never through argv or the environment of a child.
  printf '%s\n%s\n%s\n%s\n' "$so" "$so" "$user" "$user" \
    | script -q -e -c "softhsm2-util --init-token --free --label '$label'" /dev/null > /dev/null
  unset so user
  softhsm2-util --show-slots | grep -q "Label: *$label *\$" || { echo "$0: token initialisation failed" >&2; exit 1; }
fi
echo "SOFTHSM2_CONF=$state/softhsm2.conf"
echo "module: $module"
echo "token label: $label"
echo "user PIN file: $state/user-pin"
