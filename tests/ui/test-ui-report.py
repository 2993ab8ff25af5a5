#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Report window of the real `lookout` binary, driven through the AT-SPI
# accessibility tree: open it from the main menu, find a target's row and
# read its figures, which must be those `lookout-agent report` prints for
# the same database and range. Uses the helpers of test-ui.py; run by
# run-ui-test.sh. LOOKOUT_GEN_HISTORY and LOOKOUT_AGENT name the tools that
# make the history and print the reference report.

import importlib.util
import os
import re
import sqlite3
import subprocess
import sys


spec = importlib.util.spec_from_file_location(
    'ui', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-ui.py'))
ui = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ui)

GEN_HISTORY = os.environ['LOOKOUT_GEN_HISTORY']
AGENT = os.environ['LOOKOUT_AGENT']
TARGET = 'Website'
# The range holds the whole history (one day), so that it is the same set
# of results a few seconds later; the targets are paused, so that the app
# adds none (and sends nothing beyond this machine).
RANGE = 'Last 7 days'
COLUMNS = ('Name', 'Target', 'Availability', 'Mean (ms)', 'Min (ms)', 'Max (ms)', 'P95 (ms)', 'Outages', 'Anomalies', 'Last state')

# test-ui.py's own steps are not run here; its runner runs these.
ui.tests.clear()
state = ui.state
step = ui.step


def clickable(root, name):
    # GTK 4.8 gives a menu button or a drop-down and the toggle button
    # inside it one name; the inner one has the action.
    return next((n for n in ui.find_all(root, name)
                 if n.get_action_iface() is not None and n.get_action_iface().get_n_actions() > 0), None)


def reference_row(db):
    text = subprocess.run([AGENT, 'report', '--db', db, '--range', '7d', '--format', 'text'],
                          check=True, capture_output=True, text=True).stdout
    lines = text.splitlines()
    heading = re.split(r'\s{2,}', lines[2].strip())
    for line in lines[3:]:
        cells = re.split(r'\s{2,}', line.strip())
        if cells[0] == TARGET:
            state['heading'] = heading
            return dict(zip(heading, cells))
    raise ui.Failure('no row “%s” in the agent’s report:\n%s' % (TARGET, text))


@step('the history and the agent’s reference report')
def prepare():
    db = os.path.join(state['data_dir'], 'lookout.db')
    subprocess.run([GEN_HISTORY, db, '1'], check=True, capture_output=True)
    with sqlite3.connect(db) as connection:
        connection.execute('UPDATE targets SET enabled = 0')
    state['expected'] = reference_row(db)
    print('# reference: %s' % state['expected'], file=ui.tap)


@step('the main menu opens the Report window')
def open_report():
    app = ui.App(state['data_dir'])
    state['app'] = app
    main = app.window('Lookout')
    menu = ui.wait_for('the “Main Menu” button', lambda: clickable(main, 'Main Menu'))
    ui.click(menu)
    ui.click(ui.wait_for('a “Report” menu item', lambda: clickable(app.root, 'Report')))
    state['window'] = app.window('Report')


@step('the range buttons, Export as CSV and Print are there by name')
def controls():
    window = state['window']
    for name in ('Range', 'Last 24 hours', 'Export as CSV', 'Print'):
        ui.wait_for('a control named “%s”' % name, lambda: ui.find(window, name))


@step('choosing a range and reading the target’s row')
def read_row():
    window = state['window']
    button = ui.wait_for('the range button “%s”' % RANGE,
                         lambda: next((n for n in ui.find_all(window, role=ui.BUTTON)
                                       if ui.accessible_name(n).startswith(RANGE)), None))
    ui.click(button)

    def row_cells():
        for label in ui.find_all(window, TARGET, ui.LABEL):
            row = label.get_parent()
            while row is not None and row.get_child_count() < len(state['heading']):
                row = row.get_parent()
            if row is None:
                continue
            cells = [node.get_name() for node in ui.walk(row) if node.get_role() in ui.LABEL]
            cells = [c for c in cells if c]
            if cells and cells[0] == TARGET and len(cells) == len(state['heading']):
                return dict(zip(state['heading'], cells))
        return None

    expected = state['expected']

    def matching():
        cells = row_cells()
        if cells is None:
            return None
        state['cells'] = cells
        return cells if all(cells[c] == expected[c] for c in COLUMNS) else None

    try:
        ui.wait_for('the row of “%s” with the agent’s figures' % TARGET, matching)
    except ui.Failure:
        raise ui.Failure('row read: %s\nexpected: %s' % (state.get('cells'), expected))
    print('# row read: %s' % state['cells'], file=ui.tap)


if __name__ == '__main__':
    sys.exit(ui.main())
