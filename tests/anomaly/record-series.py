#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Records a real latency series: a local HTTP server that misbehaves on a
# schedule (slower for a while, erratic, silent), watched by lookout-agent
# run once a second; the results are read back from the agent's database
# and written as CSV with the labelled windows the schedule made.
#
# Usage: record-series.py AGENT SCHEDULE OUT_PREFIX
#   SCHEDULE is one of the names in SCHEDULES below; writes OUT_PREFIX.csv
#   (timestamp_ms,latency_ms; empty latency = failed check) and
#   OUT_PREFIX.labels (start_ms,end_ms,kind per line).
# The recorded files under real/ were made with it; see README.md.

import asyncio
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time

# phases: (seconds, kind, parameters); kind None is normal behaviour
SCHEDULES = {
    # a web server of about 20 ms, heavy-tailed
    "http": {
        "base": lambda rng: 20.0 * rng.lognormvariate(0, 0.15) + (rng.expovariate(1 / 200.0) if rng.random() < 0.01 else 0),
        "phases": [
            (260, None, {}),
            (90, "level_shift", {"add": 25.0}),
            (170, None, {}),
            (90, "jitter", {"sigma": 0.9}),
            (120, None, {}),
            (30, "loss_burst", {"p": 0.8}),
            (140, None, {}),
            (200, "drift", {"to": 2.2}),
            (100, None, {}),
        ],
    },
    # a resolver's two levels: cache hits of 2 ms, misses of 40 ms
    "dns": {
        "base": lambda rng: (2.0 if rng.random() < 0.7 else 40.0) * rng.lognormvariate(0, 0.1),
        "phases": [
            (300, None, {}),
            (120, "level_shift", {"add": 30.0}),
            (180, None, {}),
            (40, "loss_burst", {"p": 0.9}),
            (120, None, {}),
            (140, "jitter", {"sigma": 1.0}),
            (200, None, {}),
        ],
    },
}


class Behaviour:
    def __init__(self, schedule, rng):
        self.schedule = schedule
        self.rng = rng
        self.t0 = None

    def phase(self, now):
        t = now - self.t0
        for seconds, kind, params in self.schedule["phases"]:
            if t < seconds:
                return kind, params, t / seconds
            t -= seconds
        return None, {}, 0.0

    def delay_ms(self, now):
        kind, params, progress = self.phase(now)
        base = self.schedule["base"](self.rng)
        if kind == "level_shift":
            return base + params["add"]
        if kind == "jitter":
            return base * self.rng.lognormvariate(0, params["sigma"]) + self.rng.expovariate(1 / 15.0)
        if kind == "drift":
            ramp = min(1.0, progress * 1.5)
            return base * (1.0 + (params["to"] - 1.0) * ramp)
        if kind == "loss_burst" and self.rng.random() < params["p"]:
            return None
        return base


async def serve(behaviour, port_box):
    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                delay = behaviour.delay_ms(time.time())
                if delay is None:
                    await asyncio.sleep(5)
                    break
                await asyncio.sleep(delay / 1000.0)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port_box.append(server.sockets[0].getsockname()[1])
    return server


async def main():
    agent, name, prefix = sys.argv[1:4]
    schedule = SCHEDULES[name]
    behaviour = Behaviour(schedule, random.Random(name))
    port_box = []
    server = await serve(behaviour, port_box)
    total = sum(p[0] for p in schedule["phases"])

    with tempfile.TemporaryDirectory() as tmp:
        targets = os.path.join(tmp, "targets")
        db = os.path.join(tmp, "lookout.db")
        with open(targets, "w") as f:
            f.write("http://127.0.0.1:%d/ interval=1 timeout=900\n" % port_box[0])
        behaviour.t0 = time.time()
        proc = await asyncio.create_subprocess_exec(agent, "run", "--db", db, "--targets", targets,
                                                    "--duration", str(total),
                                                    stdout=subprocess.DEVNULL)
        await proc.wait()
        server.close()

        t0_ms = int(behaviour.t0 * 1000)
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT ts_ms, latency_us, state FROM samples ORDER BY ts_ms").fetchall()
        with open(prefix + ".csv", "w") as f:
            f.write("timestamp_ms,latency_ms\n")
            for ts, latency_us, state in rows:
                ok = state != 3 and latency_us is not None
                f.write("%d,%s\n" % (ts, "%.3f" % (latency_us / 1000.0) if ok else ""))
        with open(prefix + ".labels", "w") as f:
            at = t0_ms
            for seconds, kind, _ in schedule["phases"]:
                if kind is not None:
                    f.write("%d,%d,%s\n" % (at, at + seconds * 1000, kind))
                at += seconds * 1000


if __name__ == "__main__":
    asyncio.run(main())
