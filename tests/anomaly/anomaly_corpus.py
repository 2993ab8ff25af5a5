# SPDX-License-Identifier: GPL-3.0-or-later
#
# The labelled latency corpus and its scorer (Python 3 standard library).
#
# Generation: one seeded random.Random per seed makes three series, modelled
# on ping, HTTP and DNS latencies: a level that wanders a little (AR(1) on
# the log), heavy-tailed noise, single spikes, lost checks, a daily pattern
# (a sine of the day, sometimes a nightly backup at the same half hour every
# night), suspend gaps (with failed checks right after some), and DNS's two
# levels (cache hits and misses). Into each go two to four labelled
# anomalies of the four kinds: level_shift, jitter, drift, loss_burst. The
# normal features above are never labelled: flagging them is a false alarm.
#
# Scoring: a labelled window is detected when any flag falls inside it;
# flags within 5 points of the previous flag are one; a flag outside every
# window is a false alarm. precision = detected / (detected + false alarms),
# recall = detected / windows. By kind: recall over the windows of the kind,
# precision with the false alarms whose flag has that kind.

import math
import random

KINDS = ("level_shift", "jitter", "drift", "loss_burst")
PROFILES = ("ping", "http", "dns")
EPOCH_MS = 1772323200000  # 2026-03-01T00:00:00Z
MERGE_POINTS = 5


class Series:
    def __init__(self, name):
        self.name = name
        self.ts = []        # ms
        self.values = []    # ms, or None for a failed check
        self.windows = []   # (start_ms, end_ms, kind), inclusive


def _noise(profile, rng, params):
    if profile == "dns":
        hit = rng.random() >= params["p_miss"]
        level = params["hit"] if hit else params["miss"]
        return level * rng.lognormvariate(0, 0.12), hit
    if profile == "ping":
        v = 1.0 + abs(rng.gauss(0, params["sigma"]))
        if rng.random() < 0.08:
            v += rng.expovariate(1 / 0.25)
        return v, True
    v = rng.lognormvariate(0, params["sigma"])
    if rng.random() < 0.03:
        v *= 1.0 + rng.paretovariate(2.5) - 1.0
    return v, True


