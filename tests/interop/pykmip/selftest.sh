#!/bin/bash
# Self-test of kmip_client.py against PyKMIP's own server (not part of CI).
#
# Creates a throw-away CA, server cert (SAN DNS:localhost, IP:127.0.0.1) and
# client cert (CN=client1) with openssl (RSA 2048, SHA-256), starts
# pykmip-server (auth suite TLS1.2, TLS client auth) on a free port on
# 127.0.0.1, runs discover/query at KMIP 1.0, 1.2, 1.4 and 2.0 and a key life
# cycle at 1.2, stops the server and exits non-zero if anything failed.
#
# Needs: Debian packages python3-pykmip and openssl.
# Usage: tests/interop/pykmip/selftest.sh [-v]    (-v: print every JSON reply)
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLIENT="$HERE/kmip_client.py"
PY=/usr/bin/python3           # Debian's Python (has the kmip module)
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1

command -v pykmip-server >/dev/null || { echo "pykmip-server not found (apt-get install python3-pykmip)" >&2; exit 2; }
"$PY" -c 'import kmip' 2>/dev/null || { echo "$PY lacks the kmip module (apt-get install python3-pykmip)" >&2; exit 2; }

TMP="$(mktemp -d /tmp/pykmip-selftest.XXXXXX)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        # pykmip-server stops cleanly on SIGINT; it runs in its own process
        # group (setsid) so that its helper processes are stopped too.
        kill -INT -- "-$SERVER_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- certificates ---------------------------------------------------------
(
    set -e
    cd "$TMP"
    openssl req -x509 -newkey rsa:2048 -sha256 -days 2 -nodes \
        -keyout ca.key -out ca.pem -subj "/CN=PyKMIP selftest CA" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -sha256 -nodes -keyout server.key \
        -out server.csr -subj "/CN=localhost"
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -sha256 -days 2 -out server.pem -extfile server.ext
    openssl req -newkey rsa:2048 -sha256 -nodes -keyout client.key \
        -out client.csr -subj "/CN=client1"
    # PyKMIP's server requires the clientAuth extended key usage.
    printf 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -sha256 -days 2 -out client.pem -extfile client.ext
) >"$TMP/openssl.log" 2>&1 || { echo "certificate generation failed:" >&2; cat "$TMP/openssl.log" >&2; exit 1; }

# ---- server -----------------------------------------------------------------
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$TMP/policies"
cat > "$TMP/server.conf" <<EOF
[server]
hostname=127.0.0.1
port=$PORT
certificate_path=$TMP/server.pem
key_path=$TMP/server.key
ca_path=$TMP/ca.pem
auth_suite=TLS1.2
enable_tls_client_auth=True
policy_path=$TMP/policies
database_path=$TMP/pykmip.db
logging_level=INFO
EOF
setsid pykmip-server -f "$TMP/server.conf" -l "$TMP/server.log" >"$TMP/server.out" 2>&1 &
SERVER_PID=$!

ready=0
for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    if "$PY" -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$PORT)))" 2>/dev/null; then
        ready=1; break
    fi
    sleep 0.1
done
if [ "$ready" != 1 ]; then
    echo "pykmip-server did not start:" >&2
    cat "$TMP/server.out" "$TMP/server.log" >&2 2>/dev/null
    exit 1
fi
echo "pykmip-server (pid $SERVER_PID) listening on 127.0.0.1:$PORT"

# ---- checks -------------------------------------------------------------------
FAILS=0
LAST=""
# run <description> <python expression over r (the JSON reply)> -- client args
run() {
    local desc="$1" check="$2"; shift 3
    LAST="$("$PY" "$CLIENT" --host 127.0.0.1 --port "$PORT" \
        --cert "$TMP/client.pem" --key "$TMP/client.key" --ca "$TMP/ca.pem" \
        --timeout 10 "$@" 2>>"$TMP/client.stderr")"
    local rc=$?
    if REPLY_JSON="$LAST" RC="$rc" CHECK="$check" "$PY" -c '
import json, os, sys
out = os.environ["REPLY_JSON"].strip().splitlines()
if len(out) != 1: sys.exit("expected exactly one line on stdout, got %d" % len(out))
r = json.loads(out[0]); rc = int(os.environ["RC"])
if rc != (0 if r["ok"] else 1): sys.exit("exit code %d does not match ok=%s" % (rc, r["ok"]))
if not eval(os.environ["CHECK"], {}, {"r": r}): sys.exit("check failed: " + os.environ["CHECK"])
'; then
        echo "PASS  $desc"
    else
        echo "FAIL  $desc"
        FAILS=$((FAILS + 1))
        VERBOSE=1
    fi
    [ "$VERBOSE" = 1 ] && echo "      $LAST"
    return 0
}
field() { REPLY_JSON="$LAST" "$PY" -c "import json,os; print(json.loads(os.environ['REPLY_JSON'])['result']['$1'])" 2>/dev/null; }

