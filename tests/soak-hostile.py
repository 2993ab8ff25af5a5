#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Soak: `lookout-agent run` over 77 hostile targets (tests/hostile-servers.py)
# for a while, sampling the agent's resident memory every 10 s, to see
# whether it levels off. Prints each sample and the figures:
#   figure: soak_rss_start = MB   (first sample after the first minute)
#   figure: soak_rss_end = MB
#   figure: soak_rss_growth_last_half = MB   (end minus the middle sample)
#   figure: soak_results = N                 (results stored)
# Usage: soak-hostile.py AGENT [SECONDS]  (default 120)

import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stored_samples import count_results  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    agent = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    with tempfile.TemporaryDirectory() as tmp:
        ports = os.path.join(tmp, "ports")
        targets = os.path.join(tmp, "targets")
        db = os.path.join(tmp, "soak.db")
        servers = subprocess.Popen([sys.executable, os.path.join(HERE, "hostile-servers.py"),
                                    ports, targets, "7"])
        try:
            deadline = time.monotonic() + 120
            while not os.path.exists(ports):
                if time.monotonic() > deadline or servers.poll() is not None:
                    sys.exit("the hostile servers did not start")
                time.sleep(0.1)
            with open(targets) as f:
                n_targets = sum(1 for line in f if line.strip())
            print("targets: %d" % n_targets, flush=True)
            agent_proc = subprocess.Popen([agent, "run", "--db", db, "--targets", targets,
                                           "--duration", str(seconds)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            samples = []
            start = time.monotonic()
            while agent_proc.poll() is None:
                try:
                    rss = rss_mb(agent_proc.pid)
                except OSError:
                    break
                t = time.monotonic() - start
                samples.append((t, rss))
                print("sample: t = %.0f s, rss = %.1f MB" % (t, rss), flush=True)
                time.sleep(10)
            agent_proc.wait()
            err = agent_proc.stderr.read().decode(errors="replace")
            if agent_proc.returncode not in (0, 1):
                sys.exit("agent exited with %d: %s" % (agent_proc.returncode, err[-2000:]))
        finally:
            servers.kill()
            servers.wait()

        settled = [s for s in samples if s[0] >= 60] or samples
        middle = settled[len(settled) // 2]
        con = sqlite3.connect(db)
        n_results = count_results(con)
        con.close()
        print("figure: soak_seconds = %d s" % seconds)
        print("figure: soak_rss_start = %.1f MB" % settled[0][1])
        print("figure: soak_rss_middle = %.1f MB" % middle[1])
        print("figure: soak_rss_end = %.1f MB" % settled[-1][1])
        print("figure: soak_rss_max = %.1f MB" % max(s[1] for s in samples))
        print("figure: soak_rss_growth_last_half = %.2f MB" % (settled[-1][1] - middle[1]))
        print("figure: soak_results = %d" % n_results)


if __name__ == "__main__":
    main()
