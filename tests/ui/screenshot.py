#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes data/screenshots/main.png: starts a few real services on loopback
# (HTTP, TCP, UDP echo, and DNS with dnsmasq when it is installed), starts
# `lookout` with an empty temporary data directory, adds targets for them
# and for a port where nothing listens through the Add Target dialog (the
# way a person would, via the accessibility tree), lets the first checks
# run, and captures the window. Run by tools/screenshot.sh under Xvfb and a
# private D-Bus session.
# Usage: screenshot.py LOOKOUT_BINARY OUTPUT.png

import http.server
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('lookout_ui', os.path.join(HERE, 'test-ui.py'))
ui = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ui)

OUTPUT = sys.argv[2]
# The last one added is the one shown: a web server with some history.
TARGETS = [
    'icmp://127.0.0.1',
    'tcp://127.0.0.1:5432',
    'udp://127.0.0.1:5353',
    'dns://127.0.0.1:5354/example.test?type=A',
    'ntp://127.0.0.1:1123',
    'http://127.0.0.1:8080/health',
]


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'ok\n'
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_tcp(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', port))
    listener.listen(64)

    def accept():
        while True:
            connection, _ = listener.accept()
            connection.close()
    threading.Thread(target=accept, daemon=True).start()


def serve_udp_echo(port):
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(('127.0.0.1', port))

    def echo():
        while True:
            data, peer = server.recvfrom(65536)
            server.sendto(data, peer)
    threading.Thread(target=echo, daemon=True).start()


def start_services():
    processes = []
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 8080), Health)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    serve_tcp(5432)
    serve_udp_echo(5353)
    if shutil.which('dnsmasq') or os.path.exists('/usr/sbin/dnsmasq'):
        dnsmasq = shutil.which('dnsmasq') or '/usr/sbin/dnsmasq'
        processes.append(subprocess.Popen([dnsmasq, '-k', '-p', '5354', '--listen-address=127.0.0.1',
                                           '--bind-interfaces', '--no-resolv', '--no-hosts',
                                           '--address=/example.test/192.0.2.1'],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    # ntp://127.0.0.1:1123 stays unanswered: one target is down.
    return processes


def add(app, address):
    dialog, _ = ui.open_add_dialog(app)
    ui.type_text(address)
    button = ui.find(dialog, 'Add', ui.BUTTON)
    ui.wait_for('“Add” to accept %s' % address, lambda: ui.is_sensitive(button))
    ui.click(button)
    ui.wait_for('the dialog to close',
                lambda: not any(w.get_name() == 'Add Target' for w in ui.children(app.root)))


def main():
    ui.Atspi.init()
    data_dir = tempfile.mkdtemp(prefix='lookout-shot-')
    app = None
    services = start_services()
    try:
        app = ui.App(data_dir)
        for address in TARGETS:
            add(app, address)
        app.window('Lookout')
        time.sleep(float(os.environ.get('LOOKOUT_SHOT_SETTLE', '25')))  # first checks, last frame
        os.makedirs(os.path.dirname(os.path.abspath(OUTPUT)), exist_ok=True)
        subprocess.run(['import', '-window', 'root', OUTPUT], check=True)
        print('saved %s' % OUTPUT)
    finally:
        if app is not None:
            app.kill()
        for process in services:
            process.terminate()
            process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == '__main__':
    main()
