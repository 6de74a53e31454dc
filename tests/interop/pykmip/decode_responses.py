#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Decodes KMIP response messages with PyKMIP's own message classes.

Run with Debian's interpreter (``/usr/bin/python3``, python3-pykmip 0.10).
Reads lines ``LABEL HEX`` on stdin (one TTLV ResponseMessage each) and
prints one JSON object: how many decoded, which were skipped because PyKMIP
has no payload class for one of their operations, and every failure with its
label and PyKMIP's error.  One process decodes any number of messages, so a
test can check a whole suite's responses at once.
"""

import binascii
import json
import struct
import sys
import warnings

warnings.simplefilter("ignore")

from kmip.core import enums  # noqa: E402
from kmip.core import utils  # noqa: E402
from kmip.core.factories.payloads.response import ResponsePayloadFactory  # noqa: E402
from kmip.core.messages import messages  # noqa: E402

BATCH_ITEM = 0x42000F
OPERATION = 0x42005C
RESPONSE_PAYLOAD = 0x42007C


def items(data):
    """(tag, type, value bytes) of the children of the structure in data."""
    offset = 8
    end = 8 + struct.unpack("!I", data[4:8])[0]
    while offset < end:
        tag = struct.unpack("!I", b"\x00" + data[offset:offset + 3])[0]
        kind = data[offset + 3]
        length = struct.unpack("!I", data[offset + 4:offset + 8])[0]
        yield tag, kind, data[offset:offset + 8 + length]
        offset += 8 + length + (-length % 8 if kind not in (1,) else 0)


def operations_with_payloads(data):
    """The operations of the batch items that carry a Response Payload."""
    found = []
    for tag, _, item in items(data):
        if tag != BATCH_ITEM:
            continue
        operation, has_payload = None, False
        for child_tag, _, child in items(item):
            if child_tag == OPERATION:
                operation = struct.unpack("!I", child[8:12])[0]
            elif child_tag == RESPONSE_PAYLOAD:
                has_payload = True
        if has_payload and operation is not None:
            found.append(operation)
    return found


def unsupported(operation):
    """The reason PyKMIP cannot decode this operation's payload, or None."""
    try:
        ResponsePayloadFactory().create(enums.Operation(operation))
        return None
    except (NotImplementedError, ValueError):
        try:
            return enums.Operation(operation).name
        except ValueError:
            return "0x{0:08X}".format(operation)


def main():
    decoded, skipped, failures, named = 0, {}, [], []
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        label, _, text = line.partition(" ")
        data = binascii.unhexlify(text)
        missing = [u for u in (unsupported(o) for o in operations_with_payloads(data)) if u]
        if missing:
            for name in missing:
                skipped[name] = skipped.get(name, 0) + 1
            continue
        try:
            message = messages.ResponseMessage()
            message.read(utils.BytearrayStream(data))
            decoded += 1
        except Exception as exc:  # the decoder's verdict is the finding
            error = "{0}: {1}".format(type(exc).__name__, str(exc) or repr(exc))
            # A label ending "+named" answers a Get Attributes naming its
            # attributes: PyKMIP lacking a value class for one of them is
            # the request's choice (PyKMIP's client never asks for those).
            if label.endswith("+named") and attribute_class_missing(exc):
                named.append({"label": label, "error": error})
            else:
                failures.append({"label": label, "error": error})
    sys.stdout.write(json.dumps({"decoded": decoded, "skipped": skipped,
                                 "failures": failures,
                                 "named": named}) + "\n")


def attribute_class_missing(exc):
    """PyKMIP's attribute value factory has no class for the attribute."""
    text = str(exc)
    return isinstance(exc, NotImplementedError) or \
        text.startswith("Unrecognized attribute type") or \
        text.startswith("No value type for")


if __name__ == "__main__":
    main()
