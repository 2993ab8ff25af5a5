#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A small DNS responder for the tests, for what dnsmasq will not do. It
# binds 127.0.0.1 on a free UDP port, prints the port, and answers by the
# first label of the question:
#   servfail.*  SERVFAIL          refused.*  REFUSED
#   silent.*    never answers     slow-N.*   A 192.0.2.7 after N ms
#   nodata.*    NOERROR, no records
#   ttlN.*      A 192.0.2.8 with TTL N
#   anything else: A 192.0.2.9 (TTL 300) for A, NOERROR without records otherwise
# It counts the questions it got; a query for "count.stats." is answered with
# that count in a TXT record.

import socket
import struct
import sys
import threading


def parse_question(data):
    pos = 12
    labels = []
    while True:
        n = data[pos]
        if n == 0:
            pos += 1
            break
        labels.append(data[pos + 1:pos + 1 + n].decode('ascii', 'replace').lower())
        pos += 1 + n
    qtype, qclass = struct.unpack('!HH', data[pos:pos + 4])
    return labels, qtype, data[12:pos + 4]


def reply(query, question, rcode, answers):
    qid = query[:2]
    flags = 0x8000 | 0x0080 | (query[2] & 0x01) << 8 | rcode
    header = qid + struct.pack('!HHHHH', flags, 1, len(answers), 0, 0)
    body = b''
    for rtype, ttl, rdata in answers:
        body += struct.pack('!HHHIH', 0xC00C, rtype, 1, ttl, len(rdata)) + rdata
    return header + question + body


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    print(sock.getsockname()[1], flush=True)
    count = 0
    while True:
        data, peer = sock.recvfrom(4096)
        try:
            labels, qtype, question = parse_question(data)
        except (IndexError, struct.error):
            continue
        first = labels[0] if labels else ''
        if labels == ['count', 'stats']:
            text = str(count).encode()
            sock.sendto(reply(data, question, 0, [(16, 0, bytes([len(text)]) + text)]), peer)
            continue
        count += 1
        if first == 'silent':
            continue
        if first == 'servfail':
            sock.sendto(reply(data, question, 2, []), peer)
        elif first == 'refused':
            sock.sendto(reply(data, question, 5, []), peer)
        elif first == 'nodata':
            sock.sendto(reply(data, question, 0, []), peer)
        elif first.startswith('slow-'):
            delay = int(first[5:]) / 1000.0
            answer = reply(data, question, 0, [(1, 300, bytes([192, 0, 2, 7]))] if qtype == 1 else [])
            threading.Timer(delay, sock.sendto, (answer, peer)).start()
        elif first.startswith('ttl') and first[3:].isdigit():
            answers = [(1, int(first[3:]), bytes([192, 0, 2, 8]))] if qtype == 1 else []
            sock.sendto(reply(data, question, 0, answers), peer)
        else:
            answers = [(1, 300, bytes([192, 0, 2, 9]))] if qtype == 1 else []
            sock.sendto(reply(data, question, 0, answers), peer)


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
