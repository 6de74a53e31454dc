#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""PyKMIP-driven KMIP interop client for the HsmKmip integration tests.

Run it with Debian's interpreter (``/usr/bin/python3``; package
``python3-pykmip``, PyKMIP 0.10.0).  It performs exactly one KMIP operation
and prints exactly one JSON object on stdout:

    {"ok": true,  "result": {...}}
    {"ok": false, "error": "<type>: <message>", "result_reason": "<name>"|null}

Exit code 0 if ok, 1 otherwise (2 for command-line usage errors, which
also print the usage on stderr).  Diagnostics and PyKMIP log output go to stderr only.

Adding an operation: write ``def op_xxx(session, args) -> dict`` and
register it with ``@operation("xxx")``; add its options in ``build_parser``.
"""

from __future__ import print_function

import argparse
import binascii
import enum
import json
import logging
import ssl
import sys
import traceback
import warnings

# PyKMIP (and cryptography) emit deprecation warnings on import; they must not
# pollute stdout and should not clutter stderr either.
warnings.simplefilter("ignore")

try:
    from kmip.core import enums
    from kmip.core import exceptions as core_exceptions
    from kmip.core import primitives
    from kmip.core.attributes import Name
    from kmip.core.factories.attributes import AttributeFactory
    from kmip.core.messages.contents import ProtocolVersion
    from kmip.pie import client as pie_client
    from kmip.pie import exceptions as pie_exceptions
    from kmip.pie import objects as pie_objects
    from kmip.services import auth as kmip_auth
    from kmip.services import kmip_client
    from kmip.services.kmip_protocol import KMIPProtocol
except Exception as exc:  # pragma: no cover - environment problem
    sys.stdout.write(json.dumps({
        "ok": False,
        "error": "ImportError: cannot import PyKMIP ({0}: {1}); install the "
                 "Debian package python3-pykmip and run with "
                 "/usr/bin/python3".format(type(exc).__name__, exc),
        "result_reason": None,
    }) + "\n")
    sys.exit(1)

KMIP_VERSIONS = {
    "1.0": enums.KMIPVersion.KMIP_1_0,
    "1.1": enums.KMIPVersion.KMIP_1_1,
    "1.2": enums.KMIPVersion.KMIP_1_2,
    "1.3": enums.KMIPVersion.KMIP_1_3,
    "1.4": enums.KMIPVersion.KMIP_1_4,
    "2.0": enums.KMIPVersion.KMIP_2_0,
}

DEFAULT_QUERY_FUNCTIONS = [
    enums.QueryFunction.QUERY_OPERATIONS,
    enums.QueryFunction.QUERY_OBJECTS,
    enums.QueryFunction.QUERY_SERVER_INFORMATION,
]


# --------------------------------------------------------------------------
# Transport
# --------------------------------------------------------------------------

class InteropProxy(kmip_client.KMIPProxy):
    """KMIPProxy with a controlled TLS setup and optional TTLV tracing.

    Stock PyKMIP 0.10 (``KMIPProxy._create_socket``) calls the deprecated
    ``ssl.wrap_socket`` with only ``ssl_version`` set: it never applies the
    TLS 1.2 authentication suite's cipher list on the client side, never sends
    SNI and never checks the host name.  In ``suite`` mode (the default) this
    subclass pins TLS 1.2 exactly and offers only the ciphers of PyKMIP's
    ``TLS12AuthenticationSuite``; certificate verification against --ca is
    kept, host name checking and SNI stay off, as in PyKMIP.  In ``stock``
    mode PyKMIP's own code path is used unchanged.
    """

    def __init__(self, tls_mode="suite", sni=None, trace=None, **kwargs):
        self._tls_mode = tls_mode
        self._sni = sni
        self._trace = trace
        super(InteropProxy, self).__init__(**kwargs)

    def _create_socket(self, sock):
        if self._tls_mode == "stock":
            super(InteropProxy, self)._create_socket(sock)
            return
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(kmip_auth.TLS12AuthenticationSuite().ciphers)
        ctx.check_hostname = False
        ctx.verify_mode = self.cert_reqs
        if self.ca_certs:
            ctx.load_verify_locations(cafile=self.ca_certs)
        if self.certfile:
            ctx.load_cert_chain(self.certfile, self.keyfile)
        self.socket = ctx.wrap_socket(
            sock,
            server_side=False,
            server_hostname=self._sni,
            do_handshake_on_connect=self.do_handshake_on_connect,
            suppress_ragged_eofs=self.suppress_ragged_eofs,
        )
        self.socket.settimeout(self.timeout)

    def open(self):
        super(InteropProxy, self).open()
        if self._trace is not None and self.socket is not None:
            self._trace.append({
                "event": "tls",
                "version": self.socket.version(),
                "cipher": self.socket.cipher()[0],
            })
            self.protocol = TracingProtocol(self.socket, self._trace)


class TracingProtocol(KMIPProtocol):
    """KMIPProtocol recording the raw TTLV of every message."""

    def __init__(self, sock, trace):
        super(TracingProtocol, self).__init__(sock)
        self._trace = trace

    def write(self, data):
        self._trace.append({"event": "request",
                            "ttlv": binascii.hexlify(bytes(data)).decode()})
        super(TracingProtocol, self).write(data)

    def read(self):
        stream = super(TracingProtocol, self).read()
        self._trace.append({"event": "response",
                            "ttlv": binascii.hexlify(
                                bytes(stream.buffer)).decode()})
        return stream


class Session(object):
    """Holds the high-level client and its underlying KMIPProxy."""

    def __init__(self, args, trace):
        version = KMIP_VERSIONS[args.version]
        self.kmip_version = version
        proxy_args = dict(
            host=args.host,
            port=args.port,
            certfile=args.cert,
            keyfile=args.key,
            ca_certs=args.ca,
            cert_reqs="CERT_REQUIRED" if args.ca else "CERT_NONE",
            ssl_version="PROTOCOL_TLSv1_2",
            do_handshake_on_connect="True",
            suppress_ragged_eofs="True",
            timeout=args.timeout,
            kmip_version=version,
        )
        self.client = pie_client.ProxyKmipClient(
            hostname=args.host,
            port=args.port,
            cert=args.cert,
            key=args.key,
            ca=args.ca,
            ssl_version="PROTOCOL_TLSv1_2",
            kmip_version=version,
        )
        # Replace the proxy built by ProxyKmipClient with ours (same
        # settings, controlled TLS); ProxyKmipClient only delegates to it.
        self.client.proxy = InteropProxy(
            tls_mode=args.tls_mode, sni=args.sni, trace=trace, **proxy_args)
        self.proxy = self.client.proxy
        # No Authentication/Credential in the request header, even if a
        # PyKMIP config file (~/.pykmip/pykmip.conf, /etc/pykmip/...) sets one.
        self.proxy.username = None
        self.proxy.password = None
        # The version must really be used on the wire: both the header's
        # Protocol Version and the TTLV encoding follow proxy.kmip_version.
        assert self.proxy.kmip_version == version

    def open(self):
        self.client.open()

    def close(self):
        try:
            self.client.close()
        except Exception:
            pass


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

class ResultFailure(Exception):
    """A KMIP batch item with a non-success Result Status."""

    def __init__(self, status, reason, message):
        self.status = status
        self.reason = reason
        self.message = message
        super(ResultFailure, self).__init__("{0}: {1} - {2}".format(
            _name(status), _name(reason), message))


def _name(value):
    return getattr(value, "name", None) if value is not None else None


def _val(field):
    """Value of a PyKMIP primitive (or None); enums are returned as is."""
    if field is None or isinstance(field, enum.Enum):
        return field
    return getattr(field, "value", field)


def check_result(result):
    """Raise ResultFailure unless a KMIPProxy result is a success."""
    status = _val(result.result_status)
    if status != enums.ResultStatus.SUCCESS:
        raise ResultFailure(status, _val(result.result_reason),
                            _val(result.result_message))


def version_str(pv):
    return "{0}.{1}".format(_val(pv.major), _val(pv.minor))


def parse_versions(text):
    out = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        major, _, minor = item.partition(".")
        out.append(ProtocolVersion(int(major), int(minor or 0)))
    return out


def to_json(value):
    """Best-effort conversion of PyKMIP values into JSON-able data."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return binascii.hexlify(bytes(value)).decode()
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, ProtocolVersion):
        return version_str(value)
    if isinstance(value, primitives.Base) and \
            not isinstance(value, primitives.Struct) and \
            hasattr(value, "value"):
        return to_json(value.value)
    if isinstance(value, Name):
        return {"name_value": to_json(value.name_value),
                "name_type": to_json(value.name_type)}
    return str(value)