ALL_VERSIONS='["2.0", "1.4", "1.3", "1.2", "1.1", "1.0"]'
for v in 1.0 1.2 1.4 2.0; do
    if [ "$v" = 1.0 ]; then
        # Discover Versions is a KMIP 1.1 operation: PyKMIP's server refuses
        # it in a 1.0 request.  The client must report that cleanly.
        run "discover @$v (server: not supported in 1.0)" \
            "not r['ok'] and r['result_reason'] == 'OPERATION_NOT_SUPPORTED'" -- --version "$v" --op discover
    else
        run "discover @$v" "r['ok'] and r['result']['protocol_versions'] == $ALL_VERSIONS" -- --version "$v" --op discover
        run "discover @$v --versions 1.2,1.0" "r['ok'] and r['result']['protocol_versions'] == ['1.2', '1.0']" -- --version "$v" --op discover --versions 1.2,1.0
    fi
    run "query @$v" "r['ok'] and 'QUERY' in r['result']['operations'] and 'CREATE' in r['result']['operations'] and r['result']['vendor_identification'].startswith('PyKMIP')" -- --version "$v" --op query
    run "query @$v wire version" "r['ok'] and r['trace'][1]['ttlv'].startswith('42007801') and ('42006a02000000040000000%s0000000042006b02000000040000000%s00000000' % tuple('$v'.split('.'))) in r['trace'][1]['ttlv']" -- --version "$v" --op query --trace
done

# Key life cycle at 1.2 (the PyKMIP server's default policy: the creating
# client owns the object).
run "create @1.2" "r['ok'] and r['result']['uid']" -- --version 1.2 --op create --name selftest-key
UID1="$(field uid)"
run "get @1.2" "r['ok'] and r['result']['object_type'] == 'SYMMETRIC_KEY' and r['result']['cryptographic_length'] == 256 and len(r['result']['value']) == 64" -- --version 1.2 --op get --uid "$UID1"
run "get-attributes @1.2" "r['ok'] and {'name': 'State', 'index': None, 'value': 'PRE_ACTIVE'} in r['result']['attributes']" -- --version 1.2 --op get-attributes --uid "$UID1" --names State "Cryptographic Length"
run "locate @1.2" "r['ok'] and '$UID1' in r['result']['uids']" -- --version 1.2 --op locate --name selftest-key
run "destroy @1.2" "r['ok']" -- --version 1.2 --op destroy --uid "$UID1"
run "get after destroy @1.2" "not r['ok'] and r['result_reason'] == 'ITEM_NOT_FOUND'" -- --version 1.2 --op get --uid "$UID1"

# activate / revoke / register-secret (exercised here, tested against
# HsmKmip later)
run "create @1.2 (2)" "r['ok']" -- --version 1.2 --op create
UID2="$(field uid)"
run "activate @1.2" "r['ok']" -- --version 1.2 --op activate --uid "$UID2"
run "destroy active @1.2 (refused)" "not r['ok'] and r['result_reason'] == 'PERMISSION_DENIED'" -- --version 1.2 --op destroy --uid "$UID2"
run "revoke @1.2" "r['ok']" -- --version 1.2 --op revoke --uid "$UID2"
run "destroy revoked @1.2" "r['ok']" -- --version 1.2 --op destroy --uid "$UID2"
run "register-secret @1.2" "r['ok'] and r['result']['uid']" -- --version 1.2 --op register-secret --data s3cret --name selftest-secret
UID3="$(field uid)"
run "get secret @1.2" "r['ok'] and r['result']['object_type'] == 'SECRET_DATA' and bytes.fromhex(r['result']['value']) == b's3cret'" -- --version 1.2 --op get --uid "$UID3"
run "create/get @2.0" "r['ok']" -- --version 2.0 --op create
run "get @2.0" "r['ok'] and r['result']['cryptographic_length'] == 256" -- --version 2.0 --op get --uid "$(field uid)"

# TLS: pinned TLS 1.2 with the TLS1.2 auth-suite ciphers; PyKMIP's stock path.
run "tls suite mode" "r['ok'] and r['trace'][0]['version'] == 'TLSv1.2'" -- --op discover --trace
run "tls stock mode" "r['ok'] and r['trace'][0]['version'] == 'TLSv1.2'" -- --op discover --trace --tls-mode stock
# Error reporting: wrong CA, nothing listening.
openssl req -x509 -newkey rsa:2048 -sha256 -days 1 -nodes -keyout "$TMP/o.key" -out "$TMP/o.pem" -subj "/CN=Other" >/dev/null 2>&1
run "untrusted server cert" "not r['ok'] and 'CERTIFICATE_VERIFY_FAILED' in r['error']" -- --op query --ca "$TMP/o.pem"

echo
if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) FAILED; server log tail:"
    tail -n 30 "$TMP/server.log" 2>/dev/null
    [ -s "$TMP/client.stderr" ] && { echo "client stderr:"; tail -n 30 "$TMP/client.stderr"; }
    exit 1
fi
echo "all checks passed"
