#!/usr/bin/python3
# test-agent-api.py: lookout-agent's API commands, and a real Prometheus
# server scraping `lookout-agent run --listen` on loopback.
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


TESTS = [
    ("token create, list and revoke; the database is owner-only", t_tokens),
    ("run --config [api] listen; a warning for a database others can read", t_run_listen_config_and_warning),
    ("a real Prometheus scrapes run --listen with a metrics token", t_prometheus_scrapes),
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
