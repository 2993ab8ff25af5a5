#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes data/screenshots/main.png: starts `lookout` with an empty temporary
# data directory, adds a few loopback targets through the Add Target dialog
# (the way a person would, via the accessibility tree), and captures the
# main window. Run by tools/screenshot.sh under Xvfb and a private D-Bus.
# Usage: screenshot.py LOOKOUT_BINARY OUTPUT.png

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('lookout_ui', os.path.join(HERE, 'test-ui.py'))
ui = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ui)

OUTPUT = sys.argv[2]
TARGETS = [
    'https://127.0.0.1:8443/health',
    'icmp://127.0.0.1',
    'tcp://127.0.0.1:5432',
    'udp://127.0.0.1:5353',
    'dns://127.0.0.1:5354/example.test?type=A',
    'ntp://127.0.0.1:1123',
]


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
    try:
        app = ui.App(data_dir)
        for address in TARGETS:
            add(app, address)
        app.window('Lookout')
        time.sleep(1.5)  # let the last frame reach the screen
        window_id = subprocess.run(['xdotool', 'search', '--name', '^Lookout$'], capture_output=True,
                                   text=True).stdout.split() if shutil.which('xdotool') else []
        os.makedirs(os.path.dirname(os.path.abspath(OUTPUT)), exist_ok=True)
        source = window_id[0] if window_id else 'root'
        subprocess.run(['import', '-window', source, OUTPUT], check=True)
        print('saved %s' % OUTPUT)
    finally:
        if app is not None:
            app.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == '__main__':
    main()
