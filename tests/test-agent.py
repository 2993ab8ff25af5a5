#!/usr/bin/python3
# test-agent.py: runs the built lookout-agent against TCP peers on loopback.
#
# Copyright 2026 The Lookout authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-agent.py PATH/TO/lookout-agent     (prints TAP)

import json
import os
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

AGENT = sys.argv[1]
results = []


class Listener:
    """A TCP server on 127.0.0.1 that accepts and closes connections."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if ready:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()

    def close(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


def closed_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def agent(*args, timeout=30):
    return subprocess.run([AGENT, *args], capture_output=True, text=True, timeout=timeout)


def check(description, func):
    try:
        func()
        results.append((True, description, ""))
    except Exception as e:  # noqa: BLE001 - a failed check of any kind
        results.append((False, description, f"{type(e).__name__}: {e}"))


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_quiet(stderr):
    """No GLib warning or critical on stderr."""
    for word in ("CRITICAL", "WARNING", "ERROR"):
        expect(word not in stderr, stderr)


def json_lines(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def unpack_log_row(data):
    """(target_id, latency_us or None, error or None) of each result in one
    row of the store's log, read as lookout-chunk-codec.c writes it."""
    pos = 0

    def varint():
        nonlocal pos
        value = shift = 0
        while True:
            b = data[pos]
            pos += 1
            value |= (b & 0x7f) << shift
            shift += 7
            if b < 0x80:
                return value

    def signed():
        v = varint()
        return (v >> 1) ^ -(v & 1)

    n = varint()
    ids, last = [], 0
    for _ in range(n):
        last += signed()
        ids.append(last)
    assert data[pos] == 1, "chunk version"
    pos += 1
    assert varint() == n
    for _ in range(n):
        varint()                      # timestamps
    present, has, i = [], True, 0
    while i < n:                      # latency presence runs
        run = varint()
        present += [has] * run
        i += run
        has = not has
    latency, lat = [], 0
    for k in range(n):
        if present[k]:
            lat += signed()           # the first is absolute, from 0
            latency.append(lat)
        else:
            latency.append(None)
    for section in ("states", "codes"):
        i = 0
        while i < n:
            if section == "states":
                pos += 1
            else:
                varint()
            i += varint()
    errors, texts, at = [None] * n, [], 0
    for e in range(varint()):
        at += varint()
        ref = varint()
        if ref == 0:
            length = varint()
            texts.append(data[pos:pos + length].decode())
            pos += length
            ref = len(texts)
        errors[at] = texts[ref - 1]
    return list(zip(ids, latency, errors))


def stored_results(con, uri):
    """The results of the target with that URI: those still in the log (after
    its sealed mark) unpacked, and the number sealed into chunks."""
    row = con.execute("SELECT id, coalesce((SELECT seq FROM sample_sealed WHERE target_id = id), 0),"
                      " (SELECT coalesce(sum(n), 0) FROM sample_chunks WHERE target_id = id)"
                      " FROM targets WHERE uri = ?", (uri,)).fetchone()
    if row is None:
        return [], 0
    target_id, sealed_seq, n_sealed = row
    unsealed = []
    for (data,) in con.execute("SELECT data FROM sample_log WHERE seq > ? ORDER BY seq", (sealed_seq,)):
        unsealed += [r for r in unpack_log_row(data) if r[0] == target_id]
    return unsealed, n_sealed


def samples_for(db, uri):
    con = sqlite3.connect(db)
    try:
        unsealed, n_sealed = stored_results(con, uri)
        return len(unsealed) + n_sealed
    finally:
        con.close()


listener = Listener()
tmp = tempfile.TemporaryDirectory(prefix="lookout-agent-test-")


def t_check_open():
    uri = f"tcp://127.0.0.1:{listener.port}"
    p = agent("check", uri)
    expect(p.returncode == 0, f"exit {p.returncode}, stderr {p.stderr!r}")
    lines = json_lines(p.stdout)
    expect(len(lines) == 1, f"{len(lines)} lines: {p.stdout!r}")
    r = lines[0]
    expect(r["ok"] is True, r)
    expect(r["kind"] == "tcp", r)
    expect(r["target"] == uri, r)
    expect(r["state"] == "up", r)
    expect(isinstance(r["latency_ms"], (int, float)) and 0 < r["latency_ms"] < 1000, r)
    expect(r["address"] is not None and "127.0.0.1" in r["address"], r)
    expect(r["error"] is None, r)