def attribute_to_json(attribute):
    return {
        "name": _val(attribute.attribute_name),
        "index": _val(attribute.attribute_index),
        "value": to_json(attribute.attribute_value),
    }


# --------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------

OPERATIONS = {}


def operation(name):
    def register(func):
        OPERATIONS[name] = func
        return func
    return register


def send_batch_item(session, batch_item):
    """Send one request batch item through KMIPProxy; return the response
    batch item after checking its Result Status.

    KMIPProxy's own discover_versions()/query() dereference the response
    payload before looking at the Result Status (an operation failure then
    surfaces as an AttributeError), hence this thin replacement built from
    the same KMIPProxy internals (same header, same wire encoding).
    """
    proxy = session.proxy
    request = proxy._build_request_message(None, [batch_item])
    response = proxy._send_and_receive_message(request)
    items = response.batch_items or []
    if len(items) != 1:
        raise core_exceptions.InvalidMessage(
            "expected 1 response batch item, got {0}".format(len(items)))
    item = items[0]
    check_result(item)
    if item.operation is None or \
            _val(item.operation) != _val(batch_item.operation):
        raise core_exceptions.InvalidMessage(
            "response operation {0} does not match request {1}".format(
                _name(_val(item.operation)),
                _name(_val(batch_item.operation))))
    return item


