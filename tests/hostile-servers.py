#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Servers that misbehave on purpose, on loopback, for the soak benchmark and
# for reproducing by hand what tests/test-hostile.c checks.
#
# Usage: hostile-servers.py PORT_FILE [TARGETS_FILE [COPIES]]
#   Listens on 127.0.0.1: one TCP port for HTTP (the path picks the
#   behaviour), one UDP port for DNS (the question's name picks it), one
#   UDP port for NTP (garbage replies). Writes "http dns ntp" ports to
#   PORT_FILE once ready; with TARGETS_FILE also writes a targets file with
#   COPIES (default 7) of every hostile target, for `lookout-agent run`.
#
# HTTP paths: /1xx endless 100 Continue, /body endless body, /slowloris one
# header byte every 200 ms, /silent never answers, /reset resets mid-response,
# /loop redirects to itself, /chain/N redirects N more times, /huge endless
# header lines, /bomb a gzip bomb (64 MiB of zeros in 64 KiB), /ok a plain answer.
# DNS names: loop.test (compression loop), trunc.test (cut in the answer),
# qr.test (QR bit clear), big.test (1400 bytes without TC), ok.test.

import gzip
import os
import socket
import socketserver
import struct
import sys
import threading
import time
import zlib

BOMB = None


def make_bomb():
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(64)]
    parts.append(compressor.flush())
    return b"".join(parts)


class Http(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        try:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                head += chunk
            path = head.split(b"\r\n", 1)[0].split(b" ")[1].decode().split("?")[0]
            self.serve(sock, path)
        except (OSError, IndexError, ValueError):
            pass

    def serve(self, sock, path):
        if path == "/1xx":
            while True:
                sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 64)
        elif path == "/body":
            sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"4000\r\n" + b"x" * 0x4000 + b"\r\n"
            while True:
                sock.sendall(chunk)
        elif path == "/slowloris":
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100000:
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
        elif path == "/silent":
            while sock.recv(4096):
                pass
        elif path == "/reset":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif path == "/loop":
            sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n")
        elif path.startswith("/chain/"):
            n = int(path[7:])
            sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: /chain/%d\r\nContent-Length: 0\r\n\r\n" % (n + 1))
        elif path == "/huge":
            sock.sendall(b"HTTP/1.1 200 OK\r\n")
            while True:
                sock.sendall(b"X-Huge: " + b"h" * 1000 + b"\r\n")
        elif path == "/bomb":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(BOMB) + BOMB)
        else:
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def dns_reply(query):
    qid = query[:2]
    qend = 12
    while query[qend] != 0:
        qend += 1 + query[qend]
    question = query[12:qend + 5]
    labels = []
    i = 12
    while query[i]:
        labels.append(query[i + 1:i + 1 + query[i]].decode(errors="replace"))
        i += 1 + query[i]
    name = ".".join(labels)
    answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 1])
    if name.startswith("loop"):
        # the answer's name points at itself
        pos = 12 + len(question)
        return qid + b"\x81\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + question + \
            struct.pack("!H", 0xC000 | pos) + answer[2:]
    if name.startswith("trunc"):
        return qid + b"\x81\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + question + answer[:7]
    if name.startswith("qr"):
        return qid + b"\x01\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + question + answer
    if name.startswith("big"):
        count = 90
        return qid + b"\x81\x80" + struct.pack("!HHHH", 1, count, 0, 0) + question + answer * count
    return qid + b"\x81\x80" + struct.pack("!HHHH", 1, 1, 0, 0) + question + answer


def serve_dns(sock):
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            sock.sendto(dns_reply(data), peer)
        except (IndexError, OSError):
            pass


def serve_ntp(sock):
    n = 0
    while True:
        data, peer = sock.recvfrom(4096)
        n += 1
        # garbage: random-looking bytes, a short packet, a reply with mode 3
        garbage = [os.urandom(48), b"\x1c\x01", b"\x1b" + os.urandom(47)]
        for g in garbage:
            sock.sendto(g, peer)


def main():
    global BOMB
    BOMB = make_bomb()
    http = ThreadingTCP(("127.0.0.1", 0), Http)
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dns.bind(("127.0.0.1", 0))
    ntp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ntp.bind(("127.0.0.1", 0))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    threading.Thread(target=serve_dns, args=(dns,), daemon=True).start()
    threading.Thread(target=serve_ntp, args=(ntp,), daemon=True).start()
    ports = (http.server_address[1], dns.getsockname()[1], ntp.getsockname()[1])

    if len(sys.argv) > 2:
        copies = int(sys.argv[3]) if len(sys.argv) > 3 else 7
        h, d, n = ports
        kinds = ["http://127.0.0.1:%d/%s" % (h, p) for p in
                 ("1xx", "body", "slowloris", "silent", "reset", "loop", "chain/0", "huge", "bomb")]
        kinds += ["dns://127.0.0.1:%d/%s-{}.test" % (d, q) for q in ("loop", "trunc")]
        with open(sys.argv[2], "w") as f:
            for i in range(copies):
                for uri in kinds:
                    if uri.startswith("http"):
                        uri = "%s?copy=%d" % (uri, i)
                    else:
                        uri = uri.format(i)
                    f.write("%s interval=5 timeout=2000\n" % uri)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d %d %d\n" % ports)
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    threading.Event().wait()


if __name__ == "__main__":
    main()
