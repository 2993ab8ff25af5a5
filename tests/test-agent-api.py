#!/usr/bin/python3
# test-agent-api.py: lookout-agent's API commands, and a real Prometheus
# server scraping `lookout-agent run --listen` on loopback: one agent, then
# two run with --name under the configuration and rules of docs/prometheus.md.
#
# Copyright 2026 The Lookout authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-agent-api.py PATH/TO/lookout-agent     (prints TAP)

import json
import os
import queue
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

AGENT = sys.argv[1]
PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")
HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "docs", "prometheus.md")
RULES_TEST = os.path.join(HERE, "prometheus-rules-test.yml")


def listening_socket():
    """A TCP port on 127.0.0.1 whose connections the kernel completes; the
    test runs for seconds, far below its backlog at one check a second."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(512)
    return sock


def run_agent(*args, timeout=30):
    return subprocess.run([AGENT, *args], capture_output=True, text=True, timeout=timeout)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def wait_for(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class Run:
    """lookout-agent run --listen, until stopped; the API's URL from stderr."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([AGENT, "run", *args], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        # a thread reads stderr line by line: select() on a buffered pipe
        # misses lines that arrived together
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self.read_stderr, daemon=True)
        self.reader.start()
        self.stderr = []
        self.url = None
        deadline = time.monotonic() + 30
        while self.url is None and time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if line is None:
                break
            self.stderr.append(line)
            m = re.match(r"Serving the API on (\S+)", line)
            if m:
                self.url = m.group(1)
        expect(self.url is not None, "no API address in: %r" % self.stderr)

    def read_stderr(self):
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        while True:
            line = self.lines.get()
            if line is None:
                break
            self.stderr.append(line)
        return self.proc.returncode


def get(url, token=None):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def t_tokens():
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "lookout.db")
        r = run_agent("token", "create", "--db", db, "--name", "scraper", "--scope", "metrics",
                  "--scope", "read")
        expect(r.returncode == 0, r.stderr)
        token = r.stdout.strip()
        expect(re.fullmatch(r"lookout_[0-9a-f]{64}", token), "token: %r" % r.stdout)
        expect(stat.S_IMODE(os.stat(db).st_mode) == 0o600, "the new database is not owner-only")

        r = run_agent("token", "list", "--db", db)
        expect(r.returncode == 0, r.stderr)
        lines = r.stdout.splitlines()
        expect(lines[0].split()[:2] == ["NAME", "SCOPES"], r.stdout)
        expect(lines[1].split()[:2] == ["scraper", "read,metrics"], r.stdout)
        expect(lines[1].split()[-1] == "never", r.stdout)
        expect(token not in r.stdout, "list shows the secret")

        r = run_agent("token", "create", "--db", db, "--name", "x", "--scope", "admin")
        expect(r.returncode == 2 and "“admin”" in r.stderr, r.stderr)
        r = run_agent("token", "create", "--db", db, "--name", "scraper", "--scope", "read")
        expect(r.returncode == 1 and "already exists" in r.stderr, r.stderr)
        r = run_agent("token", "revoke", "--db", db, "nobody")
        expect(r.returncode == 1 and "nobody" in r.stderr, r.stderr)
        r = run_agent("token", "revoke", "--db", db, "scraper")
        expect(r.returncode == 0, r.stderr)
        r = run_agent("token", "list", "--db", db)
        expect(len(r.stdout.splitlines()) == 1, r.stdout)
        r = run_agent("token", "frobnicate", "--db", db)
        expect(r.returncode == 2, r.stderr)


def t_run_listen_config_and_warning():
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "lookout.db")
        token = run_agent("token", "create", "--db", db, "--name", "r", "--scope", "read").stdout.strip()
        os.chmod(db, 0o644)
        config = os.path.join(d, "agent.conf")
        with open(config, "w") as f:
            f.write("[api]\nlisten=127.0.0.1:0\n")
        run = Run("--db", db, "--config", config)
        try:
            status, body = get(run.url + "/api/v1/targets", token)
            expect(status == 200 and json.loads(body) == {"targets": []}, body)
            status, body = get(run.url + "/api/v1/targets")
            expect(status == 401 and json.loads(body)["error"]["code"] == 401, body)
        finally:
            expect(run.stop() == 0, "".join(run.stderr))
        expect(any("others can read the database" in line for line in run.stderr), "".join(run.stderr))

        r = run_agent("run", "--db", db, "--listen", "192.0.2.1", "--duration", "1")
        expect(r.returncode == 2 and "HOST:PORT" in r.stderr, r.stderr)
        r = run_agent("run", "--db", db, "--tls-cert", "x.pem", "--duration", "1")
        expect(r.returncode == 2 and "--listen" in r.stderr, r.stderr)