@operation("discover")
def op_discover(session, args):
    versions = parse_versions(args.versions) if args.versions else None
    item = send_batch_item(
        session, session.proxy._build_discover_versions_batch_item(versions))
    payload = item.response_payload
    server_versions = payload.protocol_versions if payload else None
    return {
        "client_versions": [version_str(v) for v in versions or []],
        "protocol_versions": [version_str(v) for v in server_versions or []],
    }


@operation("query")
def op_query(session, args):
    if args.functions:
        functions = [enums.QueryFunction[f.strip().upper()]
                     for f in args.functions.split(",") if f.strip()]
    else:
        functions = list(DEFAULT_QUERY_FUNCTIONS)
    item = send_batch_item(
        session, session.proxy._build_query_batch_item(functions))
    payload = item.response_payload

    def field(name):
        return getattr(payload, name, None) if payload is not None else None

    server_info = field("server_information")
    if server_info is not None:
        data = getattr(server_info, "data", None)
        server_info = binascii.hexlify(
            bytes(data.buffer) if data is not None else b"").decode()
    return {
        "query_functions": [f.name for f in functions],
        "operations": [to_json(_val(o)) for o in field("operations") or []],
        "object_types": [to_json(_val(o))
                         for o in field("object_types") or []],
        "vendor_identification": _val(field("vendor_identification")),
        # ServerInformation is vendor-defined: PyKMIP keeps its raw TTLV
        # content; we hex it (empty string if the structure is empty).
        "server_information": server_info,
        "application_namespaces": [
            _val(a) for a in field("application_namespaces") or []],
    }


@operation("create")
def op_create(session, args):
    masks = [enums.CryptographicUsageMask.ENCRYPT,
             enums.CryptographicUsageMask.DECRYPT]
    uid = session.client.create(
        enums.CryptographicAlgorithm.AES,
        args.length,
        name=args.name,
        cryptographic_usage_mask=masks,
    )
    return {"uid": uid}


@operation("get")
def op_get(session, args):
    require(args, "uid")
    obj = session.client.get(args.uid)
    out = {
        "uid": getattr(obj, "unique_identifier", None) or args.uid,
        "object_type": _name(getattr(obj, "object_type", None)),
    }
    for attr in ("cryptographic_algorithm", "cryptographic_length",
                 "key_format_type", "data_type"):
        if hasattr(obj, attr):
            out[attr] = to_json(getattr(obj, attr))
    if hasattr(obj, "value"):
        out["value"] = to_json(obj.value)
    return out