def generate(seed, profile):
    rng = random.Random("%s-%d" % (profile, seed))
    s = Series("%s-%d" % (profile, seed))

    interval_s = rng.choice((10, 30, 60, 60, 300))
    days = rng.uniform(1.5, 5.0)
    n = int(min(6000, max(1500, days * 86400 / interval_s)))

    if profile == "ping":
        base = rng.choice((0.4, 3.0, 12.0, 25.0, 80.0, 150.0)) * rng.uniform(0.8, 1.25)
        params = {"sigma": rng.uniform(0.01, 0.08)}
    elif profile == "http":
        base = rng.uniform(15.0, 400.0)
        params = {"sigma": rng.uniform(0.08, 0.35)}
    else:
        base = 1.0
        params = {"hit": rng.uniform(0.5, 3.0), "miss": rng.uniform(15.0, 90.0),
                  "p_miss": rng.uniform(0.1, 0.5)}

    daily_amp = rng.choice((0.0, rng.uniform(0.05, 0.3)))
    daily_phase = rng.random()
    backup = None
    if rng.random() < 0.35:
        backup = (rng.randrange(0, 48), rng.uniform(1.5, 2.5))  # half hour, factor
    p_lost = rng.choice((0.0, rng.uniform(0.001, 0.02)))
    p_spike = rng.uniform(0.002, 0.01)
    ar_sd = rng.uniform(0.0, 0.01)

    # the anomalies: non-overlapping, after a warm-up, spaced
    plans = []
    n_anomalies = rng.randint(2, 4)
    tries = 0
    while len(plans) < n_anomalies and tries < 200:
        tries += 1
        kind = rng.choice(KINDS)
        length = {"level_shift": rng.randint(20, 150), "jitter": rng.randint(30, 150),
                  "drift": rng.randint(150, 450), "loss_burst": rng.randint(5, 40)}[kind]
        start = rng.randint(int(n * 0.15), n - length - 10)
        if any(start < e + 150 and start + length + 150 > b for b, e, _, _ in plans):
            continue
        p = {}
        if kind == "level_shift":
            p["factor"] = rng.uniform(1.4, 3.0) * (1 if rng.random() < 0.85 else -1)
            p["add"] = rng.uniform(5.0, 40.0)
        elif kind == "jitter":
            p["mean"] = rng.uniform(0.6, 2.5)
        elif kind == "drift":
            p["to"] = rng.uniform(1.6, 3.0)
            p["ramp"] = rng.uniform(0.6, 0.9)
        else:
            p["p"] = rng.uniform(0.6, 1.0)
        plans.append((start, start + length, kind, p))
    plans.sort()

    # suspend gaps: removed points, outside the anomalies
    gaps = []
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            length = max(5, int(rng.uniform(1, 10) * 3600 / interval_s))
            start = rng.randint(int(n * 0.1), n - 1)
            if any(start < e + 30 and start + length + 30 > b for b, e, _, _ in plans):
                continue
            gaps.append((start, start + length))

    t_ms = EPOCH_MS + rng.randrange(0, 86400) * 1000
    level = 0.0
    after_gap = 0
    i = 0
    windows = {}
    while i < n:
        if any(b <= i < e for b, e in gaps):
            after_gap = rng.choice((0, 0, 1, 2, 3))
            t_ms += interval_s * 1000
            i += 1
            continue
        ts = t_ms + int(rng.uniform(-0.01, 0.01) * interval_s * 1000)
        t_ms += interval_s * 1000

        level = 0.98 * level + rng.gauss(0, ar_sd)
        day = ((ts / 1000.0) / 86400.0 + daily_phase) % 1.0
        factor = math.exp(level) * (1.0 + daily_amp * math.sin(2 * math.pi * day))
        if backup is not None and ((ts // 1000) % 86400) // 1800 == backup[0]:
            factor *= backup[1]

        noise, low = _noise(profile, rng, params)
        value = base * factor * noise
        if rng.random() < p_spike:
            value *= rng.uniform(4.0, 15.0)
        failed = rng.random() < p_lost
        if after_gap > 0:
            failed = True
            after_gap -= 1

        for b, e, kind, p in plans:
            if not b <= i < e:
                continue
            windows.setdefault(b, [ts, ts, kind])[1] = ts
            typical = base * (params["hit"] * 0.5 + params["miss"] * 0.5 if profile == "dns" else 1.0)
            if kind == "level_shift":
                if p["factor"] > 0:
                    value = value * p["factor"] + p["add"]
                else:
                    value = value / -p["factor"]
            elif kind == "jitter":
                value += rng.expovariate(1.0 / (p["mean"] * typical * factor + 2.0))
            elif kind == "drift":
                progress = (i - b) / (e - b)
                value *= 1.0 + (p["to"] - 1.0) * min(1.0, progress / p["ramp"])
            elif rng.random() < p["p"]:
                failed = True

        s.ts.append(ts)
        s.values.append(None if failed else value)
        i += 1

    for b, e, kind, p in plans:
        if b in windows:
            start, end, kind = windows[b]
            # a downward "level shift" on a two-level series is still one
            s.windows.append((start, end, kind))
    return s


def generate_corpus(seeds):
    return [generate(seed, profile) for seed in seeds for profile in PROFILES]


def write_series(s, path_prefix):
    with open(path_prefix + ".csv", "w") as f:
        f.write("timestamp,latency_ms\n")
        for ts, v in zip(s.ts, s.values):
            f.write("%d,%s\n" % (ts, "" if v is None else "%.3f" % v))
    with open(path_prefix + ".labels", "w") as f:
        for start, end, kind in s.windows:
            f.write("%d,%d,%s\n" % (start, end, kind))


def read_series(path_prefix, name=None):
    s = Series(name or path_prefix)
    with open(path_prefix + ".csv") as f:
        for line in f:
            line = line.strip()
            if not line or line[0].isalpha():
                continue
            ts, v = line.split(",", 1)
            s.ts.append(int(ts))
            s.values.append(None if v in ("", "nan") else float(v))
    with open(path_prefix + ".labels") as f:
        for line in f:
            if line.strip():
                start, end, kind = line.strip().split(",")
                s.windows.append((int(start), int(end), kind))
    return s


def merge_flags(series, flags):
    """flags: list of (ts_ms, kind). Returns (index, kind) with flags within
    MERGE_POINTS points of the previous one dropped."""
    import bisect
    out = []
    last = None
    for ts, kind in sorted(flags):
        idx = bisect.bisect_left(series.ts, ts)
        if last is not None and idx - last <= MERGE_POINTS:
            continue
        out.append((idx, ts, kind))
        last = idx
    return out


class Score:
    def __init__(self):
        self.windows = {k: 0 for k in KINDS}
        self.detected = {k: 0 for k in KINDS}
        self.false = {k: 0 for k in KINDS + ("other",)}

    def add(self, series, flags):
        merged = merge_flags(series, flags)
        for start, end, kind in series.windows:
            self.windows[kind] += 1
            if any(start <= ts <= end for _, ts, _ in merged):
                self.detected[kind] += 1
        for _, ts, kind in merged:
            if not any(start <= ts <= end for start, end, _ in series.windows):
                self.false[kind if kind in self.false else "other"] += 1

    @staticmethod
    def _prf(detected, windows, false):
        p = detected / (detected + false) if detected + false else 0.0
        r = detected / windows if windows else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def overall(self):
        return self._prf(sum(self.detected.values()), sum(self.windows.values()),
                         sum(self.false.values()))

    def by_kind(self, kind):
        return self._prf(self.detected[kind], self.windows[kind], self.false.get(kind, 0))

    def report(self, label):
        lines = []
        p, r, f = self.overall()
        lines.append("%s: precision %.3f recall %.3f F1 %.3f (windows %d, detected %d, false alarms %d)"
                     % (label, p, r, f, sum(self.windows.values()), sum(self.detected.values()),
                        sum(self.false.values())))
        for k in KINDS:
            p, r, f = self.by_kind(k)
            lines.append("  %-12s precision %.3f recall %.3f F1 %.3f (windows %d, detected %d, false alarms %d)"
                         % (k, p, r, f, self.windows[k], self.detected[k], self.false[k]))
        return "\n".join(lines)


def run_analyze(agent, csv_path):
    import json
    import subprocess
    out = subprocess.run([agent, "analyze", "--input", csv_path], check=True,
                         capture_output=True, text=True).stdout
    flags = []
    for line in out.splitlines():
        obj = json.loads(line)
        flags.append((parse_iso_ms(obj["ts"]), obj["kind"]))
    return flags


def parse_iso_ms(text):
    import datetime
    text = text.replace("Z", "+00:00")
    return int(datetime.datetime.fromisoformat(text).timestamp() * 1000 + 0.5)
