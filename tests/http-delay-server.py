#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A small HTTP/1.1 server with keep-alive for the HTTP benchmarks: GET
# /delay?ms=N waits N milliseconds, then answers 200 with a short body.
# One thread, asyncio: a new connection costs the same whoever makes it, so
# clients compared against each other see the same server.
# Usage: http-delay-server.py PORT_FILE  (listens on 127.0.0.1, a free port,
# and writes the port number to PORT_FILE once it is ready).

import asyncio
import os
import sys
import urllib.parse

BODY = b"slow but fine\n"


async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
            delay_ms = float(query.get("ms", ["0"])[0])
            if delay_ms > 0:
                await asyncio.sleep(delay_ms / 1000.0)
            close = b"\r\nconnection: close" in head.lower()
            writer.write(b"HTTP/1.1 200 OK\r\n"
                         b"Content-Type: text/plain\r\n"
                         b"Content-Length: %d\r\n" % len(BODY) +
                         (b"Connection: close\r\n" if close else b"") +
                         b"\r\n" + BODY)
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