@operation("get-wrapped")
def op_get_wrapped(session, args):
    """Get with a Key Wrapping Specification (Wrapping Method Encrypt)."""
    require(args, "uid", "wrapping_uid")
    key_info = {"unique_identifier": args.wrapping_uid}
    if args.block_cipher_mode:
        key_info["cryptographic_parameters"] = {
            "block_cipher_mode":
                enums.BlockCipherMode[args.block_cipher_mode.upper()]}
    elif args.padding:
        # An RSA wrapping key: PyKMIP's client needs Cryptographic
        # Parameters in Encryption Key Information (it reads them blindly).
        key_info["cryptographic_parameters"] = {
            "padding_method": enums.PaddingMethod[args.padding]}
        if args.hash:
            key_info["cryptographic_parameters"]["hashing_algorithm"] = \
                enums.HashingAlgorithm[args.hash]
    spec = {"wrapping_method": enums.WrappingMethod.ENCRYPT,
            "encryption_key_information": key_info}
    if args.encoding:
        spec["encoding_option"] = enums.EncodingOption[args.encoding.upper()]
    obj = session.client.get(args.uid, key_wrapping_specification=spec)
    out = {"uid": getattr(obj, "unique_identifier", None) or args.uid,
           "object_type": _name(getattr(obj, "object_type", None))}
    for attr in ("cryptographic_algorithm", "cryptographic_length",
                 "key_format_type"):
        if hasattr(obj, attr):
            out[attr] = to_json(getattr(obj, attr))
    out["value"] = to_json(obj.value)
    out["key_wrapping_data"] = to_json(getattr(obj, "key_wrapping_data", None))
    return out


@operation("activate")
def op_activate(session, args):
    require(args, "uid")
    session.client.activate(args.uid)
    return {"uid": args.uid}


@operation("destroy")
def op_destroy(session, args):
    require(args, "uid")
    session.client.destroy(args.uid)
    return {"uid": args.uid}


@operation("revoke")
def op_revoke(session, args):
    require(args, "uid")
    reason = enums.RevocationReasonCode[args.reason.upper()]
    session.client.revoke(reason, uid=args.uid,
                          revocation_message=args.message)
    return {"uid": args.uid, "revocation_reason": reason.name}


@operation("locate")
def op_locate(session, args):
    attributes = []
    if args.name:
        attributes.append(AttributeFactory().create_attribute(
            enums.AttributeType.NAME,
            Name.create(args.name, enums.NameType.UNINTERPRETED_TEXT_STRING)))
    uids = session.client.locate(
        maximum_items=args.max_items, attributes=attributes or None)
    return {"uids": list(uids or [])}


@operation("get-attributes")
def op_get_attributes(session, args):
    require(args, "uid")
    names = None
    if args.names:
        names = [n for group in args.names for n in group.split(",") if n]
    uid, attributes = session.client.get_attributes(args.uid, names)
    return {"uid": uid,
            "attributes": [attribute_to_json(a) for a in attributes or []]}


@operation("register-secret")
def op_register_secret(session, args):
    if args.data_hex is not None:
        value = binascii.unhexlify(args.data_hex)
    elif args.data is not None:
        value = args.data.encode("utf-8")
    else:
        raise UsageError("register-secret needs --data or --data-hex")
    secret = pie_objects.SecretData(
        value, enums.SecretDataType[args.secret_type.upper()],
        masks=[enums.CryptographicUsageMask.DERIVE_KEY],
        name=args.name or "Secret Data")
    uid = session.client.register(secret)
    return {"uid": uid}


# --------------------------------------------------------------------------
# Asymmetric operations (key pairs, signatures)
# --------------------------------------------------------------------------

def _signature_parameters(args):
    """Cryptographic Parameters from --padding/--hash/--dsa, or None."""
    params = {}
    if args.padding:
        params["padding_method"] = enums.PaddingMethod[args.padding]
    if args.hash:
        params["hashing_algorithm"] = enums.HashingAlgorithm[args.hash]
    if args.dsa:
        params["digital_signature_algorithm"] = \
            enums.DigitalSignatureAlgorithm[args.dsa]
    if params:
        params["cryptographic_algorithm"] = enums.CryptographicAlgorithm.RSA
    return params or None


