#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A slow ICMP echo responder for tests: run it inside a network namespace with
# net.ipv4.icmp_echo_ignore_all=1; it answers echo requests sent to ADDRESS
# from a raw socket after DELAY milliseconds, except every DROP_EVERY-th one
# (optional third argument; 0, the default, answers all). Prints "ready" once
# listening and exits when its standard input is closed.

import heapq
import select
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    address = sys.argv[1]
    delay = float(sys.argv[2]) / 1000.0
    drop_every = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    requests = 0

    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    # Bound: receives only what is sent to ADDRESS and answers from it.
    sock.bind((address, 0))
    sock.setblocking(False)
    print("ready", flush=True)

    queue = []
    counter = 0
    while True:
        timeout = None
        if queue:
            timeout = max(0.0, queue[0][0] - time.monotonic())
        readable, _, _ = select.select([sock, sys.stdin], [], [], timeout)
        if sys.stdin in readable and not sys.stdin.readline():
            return
        if sock in readable:
            while True:
                try:
                    data, peer = sock.recvfrom(65535)
                except BlockingIOError:
                    break
                arrived = time.monotonic()
                ihl = (data[0] & 0x0F) * 4
                icmp = data[ihl:]
                if len(icmp) < 8 or icmp[0] != 8:
                    continue
                requests += 1
                if drop_every and requests % drop_every == 0:
                    continue
                reply = bytearray(icmp)
                reply[0] = 0
                reply[2:4] = b"\0\0"
                reply[2:4] = struct.pack("!H", checksum(bytes(reply)))
                counter += 1
                heapq.heappush(queue, (arrived + delay, counter, bytes(reply), peer[0]))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, reply, peer = heapq.heappop(queue)
            sock.sendto(reply, (peer, 0))


if __name__ == "__main__":
    main()
