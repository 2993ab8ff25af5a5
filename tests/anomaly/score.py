#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Scores lookout-agent analyze on labelled series: generated ones (by seed)
# and the recorded ones under real/. Prints precision, recall and F1,
# overall and by kind.
# Usage: score.py AGENT [--seeds FIRST LAST] [--real] [--verbose]

import argparse
import glob
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import anomaly_corpus  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("agent")
    ap.add_argument("--seeds", nargs=2, type=int)
    ap.add_argument("--real", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    score = anomaly_corpus.Score()
    with tempfile.TemporaryDirectory() as tmp:
        series = []
        if args.seeds:
            for s in anomaly_corpus.generate_corpus(range(args.seeds[0], args.seeds[1] + 1)):
                prefix = os.path.join(tmp, s.name)
                anomaly_corpus.write_series(s, prefix)
                series.append((s, prefix))
        if args.real:
            for csv in sorted(glob.glob(os.path.join(HERE, "real", "*.csv"))):
                prefix = csv[:-4]
                series.append((anomaly_corpus.read_series(prefix, os.path.basename(prefix)), prefix))
        for s, prefix in series:
            flags = anomaly_corpus.run_analyze(args.agent, prefix + ".csv")
            one = anomaly_corpus.Score()
            one.add(s, flags)
            score.add(s, flags)
            if args.verbose:
                p, r, f = one.overall()
                print("%-14s n=%5d windows=%d detected=%d false=%d  %s" %
                      (s.name, len(s.ts), len(s.windows), sum(one.detected.values()),
                       sum(one.false.values()),
                       " ".join("%s@%d" % (k, s.ts.index(min(s.ts, key=lambda t: abs(t - ts)))) for ts, k in flags)))
                print("%14s labels: %s" % ("", " ".join("%s[%d-%d]" % (k, s.ts.index(min(s.ts, key=lambda t: abs(t - a))), s.ts.index(min(s.ts, key=lambda t: abs(t - b)))) for a, b, k in s.windows)))
    print(score.report("lookout"))


if __name__ == "__main__":
    main()