def t_check_refused():
    uri = f"tcp://127.0.0.1:{closed_port()}"
    p = agent("check", "--timeout", "2000", uri)
    expect(p.returncode == 1, f"exit {p.returncode}, stderr {p.stderr!r}")
    r = json_lines(p.stdout)[0]
    expect(r["ok"] is False, r)
    expect(r["error_class"] == "refused", r)
    expect(r["latency_ms"] is None, r)
    expect(r["error"], r)


def t_check_mixed():
    good = f"tcp://127.0.0.1:{listener.port}"
    bad = f"tcp://127.0.0.1:{closed_port()}"
    p = agent("check", good, bad)
    expect(p.returncode == 1, f"exit {p.returncode}")
    lines = json_lines(p.stdout)
    expect([r["target"] for r in lines] == [good, bad], lines)
    expect([r["ok"] for r in lines] == [True, False], lines)


def t_check_invalid_target():
    p = agent("check", f"tcp://127.0.0.1:{listener.port}", "tcp://127.0.0.1:70000")
    expect(p.returncode == 2, f"exit {p.returncode}")
    expect("tcp://127.0.0.1:70000" in p.stderr, p.stderr)
    expect("65535" in p.stderr, p.stderr)
    expect(p.stdout == "", p.stdout)


def t_check_usage():
    for args in (["check"], ["check", "--count", "0", "tcp://127.0.0.1:1"],
                 ["check", "--bogus", "tcp://127.0.0.1:1"], ["check", "--timeout", "5", "tcp://127.0.0.1:1"],
                 ["frobnicate"], []):
        p = agent(*args)
        expect(p.returncode == 2, f"{args}: exit {p.returncode}")
        expect(p.stderr.strip() != "", f"{args}: no message")


def t_check_count():
    uri = f"tcp://127.0.0.1:{listener.port}"
    start = time.monotonic()
    p = agent("check", "--count", "3", uri)
    elapsed = time.monotonic() - start
    expect(p.returncode == 0, f"exit {p.returncode}")
    lines = json_lines(p.stdout)
    expect(len(lines) == 3, lines)
    expect(all(r["ok"] for r in lines), lines)
    gaps = [b["time_ms"] - a["time_ms"] for a, b in zip(lines, lines[1:])]
    expect(all(900 <= g <= 1500 for g in gaps), gaps)
    expect(1.8 <= elapsed < 10, elapsed)


def t_help_version():
    p = agent("--help")
    expect(p.returncode == 0 and "check" in p.stdout and "run" in p.stdout, p)
    p = agent("check", "--help")
    expect(p.returncode == 0 and "--count" in p.stdout, p)
    p = agent("run", "--help")
    expect(p.returncode == 0 and "--db" in p.stdout, p)
    p = agent("--version")
    expect(p.returncode == 0 and p.stdout.startswith("lookout-agent "), p)


