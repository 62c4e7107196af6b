#!/usr/bin/env python3
"""Load for uv-echo: N concurrent clients on 127.0.0.1:PORT, each sending M messages and
checking every echo byte for byte. Prints 'echoed N*M messages' and exits 0, or says what
differed and exits 1. Usage: client.py PORT [N] [M]"""
import asyncio
import sys


async def client(port, k, m):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    for i in range(m):
        msg = f"client {k} message {i} {'x' * (i % 50)}\n".encode()
        w.write(msg)
        await w.drain()
        got = await asyncio.wait_for(r.readexactly(len(msg)), 30)
        if got != msg:
            raise SystemExit(f"client {k}: sent {msg!r}, got {got!r}")
    w.close()
    await w.wait_closed()


async def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    await asyncio.gather(*(client(port, k, m) for k in range(n)))
    print(f"echoed {n * m} messages")


asyncio.run(main())
