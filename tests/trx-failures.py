#!/usr/bin/python3
"""Prints each failed test of the TRX files given (paths that do not exist are skipped), with its message and the head
of its stack trace: tests/run deletes its TRX folders on exit, so this is what a CI log keeps of a failure."""
import html, os, re, sys
for path in [p for p in sys.argv[1:] if os.path.isfile(p)]:
    text = open(path, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r'<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="Failed"[^>]*>(.*?)</UnitTestResult>', text, re.S):
        name, body = html.unescape(m.group(1)), m.group(2)
        message = re.search(r"<Message>(.*?)</Message>", body, re.S)
        trace = re.search(r"<StackTrace>(.*?)</StackTrace>", body, re.S)
        print(f"--- FAILED {name}")
        if message:
            lines = html.unescape(message.group(1)).splitlines()
            print("\n".join(lines[:60]) + (f"\n[... {len(lines) - 60} more lines]" if len(lines) > 60 else ""))
        if trace:
            print("\n".join(html.unescape(trace.group(1)).splitlines()[:8]))
