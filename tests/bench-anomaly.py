#!/usr/bin/python3
# bench-anomaly.py: Lookout's anomaly detector against the seed's method,
# IsolationForest(contamination=0.05) refitted on each series' whole
# history of response times (scikit-learn, Debian's python3-sklearn), on
# the same labelled series in the same run; then the detector's CPU time
# per result and bytes per target.
#
# Copyright 2026 The Lookout authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: bench-anomaly.py LOOKOUT_AGENT BENCH_ANOMALY

import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "anomaly"))
import anomaly_corpus  # noqa: E402

AGENT, BENCH = sys.argv[1], sys.argv[2]
HELD_OUT = range(101, 111)


def iforest_flags(s):
    from sklearn.ensemble import IsolationForest
    timed = [(ts, v) for ts, v in zip(s.ts, s.values) if v is not None]
    model = IsolationForest(contamination=0.05, random_state=0)
    labels = model.fit_predict([[v] for _, v in timed])
    return [(ts, "outlier") for (ts, _), label in zip(timed, labels) if label == -1]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        groups = {"generated": [], "recorded": []}
        for s in anomaly_corpus.generate_corpus(HELD_OUT):
            prefix = os.path.join(tmp, s.name)
            anomaly_corpus.write_series(s, prefix)
            groups["generated"].append((s, prefix + ".csv"))
        for csv in sorted(glob.glob(os.path.join(HERE, "anomaly", "real", "*.csv"))):
            groups["recorded"].append((anomaly_corpus.read_series(csv[:-4], os.path.basename(csv[:-4])), csv))

        try:
            import sklearn  # noqa: F401
            have_sklearn = True
        except ImportError:
            have_sklearn = False
            print("# scikit-learn is missing (python3-sklearn): IsolationForest not run")

        total = {"lookout": anomaly_corpus.Score(), "iforest": anomaly_corpus.Score()}
        for group, series in groups.items():
            scores = {"lookout": anomaly_corpus.Score(), "iforest": anomaly_corpus.Score()}
            for s, csv in series:
                flags = anomaly_corpus.run_analyze(AGENT, csv)
                scores["lookout"].add(s, flags)
                total["lookout"].add(s, flags)
                if have_sklearn:
                    flags = iforest_flags(s)
                    scores["iforest"].add(s, flags)
                    total["iforest"].add(s, flags)
            for method, score in scores.items():
                if method == "iforest" and not have_sklearn:
                    continue
                report = score.report("%s, %s" % (method, group))
                # IsolationForest's flags have no kind: its by-kind precision means nothing
                if method == "iforest":
                    report = report.split("\n")[0]
                print("# " + report.replace("\n", "\n# "))
                p, r, f = score.overall()
                print("figure: anomaly_f1_%s_%s = %.3f" % (method, group, f))
        for method, score in total.items():
            if method == "iforest" and not have_sklearn:
                continue
            p, r, f = score.overall()
            print("figure: anomaly_precision_%s = %.3f" % (method, p))
            print("figure: anomaly_recall_%s = %.3f" % (method, r))
            print("figure: anomaly_f1_%s = %.3f" % (method, f))
        for kind in anomaly_corpus.KINDS:
            p, r, f = total["lookout"].by_kind(kind)
            print("figure: anomaly_f1_lookout_%s = %.3f" % (kind, f))

        sys.stdout.flush()
        subprocess.run([BENCH] + [csv for series in groups.values() for _, csv in series], check=True)


if __name__ == "__main__":
    main()
