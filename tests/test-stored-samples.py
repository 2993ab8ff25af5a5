#!/usr/bin/python3
# test-stored-samples.py: the Python reader of stored results (stored_samples.py,
# which the agent tests rely on) against what the C codec writes: chunks of
# every version, and a database that lookout-agent run filled with pings of
# 127.0.0.1, read back with their echo figures.
#
# Copyright 2026 The Lookout authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-stored-samples.py PATH/TO/lookout-agent     (a unittest run)

import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from stored_samples import stored_results, unpack_chunk, unpack_log_row  # noqa: E402

AGENT = sys.argv.pop(1)
SEEDS = os.path.join(HERE, "fuzz", "corpus", "chunk-codec")
T0 = 1767225600000


def seed(name):
    with open(os.path.join(SEEDS, name), "rb") as f:
        return f.read()


class StoredSamples(unittest.TestCase):
    def test_version_1(self):
        """A chunk of version 1 reads with no echo figures."""
        self.assertEqual(unpack_chunk(seed("seed-01-one-sample"), echo=True), [(T0, 20000, 1, None, None)])
        self.assertEqual(unpack_chunk(seed("seed-01-one-sample")), [(T0, 20000, 1, None)])
        self.assertEqual(len(unpack_chunk(seed("seed-02-hour-of-minutes"))), 60)

    def test_version_2(self):
        """A chunk of version 2 reads with its echo figures, as a chunk and as a log row."""
        # As lookout_chunk_encode() wrote them (the fuzz target's seed of version 2).
        want = [
            (T0, 15000, 1, None, (3, 3, 14900, 15200, 30)),
            (T0 + 10000, None, 3, "no reply to 3 echo requests", (3, 0, -1, -1, -1)),
            (T0 + 20003, 15010, 1, None, (3, 2, 14950, 15400, 120)),
            (T0 + 30001, 15020, 1, None, (3, 1, 15020, 15020, -1)),
            (T0 + 40000, 15005, 1, None, None),
            (T0 + 50002, 14990, 1, None, (5, 5, 14800, 15300, 60)),
        ]
        data = seed("seed-04-pings-v2")
        self.assertEqual(unpack_chunk(data, echo=True), want)
        self.assertEqual(unpack_chunk(data), [r[:4] for r in want])
        # The same chunk as a log row of target 9 (six ids, zigzag 18, then 0s).
        self.assertEqual(unpack_log_row(bytes([6, 18, 0, 0, 0, 0, 0]) + data, echo=True),
                         [(9,) + r for r in want])

    def test_version_3(self):
        """A chunk of version 3 reads with where each result was checked from."""
        # As lookout_chunk_encode() wrote them (the fuzz target's seed of version 3).
        want = [
            (T0, 20000, 1, None, None),
            (T0 + 10001, 20010, 1, None, "paris"),
            (T0 + 20000, 20020, 1, None, "paris"),
            (T0 + 30001, None, 3, "timed out", None),
            (T0 + 40000, 20040, 1, None, "tokyo"),
            (T0 + 50001, 20050, 1, None, None),
        ]
        data = seed("seed-05-located-v3")
        self.assertEqual(unpack_chunk(data, located=True), want)
        self.assertEqual(unpack_chunk(data), [r[:4] for r in want])

    def test_agent_pings(self):
        """lookout-agent run's pings of 127.0.0.1 read back with their echo figures."""
        with tempfile.TemporaryDirectory(prefix="lookout-stored-samples-") as tmp:
            db = os.path.join(tmp, "pings.db")
            targets = os.path.join(tmp, "targets.txt")
            uri = "icmp://127.0.0.1"
            with open(targets, "w") as f:
                f.write(f"{uri} interval=1\n")
            p = subprocess.run([AGENT, "run", "--db", db, "--targets", targets, "--duration", "3"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            con = sqlite3.connect(db)
            try:
                rows = stored_results(con, uri, echo=True)
            finally:
                con.close()
            self.assertGreaterEqual(len(rows), 1, "no result stored")
            answered = 0
            for ts_ms, latency, state, error, echo in rows:
                self.assertIsNotNone(echo, rows)
                sent, received, min_us, max_us, jitter_us = echo
                self.assertTrue(1 <= sent and received <= sent, rows)
                if received > 0 and latency is not None:
                    self.assertTrue(0 <= min_us <= latency <= max_us, rows)
                    self.assertGreaterEqual(jitter_us, -1, rows)
                    answered += 1
            self.assertGreaterEqual(answered, 1, f"no answered ping: {rows}")


unittest.main(verbosity=2)
