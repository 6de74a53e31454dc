#!/usr/bin/env bash
# opencryptoki's soft token (swtok) for the adapter tests: Debian's opencryptoki 3.8.1 has its paths compiled in
# (/etc/opencryptoki, /var/lib/opencryptoki/swtok, /var/lock/opencryptoki, /var/run/pkcsslotd.*), so it cannot live in
# a temporary folder. `up` (as root; tests/run installs the package) creates its lock folders (its tmpfiles.d entry;
# no systemd here), empties the swtok store, starts pkcsslotd, and initialises the token with the label, SO PIN and
# user PIN given; it prints the module path. `down` stops the pkcsslotd that `up` started (by the pid in its pid file)
# and empties the swtok store again. What stays: the opencryptoki package and its empty folders.
#
#   swtok.sh up LABEL USER_PIN_FILE      swtok.sh down
set -euo pipefail
store=/var/lib/opencryptoki/swtok
pidfile=/var/run/pkcsslotd.pid
module=/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so
slot=3 # the soft token's slot in Debian's /etc/opencryptoki/opencryptoki.conf
stop() {
  if [ -f "$pidfile" ] && pid="$(cat "$pidfile")" && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # pkcsslotd leaves SIGTERM pending while a process still has libopencryptoki loaded (the test host keeps it loaded).
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
  # An uninitialised swtok is an empty store: the token returns to the package's state (SO PIN 87654321).
  rm -f "$store"/NVTOK.DAT "$store"/MK_SO "$store"/MK_USER "$store"/TOK_OBJ/* 2>/dev/null || true
}
case "${1:-}" in
  up)
    label="$2"; pinfile="$3"
    [ "$(id -u)" -eq 0 ] || { echo "swtok.sh: opencryptoki's paths are system folders: run as root" >&2; exit 2; }
    command -v pkcsslotd >/dev/null || [ -x /usr/sbin/pkcsslotd ] || { echo "swtok.sh: opencryptoki missing: packaging/install-deps.sh opencryptoki" >&2; exit 2; }
    systemd-tmpfiles --create /usr/lib/tmpfiles.d/opencryptoki.conf 2>/dev/null \
      || install -d -m 0770 -g pkcs11 /var/lock/opencryptoki /var/lock/opencryptoki/swtok
    stop
    /usr/sbin/pkcsslotd
    # PINs: swtok takes 4 to 8 characters. The default SO PIN is replaced at once; the user PIN is read from its file.
    so="$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 8)"
    user="$(tr -d '\n' <"$pinfile")"
    echo "$label" | pkcsconf -c "$slot" -I -S 87654321 >/dev/null
    pkcsconf -c "$slot" -P -S 87654321 -n "$so" >/dev/null
    pkcsconf -c "$slot" -u -S "$so" -n "$user" >/dev/null
    echo "$module"
    ;;
  down) stop ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
