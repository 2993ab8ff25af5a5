#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the generated part of the labelled corpus: for each seed, a ping, an
# HTTP and a DNS series as NAME.csv (timestamp,latency_ms) and NAME.labels
# (start_ms,end_ms,kind). The same seeds give the same files.
# Usage: gen-corpus.py OUT_DIR FIRST_SEED LAST_SEED

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import anomaly_corpus  # noqa: E402


def main():
    out, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    for s in anomaly_corpus.generate_corpus(range(first, last + 1)):
        anomaly_corpus.write_series(s, os.path.join(out, s.name))


if __name__ == "__main__":
    main()
