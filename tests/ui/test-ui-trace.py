#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Trace Route in the real `lookout` binary, driven through the AT-SPI
# accessibility tree: add a target on this machine (127.0.0.1), open its
# page, press “Trace Route” and read the hops of the one traced round in
# the dialog: 127.0.0.1 answers at the first hop. Uses the helpers of
# test-ui.py; run by run-ui-test.sh. The round goes through a kernel ping
# socket: it needs net.ipv4.ping_group_range to include this process's group.

import importlib.util
import os
import sys

spec = importlib.util.spec_from_file_location(
    'ui', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-ui.py'))
ui = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ui)

ADDRESS = 'tcp://127.0.0.1:9'
HOST = '127.0.0.1'

# test-ui.py's own steps are not run here; its runner runs these.
ui.tests.clear()
state = ui.state
step = ui.step


def ping_sockets_allowed():
    try:
        with open('/proc/sys/net/ipv4/ping_group_range') as f:
            low, high = (int(x) for x in f.read().split())
    except (OSError, ValueError):
        return False
    return any(low <= gid <= high for gid in [os.getgid()] + os.getgroups())


@step('a target on this machine is added')
def add_target():
    app = ui.App(state['data_dir'])
    state['app'] = app
    dialog, _ = ui.open_add_dialog(app)
    ui.type_text(ADDRESS)
    add = ui.find(dialog, 'Add', ui.BUTTON)
    ui.wait_for('“Add” to become usable', lambda: ui.is_sensitive(add))
    ui.click(add)
    ui.wait_for('the dialog to close', lambda: not any(w.get_name() == 'Add Target' for w in ui.children(app.root)))


@step('its page offers “Trace Route”')
def trace_button():
    # Started again: the tree read before the target was added is not read
    # afresh by the client otherwise.
    state['app'].kill()
    state['app'] = ui.App(state['data_dir'])
    main = state['app'].window('Lookout')

    def look():
        main.clear_cache()
        return next((b for b in ui.find_all(main, 'Trace Route', ui.BUTTON)
                     if b.get_action_iface() is not None), None)
    state['button'] = ui.wait_for('a “Trace Route” button on the target page', look)


@step('“Trace Route” shows the hops of one round in a dialog')
def trace():
    app = state['app']
    ui.click(state['button'])
    dialog = app.window('Trace Route')

    def answered():
        dialog.clear_cache()
        return next((label for label in ui.find_all(dialog, role=ui.LABEL)
                     if (label.get_name() or '').startswith(HOST + ' answered after')), None)
    try:
        status = ui.wait_for('the dialog to say that %s answered' % HOST, answered)
    except ui.Failure:
        said = [label.get_name() for label in ui.find_all(dialog, role=ui.LABEL) if label.get_name()]
        raise ui.Failure('the dialog says: %s' % said)
    if status.get_name() != HOST + ' answered after 1 hop':
        raise ui.Failure('the dialog says “%s”' % status.get_name())

    # The table's row: hop 1, the address, nothing lost.
    cells = [label.get_name() for label in ui.find_all(dialog, role=ui.LABEL) if label.get_name()]
    for expected in ('Hop', 'Address', 'Loss', 'Median', '1', HOST, '0 %'):
        if expected not in cells:
            raise ui.Failure('no “%s” in the dialog’s table: %s' % (expected, cells))
    print('# the dialog reads: %s' % cells, file=ui.tap)
    if not any(w.get_name() == 'Lookout' for w in ui.children(app.root)):
        raise ui.Failure('the main window went away')


if __name__ == '__main__':
    if not ping_sockets_allowed():
        print('1..0 # SKIP ping sockets are not allowed for this group '
              '(sysctl net.ipv4.ping_group_range)', file=ui.tap)
        sys.exit(0)
    sys.exit(ui.main())