@operation("create-key-pair")
def op_create_key_pair(session, args):
    public_uid, private_uid = session.client.create_key_pair(
        enums.CryptographicAlgorithm.RSA,
        args.length,
        public_name=args.name and args.name + "-public",
        public_usage_mask=[enums.CryptographicUsageMask.VERIFY],
        private_name=args.name and args.name + "-private",
        private_usage_mask=[enums.CryptographicUsageMask.SIGN],
    )
    return {"public_uid": public_uid, "private_uid": private_uid}


@operation("rekey-key-pair")
def op_rekey_key_pair(session, args):
    require(args, "uid")
    from kmip.core import attributes as core_attributes
    result = session.proxy.rekey_key_pair(
        private_key_uuid=core_attributes.PrivateKeyUniqueIdentifier(args.uid))
    check_result(result)
    return {"private_uid": _val(result.private_key_uuid),
            "public_uid": _val(result.public_key_uuid)}


@operation("sign")
def op_sign(session, args):
    require(args, "uid", "data_hex")
    signature = session.client.sign(
        binascii.unhexlify(args.data_hex), uid=args.uid,
        cryptographic_parameters=_signature_parameters(args))
    return {"uid": args.uid, "signature": to_json(signature)}


@operation("signature-verify")
def op_signature_verify(session, args):
    require(args, "uid", "data_hex", "signature_hex")
    validity = session.client.signature_verify(
        binascii.unhexlify(args.data_hex),
        binascii.unhexlify(args.signature_hex), uid=args.uid,
        cryptographic_parameters=_signature_parameters(args))
    return {"uid": args.uid, "validity": _name(validity)}


