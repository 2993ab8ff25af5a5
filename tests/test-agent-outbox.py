#!/usr/bin/python3
# test-agent-outbox.py: an agent's outbox bounds, gaps in its numbers and
# its clock, end to end with real processes on loopback: `lookout-agent run
# --name paris` as the agent, `lookout-agent run --config` as its manager,
# serving /metrics.
#
#  1. The agent alone with --outbox-max-results 5: what it drops is
#     counted (agent_state outbox.dropped, a line on its output), and the
#     outbox keeps the newest five; the same with --outbox-max-age 2s.
#  2. The manager connects: it is told the count, raises one agent-gap
#     event naming the dropped range, says so on its output and in /metrics;
#     every result the agent kept is stored once.
#  3. Rows deleted from the agent's outbox behind the manager's back: an
#     agent-gap event with exactly the missing range.
#  4. The agent's clock 30 s ahead (libfaketime): the manager flags the
#     offset in its state, an agent-clock event and /metrics.
#
# Copyright 2026 The Lookout authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-agent-outbox.py PATH/TO/lookout-agent     (prints TAP)

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

AGENT = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stored_samples import count_results  # noqa: E402

PROMTOOL = shutil.which("promtool")
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
CLOCK_AHEAD_S = 30

tmp = tempfile.TemporaryDirectory(prefix="lookout-outbox-")
results = []
started = []     # every process, killed at the end if a failed step left it


