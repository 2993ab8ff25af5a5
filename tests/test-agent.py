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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stored_samples import stored_results  # noqa: E402

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


def samples_for(db, uri):
    con = sqlite3.connect(db)
    try:
        return len(stored_results(con, uri))
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


def t_check_iface():
    p = agent("check", "iface://lo", "iface://nosuch0")
    expect(p.returncode == 1, f"exit {p.returncode}, stderr {p.stderr!r}")
    lo, missing = json_lines(p.stdout)
    expect(lo["kind"] == "iface" and lo["ok"] is True and lo["state"] == "up", lo)
    expect(lo["interface"] == "lo" and lo["carrier"] is True, lo)
    for key in ("rx_bps", "tx_bps", "bps", "rx_bytes", "tx_bytes", "errors", "drops"):
        expect(isinstance(lo[key], int) and lo[key] >= 0, f"{key}: {lo}")
    expect(lo["bps"] == lo["rx_bps"] + lo["tx_bps"], lo)
    expect(missing["ok"] is False and missing["state"] == "down", missing)
    expect("no network interface named" in missing["error"], missing)
    p = agent("check", "iface://eth0:1")
    expect(p.returncode == 2 and "no port" in p.stderr, f"exit {p.returncode}, stderr {p.stderr!r}")


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
    n_sealed = con.execute("SELECT count(*) FROM sample_chunks").fetchone()[0]
    failed = sum(1 for _, latency, _, error in stored_results(con, refused) if latency is None and error)
    expect(n_sealed == 0, f"{n_sealed} chunks sealed in a short run")
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


def t_run_unbounded_input():
    # /dev/zero never ends: refused at the limit with a message, quickly,
    # before any database is made
    db = os.path.join(tmp.name, "zero.db")
    for option, what in (("--targets", "targets file"), ("--config", "configuration file")):
        p = agent("run", "--db", db, option, "/dev/zero", "--duration", "1", timeout=20)
        expect(p.returncode == 2, f"{option}: exit {p.returncode}")
        expect("/dev/zero is larger than" in p.stderr and f"the limit for a {what}" in p.stderr,
               p.stderr)
    expect(not os.path.exists(db), "database created")


def t_run_usage():
    p = agent("run", "--duration", "1")
    expect(p.returncode == 2 and "--db" in p.stderr, p)
    p = agent("run", "--db", os.path.join(tmp.name, "x.db"), "extra")
    expect(p.returncode == 2, p)


def t_run_empty_db():
    p = agent("run", "--db", "", "--duration", "1")
    expect(p.returncode == 2 and "empty" in p.stderr, p)


def t_run_read_only_db():
    db = os.path.join(tmp.name, "read-only.db")
    p = agent("run", "--db", db, "--duration", "1")
    expect(p.returncode == 0, p)
    os.chmod(db, 0o444)
    before = os.stat(db)
    p = agent("run", "--db", db, "--duration", "1")
    os.chmod(db, 0o644)
    expect(p.returncode == 1 and "read-only" in p.stderr, p)
    after = os.stat(db)
    expect((before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns), "file changed")


def t_run_foreign_db():
    db = os.path.join(tmp.name, "foreign.db")
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE targets (owner TEXT)")
    con.commit()
    con.close()
    p = agent("run", "--db", db, "--duration", "1")
    expect(p.returncode == 1 and "not a Lookout database" in p.stderr, p)
    con = sqlite3.connect(db)
    mode = con.execute("PRAGMA journal_mode").fetchone()[0]
    n = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    con.close()
    expect(mode == "delete" and n == 1, (mode, n))


