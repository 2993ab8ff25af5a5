#!/usr/bin/python3
# bench-agent.py: lookout-agent run with 10,000 TCP targets at a 60 s interval.
#
# Copyright 2026 The Lookout authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-agent.py PATH/TO/lookout-agent
#
# The targets are tcp://127.0.1.A:P for 100 addresses × 100 ports, all served
# by listeners this script opens on loopback (one epoll loop in a thread).
# Figures:
#   agent_cpu_share_10k    CPU time of the agent / wall time while monitoring
#   agent_rss_per_target   (RSS with 10,000 targets − RSS with none) / 10,000
#   scheduler_lateness_p99 from the agent's --stats line
# LOOKOUT_BENCH_SECONDS shortens the measured time (default 120).

import os
import re
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time

AGENT = sys.argv[1]
SECONDS = int(os.environ.get("LOOKOUT_BENCH_SECONDS", "120"))
N_ADDRESSES = 100
N_PORTS = 100
N_TARGETS = N_ADDRESSES * N_PORTS
INTERVAL = 60
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


class Listeners:
    def __init__(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        if hard < N_TARGETS + 512:
            raise SystemExit(f"need {N_TARGETS + 512} file descriptors, the limit is {hard}")
        self.sel = selectors.DefaultSelector()
        self.socks = []
        self.addresses = []
        base_port = self._find_base_port()
        for a in range(N_ADDRESSES):
            host = f"127.0.1.{a + 1}"
            for p in range(N_PORTS):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((host, base_port + p))
                s.listen(16)
                s.setblocking(False)
                self.sel.register(s, selectors.EVENT_READ)
                self.socks.append(s)
                self.addresses.append((host, base_port + p))
        self.accepted = 0
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _find_base_port():
        # a run of N_PORTS free ports below the ephemeral range
        for base in range(20000, 32000, 500):
            try:
                probes = []
                for p in (base, base + N_PORTS - 1):
                    s = socket.socket()
                    s.bind(("127.0.1.1", p))
                    probes.append(s)
                for s in probes:
                    s.close()
                return base
            except OSError:
                for s in probes:
                    s.close()
        raise SystemExit("no free port range")

    def serve(self):
        while not self.stopping:
            for key, _ in self.sel.select(timeout=0.2):
                try:
                    conn, _ = key.fileobj.accept()
                    conn.close()
                    self.accepted += 1
                except BlockingIOError:
                    pass

    def close(self):
        self.stopping = True
        self.thread.join()
        for s in self.socks:
            s.close()


def proc_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (3rd field): utime, stime are the 14th, 15th
    return int(fields[11]) + int(fields[12])


def proc_rss_kib(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE / 1024


def run_agent(db, targets_file, seconds, log_dir, name):
    """Starts the agent; returns once it monitors. Its output goes to files:
    a pipe nobody reads would stall it after 64 KiB of state changes."""
    args = [AGENT, "run", "--db", db, "--duration", str(seconds), "--stats"]
    if targets_file:
        args += ["--targets", targets_file]
    out_path = os.path.join(log_dir, f"{name}.out")
    err_path = os.path.join(log_dir, f"{name}.err")
    t0 = time.monotonic()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err)
    proc.out_path, proc.err_path = out_path, err_path
    while time.monotonic() - t0 < 600:
        with open(err_path) as err:
            if re.search(r"Monitoring \d+ targets", err.read()):
                return proc, time.monotonic() - t0
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(err_path) as err:
        raise SystemExit(f"the agent did not start monitoring: {err.read()}")


def finish(proc):
    proc.wait(timeout=120)
    with open(proc.out_path) as out, open(proc.err_path) as err:
        if proc.returncode != 0:
            raise SystemExit(f"agent exited {proc.returncode}: {err.read()}")
        return out.read()


def main():
    listeners = Listeners()
    tmp = tempfile.TemporaryDirectory(prefix="lookout-bench-agent-")
    targets_file = os.path.join(tmp.name, "targets.txt")
    with open(targets_file, "w") as f:
        for host, port in listeners.addresses:
            f.write(f"tcp://{host}:{port} interval={INTERVAL} timeout=5000\n")

    # baseline: the same engine with no target
    proc, _ = run_agent(os.path.join(tmp.name, "empty.db"), None, 8, tmp.name, "empty")
    time.sleep(5)
    rss_empty = proc_rss_kib(proc.pid)
    finish(proc)

    # import once (not measured), then the measured run over the same database
    db = os.path.join(tmp.name, "bench.db")
    proc, import_s = run_agent(db, targets_file, 1, tmp.name, "import")
    finish(proc)
    print(f"# imported {N_TARGETS} targets in {import_s:.1f} s")

    proc, _ = run_agent(db, None, SECONDS + 2, tmp.name, "measured")
    # let the first planned starts settle in, then measure
    time.sleep(2)
    ticks0, wall0 = proc_cpu_ticks(proc.pid), time.monotonic()
    accepted0 = listeners.accepted
    rss_peak = 0
    while time.monotonic() - wall0 < SECONDS - 1:
        time.sleep(1)
        rss_peak = max(rss_peak, proc_rss_kib(proc.pid))
    ticks1, wall1 = proc_cpu_ticks(proc.pid), time.monotonic()
    accepted1 = listeners.accepted
    rss_full = proc_rss_kib(proc.pid)
    out = finish(proc)
    listeners.close()

    stats = re.search(r"^stats: .*$", out, re.M)
    if not stats:
        raise SystemExit(f"no stats line: {out[-2000:]}")
    fields = dict(kv.split("=") for kv in stats.group(0)[len("stats: "):].split())

    cpu_share = 100.0 * (ticks1 - ticks0) / CLK_TCK / (wall1 - wall0)
    checks_per_s = (accepted1 - accepted0) / (wall1 - wall0)
    rss_per_target = (rss_full - rss_empty) / N_TARGETS

    print(f"# measured {wall1 - wall0:.0f} s: {checks_per_s:.0f} connections/s accepted "
          f"(expected {N_TARGETS / INTERVAL:.0f}/s), started {fields['started']}, "
          f"skipped {fields['skipped']}, timed out {fields['timed_out']}")
    print(f"# RSS: {rss_empty:.0f} KiB with no target, {rss_full:.0f} KiB with {N_TARGETS} "
          f"(peak {rss_peak:.0f} KiB); lateness p50 {fields['lateness_p50_ms']} ms, "
          f"max {fields['lateness_max_ms']} ms")
    print(f"figure: agent_cpu_share_10k = {cpu_share:.2f} %")
    print(f"figure: agent_rss_per_target = {rss_per_target:.2f} KiB")
    print(f"figure: scheduler_lateness_p99 = {float(fields['lateness_p99_ms']):.3f} ms")
    tmp.cleanup()


main()
