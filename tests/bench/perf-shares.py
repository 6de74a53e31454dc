#!/usr/bin/python3
"""Share of the daemon's CPU per component, from `perf script` output of a `perf record -g -p PID` run.

Usage: perf script -i get.data > get.txt; tests/bench/perf-shares.py get.txt

Each sample is charged to one component: the JIT and other named threads by their thread name; a request thread's
sample to the component of the innermost frame that names one (walking from the leaf towards the root), so a
sample in OpenSSL called by SslStream is TLS and one in libsofthsm2 is the token. Frames without symbols (libc's
malloc, CoreLib's ReadyToRun code) are charged to their nearest named caller; samples with no named frame at all are
listed by their leaf. See docs/performance.md, "How to profile".
"""
import collections
import re
import sys

COMPONENTS = [
    ("PKCS#11: the token (libsofthsm2)", r"libsofthsm2"),
    ("PKCS#11: Pkcs11Interop and the adapter", r"Pkcs11Interop|HsmKmip\.Hsm\.Pkcs11|LowLevelAPI"),
    ("audit record (build, hash, write)", r"HsmKmip\.Server\.Audit|AuditRecord|IAuditSink"),
    ("metrics", r"Diagnostics\.Metrics|MeterBridge|Prometheus|OperationMetrics|Pkcs11Metrics"),
    ("store (LiteDB, record cache, BSON)", r"LiteDb|LiteDB|RecordCache|Bson|HsmKmip\.Core\.Store"),
    ("TTLV decode and request parse", r"TtlvDecoder|TtlvReader|RequestMessageParser|FromTtlv"),
    ("response version rule", r"ResponseVersionRule"),
    ("TTLV encode of the response", r"ResponseMessage|TtlvEncoder|TtlvWriter|ItemToTtlv|ToTtlv"),
    ("handler and managed objects", r"HsmKmip\.Operations\.(Handlers|Objects)|KmipAttribute|ObjectBodies|AttributeList"),
    ("pipeline, executor, authorization", r"HsmKmip\.Operations|OperationContext"),
    ("TLS (SslStream, OpenSSL)", r"SslStream|libssl|libcrypto|Interop\+Ssl|Interop\+OpenSsl|System\.Net\.Security"),
    ("sockets and epoll", r"System\.Net\.Sockets|SocketAsyncEngine|epoll"),
    ("connection loop", r"KmipConnection|HsmKmip\.Server\.Listener"),
    ("thread pool and async machinery", r"ThreadPool|WorkStealing|LowLevelLifoSemaphore|AsyncMethodBuilder|Task|ValueTask"),
]
REQUEST_THREADS = (".NET TP", ".NET Sock", ".NET Long")
TIER = re.compile(r"\[(Optimized|Tier1|Tier0|QuickJitted|Instrumented|PreJIT)[^\]]*\]")


def samples(path):
    stack, thread = None, None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if stack is not None:
                    yield thread, stack
                stack = None
                continue
            if not line[0].isspace():
                m = re.match(r"(.*?)\s+\d+\s+[\d.]+:", line)
                thread, stack = (m.group(1).strip() if m else "?"), []
                continue
            parts = line.strip().split(" ", 1)
            stack.append(TIER.sub("", parts[1] if len(parts) > 1 else parts[0]))
    if stack is not None:
        yield thread, stack


def component(thread, stack):
    if thread.startswith(".NET Tiered"):
        return "JIT (tiered compilation thread)"
    if not thread.startswith(REQUEST_THREADS):
        return "thread " + thread
    for frame in stack:
        for name, pattern in COMPILED:
            if pattern.search(frame):
                return name
    if stack and "kallsyms" in stack[0]:
        return "kernel, no managed caller (send, futex, getpid...)"
    leaf = re.sub(r"\+0x[0-9a-f]+", "", stack[0]) if stack else "?"
    return "unnamed native: " + leaf[:60]


COMPILED = [(name, re.compile(pattern)) for name, pattern in COMPONENTS]

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    counts = collections.Counter(component(t, s) for t, s in samples(sys.argv[1]))
    total = sum(counts.values())
    print(f"{total} samples")
    print("| component | share of the daemon's CPU |")
    print("| --- | --- |")
    other = 0
    for name, n in counts.most_common():
        if 100 * n / total < 0.5:
            other += n
            continue
        print(f"| {name} | {100 * n / total:.1f} % |")
    if other:
        print(f"| everything under 0.5 % each | {100 * other / total:.1f} % |")