class Running:
    """lookout-agent run in the background, its stdout gathered by a thread."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([AGENT, "run", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.thread = threading.Thread(target=self.read, daemon=True)
        self.thread.start()

    def read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_line(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.proc.poll() is not None and not self.thread.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} in {self.lines!r}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=30)
        self.thread.join()
        return self.proc.returncode, err


def wait_for(condition, timeout, what, poll=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(poll)


def lock_owner(db):
    try:
        with open(db + ".lock") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def t_run_second_refused():
    db = os.path.join(tmp.name, "one-process.db")
    first = Running("--db", db)
    wait_for(lambda: lock_owner(db).startswith(f"{first.proc.pid} "), 20, "the first agent's lock")
    p = agent("run", "--db", db, "--duration", "1")
    code, _ = first.stop()
    expect(p.returncode == 1, p)
    expect(f"process {first.proc.pid}" in p.stderr and "lookout-agent" in p.stderr, p.stderr)
    expect(code == 0, f"first agent exit {code}")


def t_run_sigterm_at_lock():
    """SIGTERM the moment the lock names the process: the handlers are in
    place before the lock is taken, so it stops cleanly every time."""
    for i in range(10):
        db = os.path.join(tmp.name, f"sigterm-at-lock-{i}.db")
        proc = subprocess.Popen([AGENT, "run", "--db", db], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        wait_for(lambda: lock_owner(db).startswith(f"{proc.pid} "), 20, "the lock", poll=0.001)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        expect(proc.returncode == 0, f"run {i}: exit {proc.returncode}, stderr {err!r}")


def t_run_together_no_duplicates():
    db = os.path.join(tmp.name, "together.db")
    targets = os.path.join(tmp.name, "together.txt")
    with open(targets, "w") as f:
        for i in range(20):
            f.write(f"http://127.0.0.1:{listener.port}/t{i} interval=1\n")
    procs = [subprocess.Popen([AGENT, "run", "--db", db, "--targets", targets, "--duration", "3"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    codes = sorted(p.returncode for p in procs)
    expect(codes == [0, 1], (codes, outs))
    refused = outs[[p.returncode for p in procs].index(1)][1]
    expect("already monitored" in refused, refused)
    con = sqlite3.connect(db)
    n, distinct = con.execute("SELECT count(*), count(DISTINCT uri) FROM targets").fetchone()
    con.close()
    expect(n == 20 and distinct == 20, (n, distinct))


# A database as the row store of schema 1 left it.
SCHEMA_V1 = """
CREATE TABLE targets (id INTEGER PRIMARY KEY AUTOINCREMENT, uri TEXT NOT NULL, name TEXT,
  interval_s INTEGER NOT NULL, timeout_ms INTEGER NOT NULL, fail_threshold INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1, options_json TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL, lat REAL, lon REAL, location_source TEXT);
CREATE TABLE samples (target_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL,
  latency_us INTEGER, state INTEGER NOT NULL, code INTEGER, error TEXT,
  PRIMARY KEY (target_id, ts_ms)) WITHOUT ROWID;
CREATE TABLE rollup_minute (target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
  n INTEGER NOT NULL, n_fail INTEGER NOT NULL, min_us INTEGER, max_us INTEGER,
  sum_us INTEGER NOT NULL, PRIMARY KEY (target_id, bucket)) WITHOUT ROWID;
CREATE TABLE rollup_hour (target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
  n INTEGER NOT NULL, n_fail INTEGER NOT NULL, min_us INTEGER, max_us INTEGER,
  sum_us INTEGER NOT NULL, PRIMARY KEY (target_id, bucket)) WITHOUT ROWID;
CREATE TABLE rollup_day (target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
  n INTEGER NOT NULL, n_fail INTEGER NOT NULL, min_us INTEGER, max_us INTEGER,
  sum_us INTEGER NOT NULL, PRIMARY KEY (target_id, bucket)) WITHOUT ROWID;
CREATE TABLE events (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL,
  ts_ms INTEGER NOT NULL, kind TEXT NOT NULL, message TEXT, delivered_at INTEGER,
  channels TEXT);
CREATE INDEX events_by_target ON events (target_id, ts_ms);
CREATE TABLE geo_cache (address TEXT PRIMARY KEY, country TEXT, city TEXT, lat REAL,
  lon REAL, isp TEXT, source TEXT, fetched_at INTEGER NOT NULL);