def t_run_duration():
    db = os.path.join(tmp.name, "run.db")
    targets = os.path.join(tmp.name, "targets.txt")
    uri = f"tcp://127.0.0.1:{listener.port}"
    refused = f"tcp://127.0.0.1:{closed_port()}"
    with open(targets, "w") as f:
        f.write("# the agent test\n")
        f.write(f"{uri} interval=1 name=\"local listener\"\n")
        f.write(f"{refused} interval=1 failures=1   # nobody listens\n")
    p = agent("run", "--db", db, "--targets", targets, "--duration", "3", "--stats")
    expect(p.returncode == 0, f"exit {p.returncode}, stderr {p.stderr!r}")
    expect_quiet(p.stderr)
    n = samples_for(db, uri)
    expect(n >= 2, f"{n} samples")
    expect(samples_for(db, refused) >= 2, "refused target not sampled")
    expect(f"{uri} is up" in p.stdout, p.stdout)
    expect(f"{refused} is down" in p.stdout, p.stdout)
    expect("stats: targets=2" in p.stdout, p.stdout)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT uri, name, interval_s FROM targets ORDER BY uri").fetchall()
    # A run this short seals nothing: its results are all in the log.
    unsealed, n_sealed = stored_results(con, refused)
    failed = sum(1 for _, latency, error in unsealed if latency is None and error)
    expect(n_sealed == 0, f"{n_sealed} results sealed in a short run")
    con.close()
    expect(len(rows) == 2, rows)
    expect(("local listener" in [r[1] for r in rows]), rows)
    expect(failed >= 2, f"{failed} failed samples without latency and with an error")

    # a second run with the same file adds nothing twice
    p = agent("run", "--db", db, "--targets", targets, "--duration", "1")
    expect(p.returncode == 0, f"exit {p.returncode}, stderr {p.stderr!r}")
    con = sqlite3.connect(db)
    count = con.execute("SELECT count(*) FROM targets").fetchone()[0]
    con.close()
    expect(count == 2, f"{count} targets after the second run")


def run_until_signal(sig, after_s):
    """Runs the agent on a 1 s target, sends @sig after @after_s; checks that
    it exits 0 with every printed result stored."""
    name = signal.Signals(sig).name.lower()
    db = os.path.join(tmp.name, f"{name}.db")
    targets = os.path.join(tmp.name, f"{name}.txt")
    uri = f"tcp://127.0.0.1:{listener.port}"
    with open(targets, "w") as f:
        f.write(f"{uri} interval=1\n")
    proc = subprocess.Popen([AGENT, "run", "--db", db, "--targets", targets, "--verbose"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after_s)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=15)
    expect(proc.returncode == 0, f"exit {proc.returncode}, stderr {err!r}")
    expect_quiet(err)
    printed = sum(1 for line in out.splitlines() if f"{uri} ok" in line)
    stored = samples_for(db, uri)
    expect(printed >= 1, out)
    expect(stored >= printed, f"{stored} stored, {printed} printed")


def t_run_sigterm():
    run_until_signal(signal.SIGTERM, 2.5)


def t_run_sigint():
    run_until_signal(signal.SIGINT, 1.8)


def t_run_bad_targets_file():
    db = os.path.join(tmp.name, "bad.db")
    targets = os.path.join(tmp.name, "bad.txt")
    with open(targets, "w") as f:
        f.write(f"tcp://127.0.0.1:{listener.port}\n")
        f.write("\n")
        f.write("tcp://127.0.0.1:99999 interval=1\n")
    p = agent("run", "--db", db, "--targets", targets, "--duration", "1")
    expect(p.returncode == 2, f"exit {p.returncode}")
    expect(f"{targets}:3:" in p.stderr, p.stderr)
    # nothing imported: the database was not even created
    expect(not os.path.exists(db), "database created")


def t_run_usage():
    p = agent("run", "--duration", "1")
    expect(p.returncode == 2 and "--db" in p.stderr, p)
    p = agent("run", "--db", os.path.join(tmp.name, "x.db"), "extra")
    expect(p.returncode == 2, p)


check("check: open TCP port is ok, exit 0", t_check_open)
check("check: closed TCP port is refused, exit 1", t_check_refused)
check("check: several targets at once, in order", t_check_mixed)
check("check: an invalid target exits 2 naming it", t_check_invalid_target)
check("check: bad usage exits 2", t_check_usage)
check("check: --count N gives N checks a second apart", t_check_count)
check("--help and --version", t_help_version)
check("run: --duration stores samples and stops cleanly", t_run_duration)
check("run: SIGTERM flushes and exits 0", t_run_sigterm)
check("run: SIGINT flushes and exits 0", t_run_sigint)
check("run: a bad targets file imports nothing, exit 2", t_run_bad_targets_file)
check("run: bad usage exits 2", t_run_usage)

listener.close()
tmp.cleanup()

print(f"1..{len(results)}")
for i, (ok, description, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {description}")
    if not ok:
        for line in detail.splitlines():
            print(f"# {line}")
sys.exit(0)