def _self_signed_certificate_der():
    """A small self-signed X.509 certificate (DER) made with cryptography."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"pykmip-survey")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


@operation("all-attributes-survey")
def op_all_attributes_survey(session, args):
    """Makes a symmetric key, a secret, an RSA key pair, a certificate and a
    destroyed key, then calls get_attributes(uid) with no names on each.

    One result per object: ok with the attribute names PyKMIP decoded, or the
    decoder's error. One process for the lot keeps CI short.
    """
    client = session.client
    objects = {}
    objects["symmetric key"] = client.create(
        enums.CryptographicAlgorithm.AES, 256, name="survey-aes",
        cryptographic_usage_mask=[enums.CryptographicUsageMask.ENCRYPT,
                                  enums.CryptographicUsageMask.DECRYPT])
    objects["secret data"] = client.register(pie_objects.SecretData(
        b"survey-secret", enums.SecretDataType.PASSWORD,
        masks=[enums.CryptographicUsageMask.DERIVE_KEY], name="survey-secret"))
    public_uid, private_uid = client.create_key_pair(
        enums.CryptographicAlgorithm.RSA, args.length,
        public_name="survey-public",
        public_usage_mask=[enums.CryptographicUsageMask.VERIFY],
        private_name="survey-private",
        private_usage_mask=[enums.CryptographicUsageMask.SIGN])
    objects["public key"] = public_uid
    objects["private key"] = private_uid
    objects["certificate"] = client.register(pie_objects.X509Certificate(
        _self_signed_certificate_der(), name="survey-certificate"))
    destroyed = client.create(
        enums.CryptographicAlgorithm.AES, 128, name="survey-destroyed",
        cryptographic_usage_mask=[enums.CryptographicUsageMask.ENCRYPT])
    client.destroy(destroyed)
    objects["destroyed key"] = destroyed
    results = {}
    for kind, uid in objects.items():
        try:
            _, attributes = client.get_attributes(uid)
            results[kind] = {"ok": True, "uid": uid, "names": [
                _val(a.attribute_name) for a in attributes or []]}
        except Exception as exc:  # the decoder's failure is the finding
            results[kind] = {"ok": False, "uid": uid, "error": "{0}: {1}".format(
                type(exc).__name__, str(exc) or repr(exc))}
    return results


def add_asymmetric_arguments(p):
    a = p.add_argument_group("asymmetric")
    a.add_argument("--signature-hex", help="signature-verify: signature")
    a.add_argument("--padding", help="sign/signature-verify/encrypt/decrypt: "
                   "PaddingMethod name (PKCS1v15, PSS, PKCS5, NONE)")
    a.add_argument("--hash", help="sign/signature-verify: HashingAlgorithm "
                   "name (SHA_256, ...)")
    a.add_argument("--dsa", help="sign/signature-verify: "
                   "DigitalSignatureAlgorithm name")


class UsageError(Exception):
    pass


# --- symmetric cryptographic services (encrypt, decrypt, mac) ---------------

def _crypto_parameters(args):
    """The cryptographic_parameters dict ProxyKmipClient takes, from --mode/--padding/--random-iv."""
    params = {}
    if args.mode:
        params["block_cipher_mode"] = getattr(enums.BlockCipherMode, args.mode)
    if args.padding:
        params["padding_method"] = getattr(enums.PaddingMethod, args.padding)
    if args.mode or args.padding:
        params["cryptographic_algorithm"] = enums.CryptographicAlgorithm.AES
    if args.random_iv:
        params["random_iv"] = True
    return params or None


def _hex(value):
    return binascii.hexlify(value).decode() if value is not None else None


@operation("create-sym")
def op_create_sym(session, args):
    masks = [getattr(enums.CryptographicUsageMask, m)
             for m in (args.usage or "ENCRYPT,DECRYPT").split(",")]
    uid = session.client.create(
        getattr(enums.CryptographicAlgorithm, args.algorithm or "AES"),
        args.length,
        name=args.name,
        cryptographic_usage_mask=masks,
    )
    return {"uid": uid}


@operation("encrypt")
def op_encrypt(session, args):
    require(args, "uid", "data_hex")
    data, iv = session.client.encrypt(
        binascii.unhexlify(args.data_hex), uid=args.uid,
        cryptographic_parameters=_crypto_parameters(args),
        iv_counter_nonce=binascii.unhexlify(args.iv_hex) if args.iv_hex else None)
    return {"data": _hex(data), "iv": _hex(iv)}


@operation("decrypt")
def op_decrypt(session, args):
    require(args, "uid", "data_hex")
    data = session.client.decrypt(
        binascii.unhexlify(args.data_hex), uid=args.uid,
        cryptographic_parameters=_crypto_parameters(args),
        iv_counter_nonce=binascii.unhexlify(args.iv_hex) if args.iv_hex else None)
    return {"data": _hex(data)}


@operation("mac")
def op_mac(session, args):
    require(args, "uid", "data_hex")
    uid, mac = session.client.mac(
        binascii.unhexlify(args.data_hex), uid=args.uid,
        algorithm=getattr(enums.CryptographicAlgorithm, args.algorithm) if args.algorithm else None)
    return {"uid": uid, "mac": _hex(mac)}


def require(args, *names):
    for name in names:
        if getattr(args, name, None) in (None, ""):
            raise UsageError("--op {0} needs --{1}".format(
                args.op, name.replace("_", "-")))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

class JsonArgumentParser(argparse.ArgumentParser):
    """Usage errors also yield one JSON object on stdout (exit code 2)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stdout.write(json.dumps({
            "ok": False, "error": "UsageError: " + message,
            "result_reason": None}) + "\n")
        sys.exit(2)


