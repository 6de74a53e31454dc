#!/usr/bin/python3
"""Reopen flood for AdmissionTests (issue 17): N TCP connections from one source address that never send a byte,
each reopened as soon as the server drops it. Runs until stdin closes.

Prints "ready" once N connections have been opened (the server then holds its limit's worth of them), "reopened K"
each time another 256 connections were dropped by the server and reopened, and "total K" when stdin closes.
Run in its own process (niced by the test) because a real attacker's CPU is not the server's: on a loaded machine
it may take seconds to open its N connections, which is why the test waits for "ready" instead of a fixed time."""
import asyncio
import resource
import socket
import sys


class Flood:
    def __init__(self, count):
        self.count = count
        self.opened = 0
        self.reopened = 0
        self.ready = False

    def say(self, line):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def on_open(self):
        self.opened += 1
        if not self.ready and self.opened >= self.count:
            self.ready = True
            self.say("ready")

    def on_dropped(self):
        self.reopened += 1
        if self.reopened % 256 == 0:
            self.say(f"reopened {self.reopened}")


async def hold(host, port, source, flood):
    loop = asyncio.get_running_loop()
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        opened = False
        try:
            sock.setblocking(False)
            sock.bind((source, 0))
            await loop.sock_connect(sock, (host, port))
            opened = True
            flood.on_open()
            await loop.sock_recv(sock, 1)  # returns b"" (or raises a reset) when the server closes it
        except OSError:
            if not opened:
                await asyncio.sleep(0.01)  # refused before it was open: try again without spinning
        finally:
            sock.close()
        if opened:
            flood.on_dropped()


async def main():
    host, port, source, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # N sockets need more than the default soft limit
    flood = Flood(count)
    tasks = [asyncio.create_task(hold(host, port, source, flood)) for _ in range(count)]
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for t in tasks:
        t.cancel()
    flood.say(f"total {flood.reopened}")


asyncio.run(main())
