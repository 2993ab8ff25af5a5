#!/usr/bin/python3
# test-agent-crash.py: SIGKILL `lookout-agent run` at random moments.
#
# Copyright 2026 The Lookout authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-agent-crash.py PATH/TO/lookout-agent     (prints TAP)
#
# 200 TCP targets checked every second against 200 loopback ports this test
# listens on. Each round starts the agent with --verbose on the same
# database, waits for its first result, lets it run for a random (seeded)
# while, kills it with SIGKILL and then checks the file:
#   - PRAGMA integrity_check says ok;
#   - the lock of the killed agent is gone (the next round starts);
#   - lost window: the kill's time minus the newest stored result's start,
#     at most 1 s;
#   - results the agent printed that are not stored, per kill.
# LOOKOUT_CRASH_SEED and LOOKOUT_CRASH_ROUNDS override the seed and count.

import os
import random
import selectors
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stored_samples import stored_by_uri  # noqa: E402
from collections import Counter
from datetime import datetime, timezone

AGENT = sys.argv[1]
N_TARGETS = 200
ROUNDS = int(os.environ.get("LOOKOUT_CRASH_ROUNDS", "100"))
SEED = int(os.environ.get("LOOKOUT_CRASH_SEED", "20261202"))
MAX_LOST_MS = 1000


class Listeners:
    """N TCP ports on 127.0.0.1 that accept and close, on one thread."""

    def __init__(self, n):
        self.selector = selectors.DefaultSelector()
        self.ports = []
        for _ in range(n):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sock.listen(64)
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ)
            self.ports.append(sock.getsockname()[1])
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            for key, _ in self.selector.select(timeout=0.1):
                try:
                    conn, _ = key.fileobj.accept()
                    conn.close()
                except BlockingIOError:
                    pass

    def close(self):
        self.stopping = True
        self.thread.join()
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()


def parse_result(line):
    """(uri, second) of a --verbose result line, else None."""
    parts = line.split()
    if len(parts) >= 3 and parts[2] in ("ok", "failed") and parts[1].startswith("tcp://"):
        when = datetime.strptime(parts[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
        return parts[1], int(when.timestamp())
    return None


def one_round(rng, db, targets_path):
    proc = subprocess.Popen([AGENT, "run", "--db", db, "--targets", targets_path, "--verbose"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = []
    first = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line)
            if parse_result(line) is not None:
                first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not first.wait(30):
        proc.kill()
        proc.wait()
        raise AssertionError("the agent printed no result within 30 s")

    # The random moment of the kill.
    time.sleep(rng.uniform(0.2, 1.5))
    kill_ms = int(time.time() * 1000)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join()

    con = sqlite3.connect(db)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        printed = Counter(r for r in map(parse_result, lines) if r is not None)
        stored = Counter()
        newest = 0
        for uri, rows in stored_by_uri(con).items():
            for ts_ms, *_ in rows:
                stored[(uri, ts_ms // 1000)] += 1
                newest = max(newest, ts_ms)
        lost = sum(max(0, n - stored[key]) for key, n in printed.items())
        n_targets, n_uris = con.execute("SELECT count(*), count(DISTINCT uri) FROM targets").fetchone()
    finally:
        con.close()

    return integrity, kill_ms - newest, lost, sum(printed.values()), (n_targets, n_uris)


def main():
    rng = random.Random(SEED)
    listeners = Listeners(N_TARGETS)
    tmp = tempfile.TemporaryDirectory(prefix="lookout-crash-")
    db = os.path.join(tmp.name, "crash.db")
    targets_path = os.path.join(tmp.name, "targets.txt")
    with open(targets_path, "w") as f:
        for port in listeners.ports:
            f.write(f"tcp://127.0.0.1:{port} interval=1 timeout=900\n")

    results = []
    windows = []
    losses = []
    printed_total = 0
    for i in range(ROUNDS):
        integrity, window_ms, lost, printed, counts = one_round(rng, db, targets_path)
        windows.append(window_ms)
        losses.append(lost)
        printed_total += printed
        # At most 1 s of results: N_TARGETS of them.
        ok = (integrity == "ok" and window_ms <= MAX_LOST_MS and lost <= N_TARGETS * MAX_LOST_MS // 1000
              and counts == (N_TARGETS, N_TARGETS))
        detail = (f"integrity {integrity}, lost window {window_ms} ms, "
                  f"{lost} of {printed} printed results not stored, targets {counts}")
        results.append((ok, f"kill {i + 1}: {detail}"))

    listeners.close()
    tmp.cleanup()

    windows.sort()
    print(f"1..{len(results)}")
    for i, (ok, description) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {description}")
    print(f"# seed {SEED}, {ROUNDS} kills of {N_TARGETS} targets at 1 s")
    print(f"# figure: crash_lost_window_max = {windows[-1] / 1000:.3f} s")
    print(f"# figure: crash_lost_window_p50 = {windows[len(windows) // 2] / 1000:.3f} s")
    print(f"# figure: crash_printed_not_stored_per_kill_max = {max(losses)} results")
    print(f"# figure: crash_printed_not_stored_per_kill_mean = {sum(losses) / len(losses):.2f} results"
          f" (of {printed_total} printed)")


main()