class Process:
    """A lookout-agent run, every line of its stdout and stderr kept."""

    def __init__(self, args, env=None):
        self.proc = subprocess.Popen([AGENT, "run", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        started.append(self.proc)
        self.out = []
        self.err = []
        self.readers = [threading.Thread(target=self.read, args=(stream, lines), daemon=True)
                        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def read(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_line(self, pattern, timeout=30):
        """The first match of @pattern in a line of stdout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.out):
                m = re.search(pattern, line)
                if m:
                    return m
            if self.proc.poll() is not None and not any(r.is_alive() for r in self.readers):
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in {self.out!r}; stderr {self.err!r}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        for reader in self.readers:
            reader.join()
        expect(self.proc.returncode == 0, f"exit {self.proc.returncode}, stderr {self.err!r}")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_for(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sql(db, query, args=()):
    con = sqlite3.connect(db, timeout=10)
    try:
        row = con.execute(query, args).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def token(db, scope):
    p = subprocess.run([AGENT, "token", "create", "--db", db, "--name", scope, "--scope", scope],
                       capture_output=True, text=True, timeout=30)
    expect(p.returncode == 0, p.stderr)
    return p.stdout.strip()


def metric(port, token_text, name):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics")
    req.add_header("Authorization", "Bearer " + token_text)
    with urllib.request.urlopen(req, timeout=10) as reply:
        text = reply.read().decode()
    if PROMTOOL:
        p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True)
        expect(p.returncode == 0, f"promtool check metrics: {p.stdout}{p.stderr}")
    m = re.search(r"^" + re.escape(name) + r'\{agent="paris"\} (\S+)$', text, re.M)
    expect(m is not None, f"no {name} in /metrics:\n{text}")
    return float(m.group(1))


def events(db, kind):
    con = sqlite3.connect(db)
    try:
        return [m for (m,) in con.execute("SELECT message FROM events WHERE kind = ? ORDER BY id", (kind,))]
    finally:
        con.close()


def stored(db, location="paris"):
    con = sqlite3.connect(db)
    try:
        return count_results(con, location=location)
    finally:
        con.close()


class Fleet:
    """One agent and its manager, started and stopped as the steps need."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.agent_port = free_port()
        self.manager_port = free_port()
        self.agent_db = os.path.join(tmp.name, "paris.db")
        self.manager_db = os.path.join(tmp.name, "manager.db")
        uris = [f"tcp://127.0.0.1:{self.listener.getsockname()[1]}", "tcp://127.0.0.1:1",
                f"tcp://127.0.0.1:{self.agent_port}"]
        self.agent_targets = os.path.join(tmp.name, "paris.txt")
        with open(self.agent_targets, "w") as f:
            f.writelines(f"{uri} interval=1\n" for uri in uris)
        self.manager_targets = os.path.join(tmp.name, "manager.txt")
        with open(self.manager_targets, "w") as f:
            f.writelines(f"{uri} interval=1 locations=paris\n" for uri in uris)
        self.config = os.path.join(tmp.name, "manager.conf")
        with open(self.config, "w") as f:
            f.write(f"[agent paris]\nurl = http://127.0.0.1:{self.agent_port}\n"
                    f"token = {token(self.agent_db, 'agent')}\n")
        self.metrics_token = token(self.manager_db, "metrics")
        self.agent = None
        self.manager = None

    def start_agent(self, *args, env=None):
        self.agent = Process(["--db", self.agent_db, "--listen", f"127.0.0.1:{self.agent_port}",
                              "--name", "paris", *args], env=env)
        wait_for(lambda: self.agent.err and any("a manager connects" in l for l in self.agent.err),
                 "the agent's API")

    def start_manager(self):
        self.manager = Process(["--db", self.manager_db, "--targets", self.manager_targets,
                                "--config", self.config, "--listen", f"127.0.0.1:{self.manager_port}"])

    def metric(self, name):
        return metric(self.manager_port, self.metrics_token, name)

    def outbox(self, what):
        return sql(self.agent_db, f"SELECT {what} FROM outbox")

    def state(self, db, key):
        return sql(db, "SELECT value FROM agent_state WHERE key = ?", (key,))


fleet = None


def t_drops_counted():
    global fleet
    fleet = Fleet()
    fleet.start_agent("--targets", fleet.agent_targets, "--outbox-max-results", "5")
    wait_for(lambda: int(fleet.state(fleet.agent_db, "outbox.dropped") or 0) >= 12, "12 results dropped")
    fleet.agent.stop()
    dropped = int(fleet.state(fleet.agent_db, "outbox.dropped"))
    last = int(fleet.state(fleet.agent_db, "outbox.last"))
    first, rows = fleet.outbox("min(seq)"), fleet.outbox("count(*)")
    expect(rows == 5 and first == last - 4, f"outbox {first}..{last}, {rows} rows")
    expect(dropped == first - 1, f"{dropped} dropped, the outbox starts at {first}")
    said = [int(m.group(1)) for m in (re.search(r"the outbox has dropped (\d+) results in all", l)
                                      for l in fleet.agent.out) if m]
    expect(said and said[-1] == dropped, f"{dropped} dropped, the agent said {said}")
    fleet.dropped = dropped


def t_drops_reported():
    dropped = fleet.dropped
    # no more drops: the bound is wide now
    fleet.start_agent("--outbox-max-results", "1000")
    kept_last = int(fleet.state(fleet.agent_db, "outbox.last"))
    fleet.start_manager()
    fleet.manager.wait_line(r"agent paris is Online")
    fleet.manager.wait_line(rf"agent paris has dropped {dropped} results in all")
    fleet.manager.wait_line(rf"Agent paris dropped results 1 to {dropped} \({dropped}\) before they were sent")
    wait_for(lambda: (fleet.outbox("min(seq)") or kept_last + 1) > kept_last, "the kept results acknowledged")
    expect(fleet.metric("lookout_agent_dropped_total") == dropped, "lookout_agent_dropped_total")
    expect(fleet.metric("lookout_agent_gaps_total") == 1, "lookout_agent_gaps_total")
    expect(fleet.metric("lookout_agent_duplicates_total") == 0, "lookout_agent_duplicates_total")
    expect(fleet.metric("lookout_agent_up") == 1, "lookout_agent_up")
    fleet.manager.stop()
    gaps = events(fleet.manager_db, "agent-gap")
    expect(gaps == [f"Agent paris dropped results 1 to {dropped} ({dropped}) before they were sent: "
                    "its outbox was full or they were too old"], gaps)
    # its targets say locations=paris: the manager does not check them itself
    expect(stored(fleet.manager_db, location=None) == 0,
           f"{stored(fleet.manager_db, location=None)} results checked by the manager")
    acked = int(fleet.state(fleet.manager_db, "link.paris.acked"))
    expect(stored(fleet.manager_db) == acked - dropped,
           f"{stored(fleet.manager_db)} stored, results {dropped + 1} to {acked} received")
    fleet.acked = acked


def t_gap_named():
    acked = fleet.acked
    # the manager away: the agent's results wait; three are deleted
    wait_for(lambda: int(fleet.state(fleet.agent_db, "outbox.last")) >= acked + 9, "9 more results")
    fleet.agent.stop()
    con = sqlite3.connect(fleet.agent_db)
    with con:
        n = con.execute("DELETE FROM outbox WHERE seq BETWEEN ? AND ?", (acked + 3, acked + 5)).rowcount
    con.close()
    expect(n == 3, f"{n} rows deleted")
    fleet.start_agent("--outbox-max-results", "1000")
    fleet.start_manager()
    fleet.manager.wait_line(rf"Results {acked + 3} to {acked + 5} of agent paris never arrived")
    last = int(fleet.state(fleet.agent_db, "outbox.last"))
    wait_for(lambda: (fleet.outbox("min(seq)") or last + 1) > last, "the results acknowledged")
    expect(fleet.metric("lookout_agent_gaps_total") == 1, "lookout_agent_gaps_total")
    expect(fleet.metric("lookout_agent_dropped_total") == fleet.dropped, "lookout_agent_dropped_total")
    fleet.manager.stop()
    gaps = events(fleet.manager_db, "agent-gap")
    expect(len(gaps) == 2 and gaps[1] == f"Results {acked + 3} to {acked + 5} of agent paris never arrived",
           gaps)
    new_acked = int(fleet.state(fleet.manager_db, "link.paris.acked"))
    expect(stored(fleet.manager_db) == new_acked - fleet.dropped - 3,
           f"{stored(fleet.manager_db)} stored, up to {new_acked}")
    fleet.agent.stop()


def t_clock_flagged():
    if not os.path.exists(FAKETIME_LIB):
        return "SKIP libfaketime is not installed"
    env = dict(os.environ, LD_PRELOAD=FAKETIME_LIB, FAKETIME=f"+{CLOCK_AHEAD_S}s",
               FAKETIME_DONT_FAKE_MONOTONIC="1", FAKETIME_DONT_RESET="1")
    fleet.start_agent("--outbox-max-results", "1000", env=env)
    fleet.start_manager()
    m = fleet.manager.wait_line(r"The clock of agent paris is ([+-]\d+) ms off this computer's")
    offset_ms = int(m.group(1))
    # the offset is read at the middle of a ping's round trip on loopback,
    # which a busy machine may stretch
    expect(abs(offset_ms - CLOCK_AHEAD_S * 1000) <= 250, f"offset {offset_ms} ms")
    expect(abs(fleet.metric("lookout_agent_clock_offset_seconds") - CLOCK_AHEAD_S) <= 0.25,
           "lookout_agent_clock_offset_seconds")
    fleet.manager.stop()
    kept = int(fleet.state(fleet.manager_db, "link.paris.clock-offset-ms"))
    expect(kept == offset_ms, f"state {kept}, said {offset_ms}")
    clocks = events(fleet.manager_db, "agent-clock")
    expect(clocks == [f"The clock of agent paris is +{offset_ms} ms off this computer's"], clocks)
    fleet.agent.stop()


def t_drops_by_age():
    """A second agent, alone, keeping results at most 2 s: what is older
    is dropped, counted and said; what is kept is younger than that."""
    db = os.path.join(tmp.name, "aged.db")
    port = free_port()
    agent = Process(["--db", db, "--listen", f"127.0.0.1:{port}", "--name", "aged",
                     "--targets", fleet.agent_targets, "--outbox-max-age", "2s"])
    # the database is made by then
    wait_for(lambda: any("a manager connects" in l for l in agent.err), "the agent's API")
    wait_for(lambda: int(sql(db, "SELECT coalesce(max(value), 0) FROM agent_state"
                                 " WHERE key = 'outbox.dropped'")) >= 6,
             "6 results dropped by age")
    agent.stop()
    con = sqlite3.connect(db)
    dropped = con.execute("SELECT value FROM agent_state WHERE key = 'outbox.dropped'").fetchone()[0]
    first, oldest, newest = con.execute("SELECT min(seq), min(ts_ms), max(ts_ms) FROM outbox").fetchone()
    con.close()
    expect(dropped == first - 1, f"{dropped} dropped, the outbox starts at {first}")
    expect(oldest >= newest - 2000, f"kept from {oldest} to {newest}")
    said = [int(m.group(1)) for m in (re.search(r"the outbox has dropped (\d+) results in all", l)
                                      for l in agent.out) if m]
    expect(said and said[-1] == dropped, f"{dropped} dropped, the agent said {said}")


def check(description, func):
    try:
        skip = func()
        results.append((True, description + (f" # {skip}" if skip else ""), ""))
    except Exception as e:  # noqa: BLE001 - every failure is reported
        results.append((False, description, f"{type(e).__name__}: {e}"))


check("outbox: drops past --outbox-max-results are counted and said", t_drops_counted)
check("outbox: the manager is told, raises one gap event, shows it in its output and /metrics",
      t_drops_reported)
check("outbox: rows missing from the outbox are a gap event naming the range", t_gap_named)
check("outbox: drops past --outbox-max-age are counted and said", t_drops_by_age)
check("clock: an agent 30 s ahead is flagged in the manager's state, an event and /metrics",
      t_clock_flagged)

for proc in started:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
tmp.cleanup()

print(f"1..{len(results)}")
for i, (ok, description, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {description}")
    for line in detail.splitlines():
        print(f"# {line}")
sys.exit(0)