def build_parser():
    p = JsonArgumentParser(
        description="PyKMIP interop client: one KMIP operation, one JSON "
                    "object on stdout.")
    c = p.add_argument_group("connection")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, default=5696)
    c.add_argument("--cert", help="client certificate (PEM)")
    c.add_argument("--key", help="client private key (PEM)")
    c.add_argument("--ca", help="CA bundle (PEM) to verify the server; "
                               "without it the server is not verified")
    c.add_argument("--version", choices=sorted(KMIP_VERSIONS), default="1.2",
                   help="KMIP protocol version used for the request "
                        "(default 1.2)")
    c.add_argument("--timeout", type=int, default=10,
                   help="socket timeout in seconds (default 10)")
    c.add_argument("--tls-mode", choices=("suite", "stock"), default="suite",
                   help="suite: TLS 1.2 only with PyKMIP's TLS1.2 auth suite "
                        "ciphers (default); stock: PyKMIP's unmodified "
                        "ssl.wrap_socket (TLS 1.2, OpenSSL default ciphers)")
    c.add_argument("--sni", default=None,
                   help="send this SNI host name (suite mode only; PyKMIP "
                        "itself sends none)")
    c.add_argument("--trace", action="store_true",
                   help="add the raw request/response TTLV (hex) and the "
                        "negotiated TLS version/cipher to the JSON output")
    c.add_argument("--debug", action="store_true",
                   help="PyKMIP debug logging and tracebacks on stderr")

    o = p.add_argument_group("operation")
    o.add_argument("--op", required=True, choices=sorted(OPERATIONS))
    o.add_argument("--versions", help="discover: client's protocol versions, "
                                      "e.g. 1.2,1.0 (default: none sent)")
    o.add_argument("--functions", help="query: comma-separated QueryFunction "
                                       "names (default: QUERY_OPERATIONS,"
                                       "QUERY_OBJECTS,"
                                       "QUERY_SERVER_INFORMATION)")
    o.add_argument("--uid", help="unique identifier of the managed object")
    o.add_argument("--name", help="create/register-secret: Name attribute; "
                                  "locate: Name to search for")
    o.add_argument("--names", nargs="+",
                   help="get-attributes: attribute names (space or comma "
                        "separated, e.g. 'State' 'Cryptographic Length')")
    o.add_argument("--length", type=int, default=256,
                   help="create: AES key length in bits (default 256)")
    o.add_argument("--max-items", type=int, default=None,
                   help="locate: Maximum Items")
    o.add_argument("--data", help="register-secret: secret as UTF-8 text")
    o.add_argument("--data-hex", help="register-secret: secret as hex")
    o.add_argument("--secret-type", default="PASSWORD",
                   help="register-secret: SecretDataType name (PASSWORD, "
                        "SEED)")
    o.add_argument("--reason", default="CESSATION_OF_OPERATION",
                   help="revoke: RevocationReasonCode name")
    o.add_argument("--message", help="revoke: revocation message")
    o.add_argument("--algorithm", help="create-sym/mac: CryptographicAlgorithm name (AES, HMAC_SHA256...)")
    o.add_argument("--usage", help="create-sym: comma-separated CryptographicUsageMask names")
    o.add_argument("--mode", help="encrypt/decrypt: BlockCipherMode name (CBC, ECB...)")
    o.add_argument("--random-iv", action="store_true", help="encrypt: ask the server for a random IV")
    o.add_argument("--iv-hex", help="encrypt/decrypt: IV/Counter/Nonce as hex")
    o.add_argument("--wrapping-uid",
                   help="get-wrapped: unique identifier of the wrapping key")
    o.add_argument("--block-cipher-mode", default=None,
                   help="get-wrapped: BlockCipherMode name (NIST_KEY_WRAP, "
                        "AES_KEY_WRAP_PADDING); default: none sent")
    o.add_argument("--encoding", default=None,
                   help="get-wrapped: EncodingOption name (NO_ENCODING, "
                        "TTLV_ENCODING); default: none sent")
    add_asymmetric_arguments(p)
    return p


def error_output(exc):
    reason = None
    # result_reason only for failures reported by the server (a response
    # batch item with Result Status != Success), not for client-side errors.
    if isinstance(exc, (pie_exceptions.KmipOperationFailure, ResultFailure,
                        core_exceptions.OperationFailure)):
        reason = _name(getattr(exc, "reason", None))
    text = str(exc) or repr(exc)
    return {"ok": False,
            "error": "{0}: {1}".format(type(exc).__name__, text),
            "result_reason": reason}


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.debug:
        logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    else:
        # PyKMIP logs connection errors and missing-config warnings; the
        # JSON object on stdout is the only report we want.
        logging.disable(logging.CRITICAL)
    trace = [] if args.trace else None
    session = None
    try:
        session = Session(args, trace)
        session.open()
        out = {"ok": True, "result": OPERATIONS[args.op](session, args)}
    except Exception as exc:  # report every failure as JSON
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        out = error_output(exc)
    finally:
        if session is not None:
            session.close()
    out["kmip_version"] = args.version
    if trace is not None:
        out["trace"] = trace
    sys.stdout.write(json.dumps(out, sort_keys=True) + "\n")
    sys.stdout.flush()
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as exc:  # last resort: still one JSON object
        sys.stdout.write(json.dumps(error_output(exc)) + "\n")
        sys.exit(1)