PRAGMA user_version = 1;
"""


def exported(db, uri):
    """A target's stored results, as lookout-agent export gives them."""
    p = agent("export", "--db", db, "--target", uri, "--format", "json")
    expect(p.returncode == 0, f"export: exit {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)["samples"] if p.returncode == 0 else []


def t_run_prunes():
    # An older file with 500 results 40 days old: moved into the chunk store
    # and pruned by retention, headless.
    db = os.path.join(tmp.name, "retention.db")
    uri = f"tcp://127.0.0.1:{listener.port}"
    old_ms = int(time.time() * 1000) - 40 * 86400 * 1000
    con = sqlite3.connect(db)
    con.executescript(SCHEMA_V1)
    con.execute("INSERT INTO targets (uri, interval_s, timeout_ms, fail_threshold, created_at)"
                " VALUES (?, 1, 1000, 1, ?)", (uri, old_ms))
    con.executemany("INSERT INTO samples (target_id, ts_ms, latency_us, state) VALUES (1, ?, 1000, 1)",
                    [(old_ms + i * 1000,) for i in range(500)])
    con.commit()
    con.close()
    # The move runs in the background: a few runs at most until it is done
    # and the next prune sees the old results.
    for attempt in range(5):
        p = agent("run", "--db", db, "--duration", "2")
        expect(p.returncode == 0, p)
        results = exported(db, uri)
        old = [r for r in results if r["ts_ms"] < old_ms + 10 ** 6]
        if not old:
            break
    expect(old == [], f"{len(old)} results older than the retention kept")
    expect(len(results) > 0, "recent results pruned")


def t_run_locked_says_so():
    db = os.path.join(tmp.name, "locked.db")
    targets = os.path.join(tmp.name, "locked.txt")
    uri = f"tcp://127.0.0.1:{listener.port}"
    with open(targets, "w") as f:
        f.write(f"{uri} interval=1\n")
    running = Running("--db", db, "--targets", targets)
    try:
        running.wait_line(f"{uri} is up", 20)
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        line = running.wait_line("results are not being saved", 30)
        expect(line.rstrip().endswith("results are not being saved: database is locked by another process"),
               line)
        blocker.execute("ROLLBACK")
        blocker.close()
        line = running.wait_line("saving resumed", 30)
        late = int(line.split("(")[1].split()[0])
        expect(late >= 3, line)
    finally:
        code, err = running.stop()
    expect(code == 0, f"exit {code}: {err}")
    said = [l for l in running.lines if "not being saved" in l or "saving resumed" in l]
    expect(len(said) == 2, said)
    ts = [r["ts_ms"] for r in exported(db, uri)]
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    expect(ts and max(gaps) < 2500, f"largest gap {max(gaps) if gaps else None} ms")


def t_run_restart():
    """A target down when run stops is still down at the next run: no second down event."""
    db = os.path.join(tmp.name, "restart.db")
    targets = os.path.join(tmp.name, "restart.txt")
    refused = f"tcp://127.0.0.1:{closed_port()}"
    with open(targets, "w") as f:
        f.write(f"{refused} interval=1 failures=1\n")

    def downs():
        con = sqlite3.connect(db)
        try:
            return con.execute("SELECT count(*) FROM events WHERE kind = 'down'").fetchone()[0]
        finally:
            con.close()

    for run in range(2):
        p = agent("run", "--db", db, "--targets", targets, "--duration", "2")
        expect(p.returncode == 0, f"exit {p.returncode}, stderr {p.stderr!r}")
        expect_quiet(p.stderr)
        expect(samples_for(db, refused) >= 2 * (run + 1), "not sampled")
        expect(downs() == 1, f"{downs()} down events after run {run + 1}")


check("check: open TCP port is ok, exit 0", t_check_open)
check("check: closed TCP port is refused, exit 1", t_check_refused)
check("check: several targets at once, in order", t_check_mixed)
check("check: an invalid target exits 2 naming it", t_check_invalid_target)
check("check: iface:// prints the link and its bits per second", t_check_iface)
check("check: bad usage exits 2", t_check_usage)
check("check: --count N gives N checks a second apart", t_check_count)
check("--help and --version", t_help_version)
check("run: --duration stores samples and stops cleanly", t_run_duration)
check("run: SIGTERM flushes and exits 0", t_run_sigterm)
check("run: SIGINT flushes and exits 0", t_run_sigint)
check("run: a bad targets file imports nothing, exit 2", t_run_bad_targets_file)
check("run: bad usage exits 2", t_run_usage)
check("run: /dev/zero as a targets or configuration file is refused", t_run_unbounded_input)
check("run: --db '' is bad usage", t_run_empty_db)
check("run: a read-only database is refused unchanged, exit 1", t_run_read_only_db)
check("run: a foreign database is refused unchanged, exit 1", t_run_foreign_db)
check("run: a second agent on a database names the first and exits 1", t_run_second_refused)
check("run: two agents started together add no target twice", t_run_together_no_duplicates)
check("run: retention prunes headless", t_run_prunes)
check("run: a write lock held elsewhere is said once, resumed once, nothing lost", t_run_locked_says_so)
check("run: a restart does not notify a known outage again", t_run_restart)
check("run: SIGTERM as soon as the lock is taken stops cleanly", t_run_sigterm_at_lock)

listener.close()
tmp.cleanup()

print(f"1..{len(results)}")
for i, (ok, description, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {description}")
    if not ok:
        for line in detail.splitlines():
            print(f"# {line}")
sys.exit(0)
