#!/usr/bin/python3
"""Reopen flood for AdmissionTests (issue 17): N TCP connections from one source address that never send a byte,
each reopened as soon as the server drops it. Runs until stdin closes; prints the number of reopened connections.
Run in its own process (niced by the test) because a real attacker's CPU is not the server's."""
import asyncio
import resource
import socket
import sys


async def hold(host, port, source, counter):
    while True:
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.bind((source, 0))
            reader, writer = await asyncio.open_connection(sock=await connect(sock, host, port))
            await reader.read(1)  # returns when the server closes it
            writer.close()
        except OSError:
            pass
        counter[0] += 1


async def connect(sock, host, port):
    await asyncio.get_running_loop().sock_connect(sock, (host, port))
    return sock


async def main():
    host, port, source, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 1,024 sockets need more than the default soft limit
    counter = [0]
    tasks = [asyncio.create_task(hold(host, port, source, counter)) for _ in range(count)]
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for t in tasks:
        t.cancel()
    print(counter[0], flush=True)


asyncio.run(main())