def t_prometheus_scrapes():
    prometheus = shutil.which("prometheus")
    promtool = shutil.which("promtool")
    expect(prometheus and promtool, "prometheus and promtool are needed (Debian package prometheus)")
    listener = listening_socket()
    with tempfile.TemporaryDirectory() as d:
        db = os.path.join(d, "lookout.db")
        uri = "tcp://127.0.0.1:%d" % listener.getsockname()[1]
        with open(os.path.join(d, "targets"), "w") as f:
            f.write('%s interval=1 name="Listener"\n' % uri)
        token = run_agent("token", "create", "--db", db, "--name", "prometheus",
                      "--scope", "metrics").stdout.strip()
        token_file = os.path.join(d, "token")
        with open(token_file, "w") as f:
            f.write(token)
        run = Run("--db", db, "--targets", os.path.join(d, "targets"), "--listen", "127.0.0.1:0")
        prom = None
        try:
            host = run.url.split("://")[1]
            config = os.path.join(d, "prometheus.yml")
            with open(config, "w") as f:
                f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                        "scrape_configs:\n  - job_name: lookout\n"
                        "    authorization:\n      credentials_file: %s\n"
                        "    static_configs:\n      - targets: ['%s']\n" % (token_file, host))
            r = subprocess.run([promtool, "check", "config", config], capture_output=True, text=True)
            expect(r.returncode == 0, r.stdout + r.stderr)

            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            probe.close()
            prom = subprocess.Popen([prometheus, "--config.file=" + config,
                                     "--storage.tsdb.path=" + os.path.join(d, "tsdb"),
                                     "--web.listen-address=127.0.0.1:%d" % port],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            server = "http://127.0.0.1:%d" % port
            query = 'probe_success{target="%s",name="Listener"}' % uri

            def scraped():
                r = subprocess.run([promtool, "query", "instant", "-o", "json", server, query],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    return None
                found = json.loads(r.stdout)
                return found if found and found[0]["value"][1] == "1" else None

            found = wait_for(scraped, "Prometheus to scrape probe_success = 1")
            expect(found[0]["metric"]["job"] == "lookout", found)

            # what Prometheus scraped passes its own linter without a word
            status, text = get(run.url + "/metrics", token)
            expect(status == 200, text)
            r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
            expect(r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr)

            status, _ = get(run.url + "/metrics")
            expect(status == 401, "scraped without a token")
        finally:
            if prom is not None:
                prom.terminate()
                prom.wait(timeout=30)
            run.stop()
            listener.close()


def doc_files():
    """The blocks of the document marked <!-- file: NAME -->."""
    with open(DOC) as f:
        text = f.read()
    files = dict(re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", text, re.S))
    expect("prometheus.yml" in files and "lookout-rules.yml" in files,
           "docs/prometheus.md lost its marked prometheus.yml or lookout-rules.yml")
    return files


def write_doc_files(d):
    for name, text in doc_files().items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)


def promtool(*args):
    expect(PROMETHEUS and PROMTOOL, "prometheus and promtool are needed (Debian package prometheus)")
    return subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def t_check_config():
    with tempfile.TemporaryDirectory() as d:
        write_doc_files(d)
        # the files it names, as a user would have them
        for name in ("lookout-paris.pem", "lookout-tokyo.pem", "lookout-paris.token",
                     "lookout-tokyo.token"):
            open(os.path.join(d, name), "w").close()
        r = promtool("check", "config", os.path.join(d, "prometheus.yml"))
        expect(r.returncode == 0, r.stdout + r.stderr)
        expect("4 rules found" in r.stdout, r.stdout)


def t_test_rules():
    with tempfile.TemporaryDirectory() as d:
        write_doc_files(d)
        shutil.copy(RULES_TEST, os.path.join(d, "rules-test.yml"))
        r = promtool("test", "rules", os.path.join(d, "rules-test.yml"))
        expect(r.returncode == 0 and "SUCCESS" in r.stdout, r.stdout + r.stderr)


def t_real_prometheus_two_agents():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    closed = free_port()   # nothing listens there: refused
    up_uri = "tcp://127.0.0.1:%d" % listener.getsockname()[1]
    down_uri = "tcp://127.0.0.1:%d" % closed
    agents = []
    prom = None
    with tempfile.TemporaryDirectory() as d:
        try:
            write_doc_files(d)
            targets = os.path.join(d, "targets")
            with open(targets, "w") as f:
                f.write('%s interval=1 name="open"\n%s interval=1 name="closed"\n' % (up_uri, down_uri))
            for name in ("paris", "tokyo"):
                db = os.path.join(d, name + ".db")
                token_file = os.path.join(d, name + ".token")
                r = run_agent("token", "create", "--db", db, "--name", "prometheus", "--scope", "metrics")
                expect(r.returncode == 0, r.stderr)
                with open(token_file, "w") as f:
                    f.write(r.stdout.strip())
                run = Run("--db", db, "--targets", targets, "--listen", "127.0.0.1:0", "--name", name)
                agents.append((name, token_file, run.url.split("://")[1], run))

            config = os.path.join(d, "fleet.yml")
            with open(config, "w") as f:
                f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                        "  evaluation_interval: 1s\n"
                        "rule_files:\n  - lookout-rules.yml\n"
                        "scrape_configs:\n")
                for name, token_file, address, _ in agents:
                    f.write("  - job_name: lookout-%s\n"
                            "    authorization:\n      credentials_file: %s\n"
                            "    static_configs:\n      - targets: ['%s']\n"
                            "        labels:\n          agent: %s\n"
                            % (name, token_file, address, name))
            r = promtool("check", "config", config)
            expect(r.returncode == 0, r.stdout + r.stderr)

            port = free_port()
            prom = subprocess.Popen([PROMETHEUS, "--config.file=" + config,
                                     "--storage.tsdb.path=" + os.path.join(d, "tsdb"),
                                     "--web.listen-address=127.0.0.1:%d" % port],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            server = "http://127.0.0.1:%d" % port

            def query(expr):
                r = promtool("query", "instant", "-o", "json", server, expr)
                return json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else []

            def by_location(location):
                found = query('probe_success{location="%s"}' % location)
                values = {s["metric"]["target"]: s["value"][1] for s in found}
                if values.get(up_uri) == "1" and values.get(down_uri) == "0":
                    return found
                return None

            for name, _, _, _ in agents:
                found = wait_for(lambda: by_location(name),
                                 "Prometheus to scrape probe_success from %s" % name)
                for series in found:
                    # the agent's own label, not the scrape's
                    expect(series["metric"]["agent"] == name, series)
                    expect(series["metric"]["job"] == "lookout-" + name, series)

            # the quorum rule of the document over what was scraped: the
            # closed port is down from both locations, the open one from none
            def quorum():
                found = query("target:lookout_locations_down:count")
                counts = {s["metric"]["target"]: s["value"][1] for s in found}
                return counts if counts.get(down_uri) == "2" else None

            counts = wait_for(quorum, "the recording rule to count two locations")
            expect(up_uri not in counts, counts)
        finally:
            if prom is not None:
                prom.terminate()
                prom.wait(timeout=30)
            for _, _, _, run in agents:
                run.stop()
            listener.close()


TESTS = [
    ("token create, list and revoke; the database is owner-only", t_tokens),
    ("run --config [api] listen; a warning for a database others can read", t_run_listen_config_and_warning),
    ("a real Prometheus scrapes run --listen with a metrics token", t_prometheus_scrapes),
    ("docs/prometheus.md's scrape configuration passes promtool check config", t_check_config),
    ("its alert rules pass promtool test rules over input series", t_test_rules),
    ("a real Prometheus scrapes two agents run --name; probe_success by location and the quorum rule",
     t_real_prometheus_two_agents),
]

print("1..%d" % len(TESTS))
failed = 0
for number, (description, func) in enumerate(TESTS, 1):
    try:
        func()
        print("ok %d %s" % (number, description))
    except Exception as e:  # noqa: BLE001 - reported as a TAP failure
        failed += 1
        print("not ok %d %s" % (number, description))
        for line in repr(e).splitlines():
            print("# " + line)
sys.exit(1 if failed else 0)
