#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Finding targets in the real `lookout` binary through the AT-SPI tree:
# the header counts the states, the search bar finds names, addresses and
# tags, and a target paused from the window reads "Paused", stays paused
# after a restart and is checked again when resumed. (The filters' drop-
# downs are driven in test-target-finder.c: their pop-up list cannot be
# worked through the tree of GTK 4.8.)
# Three loopback targets are made beforehand by `lookout-agent run` over a
# targets file (LOOKOUT_AGENT). Run by run-ui-test.sh; prints TAP.

import importlib.util
import os
import socket
import subprocess
import sys
import threading

_spec = importlib.util.spec_from_file_location(
    'lookout_ui', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-ui.py'))
ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ui)

from gi.repository import Atspi  # noqa: E402

AGENT = os.environ['LOOKOUT_AGENT']

# test-ui.py's own steps are not run here; its runner runs these.
ui.tests.clear()
state = ui.state
step = ui.step


def serve(listener):
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        connection.close()


def target_list(main):
    return ui.wait_for('the list of targets',
                       lambda: next((n for n in ui.find_all(main, 'Targets', showing=True)
                                     if n.get_role() == Atspi.Role.LIST), None))


def shown_rows(main):
    """The names of the target list's items on screen."""
    # GTK 4.8 does not say when a list view gets or loses rows: read afresh.
    main.clear_cache()
    return sorted(item.get_name() for item in ui.find_all(target_list(main), role=ui.LIST_ITEM, showing=True)
                  if item.get_name())


def row(main, name):
    return ui.find(target_list(main), name, ui.LIST_ITEM)


def search_for(main, text):
    """Opens the search bar if needed and types @text in it."""
    if 'searching' not in state:
        toggle = ui.wait_for('the “Find Targets” button', lambda: ui.find(main, 'Find Targets', ui.BUTTON))
        ui.click(toggle)
        state['searching'] = True
    # GTK 4.8 names the text inside a search entry “Search”.
    entry = ui.wait_for('the search field',
                        lambda: ui.find(main, 'Search Targets', ui.TEXT) or ui.find(main, 'Search', ui.TEXT))
    entry.get_editable_text_iface().set_text_contents(text)


def wait_rows(main, expected):
    try:
        ui.wait_for('the list to show exactly %s' % expected,
                    lambda: shown_rows(main) == sorted(expected))
    except ui.Failure as e:
        raise ui.Failure('%s; it shows %s' % (e, shown_rows(main)))


@step('three loopback targets made with lookout-agent run')
def prepare():
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    listener6 = socket.socket(socket.AF_INET6)
    listener6.bind(('::1', 0))
    listener6.listen(16)
    for s in (listener, listener6):
        threading.Thread(target=serve, args=(s,), daemon=True).start()
    state['listeners'] = (listener, listener6)
    port = listener.getsockname()[1]
    port6 = listener6.getsockname()[1]
    # A port nothing listens on: refused at once.
    closed = socket.socket()
    closed.bind(('127.0.0.1', 0))
    closed_port = closed.getsockname()[1]
    closed.close()

    targets = os.path.join(state['data_dir'], 'targets.txt')
    with open(targets, 'w') as f:
        f.write('tcp://127.0.0.1:%d name="Alpha web" tags=web interval=1 failures=1\n' % port)
        f.write('tcp://127.0.0.1:%d name="Beta database" tags=db interval=1 failures=1\n' % closed_port)
        f.write('tcp://[::1]:%d name="Gamma web" tags=web interval=1 failures=1\n' % port6)
    subprocess.run([AGENT, 'run', '--db', os.path.join(state['data_dir'], 'lookout.db'),
                    '--targets', targets, '--duration', '2'],
                   check=True, capture_output=True, timeout=60)


@step('launch: the header counts up and down')
def launch():
    state['app'] = ui.App(state['data_dir'])
    main = state['app'].window('Lookout')
    wait_rows(main, ['Alpha web', 'Beta database', 'Gamma web'])
    label = ui.wait_for('the counts in the header',
                        lambda: next((l for l in ui.find_all(main, role=ui.LABEL, showing=True)
                                      if (l.get_name() or '').startswith('2 up · 1 down')), None))
    print('# header: %s' % label.get_name(), file=ui.tap)


@step('searching names and addresses')
def search():
    main = state['app'].window('Lookout')
    search_for(main, 'gamma')
    wait_rows(main, ['Gamma web'])
    # The address: only the IPv6 target is checked at ::1.
    search_for(main, '::1')
    wait_rows(main, ['Gamma web'])
    search_for(main, 'WEB')
    wait_rows(main, ['Alpha web', 'Gamma web'])
    search_for(main, '')
    wait_rows(main, ['Alpha web', 'Beta database', 'Gamma web'])


def press(main, name):
    """Clicks the button @name once it is there and usable."""
    ui.click(ui.wait_for('a usable “%s” button' % name,
                         lambda: next((b for b in ui.find_all(main, name, ui.BUTTON, showing=True)
                                       if ui.is_sensitive(b)), None)))


def wait_state(main, name, label, what):
    ui.wait_for(what, lambda: ((row(main, name) or main).get_description() or '').startswith(label))


def pause_only(main, name, search):
    """Pauses the target @name, found by the search (the one row left is selected)."""
    search_for(main, search)
    wait_rows(main, [name])
    press(main, 'Pause Checks')
    wait_state(main, name, 'Paused', 'the row “%s” to say Paused' % name)


@step('Pause Checks: the row reads Paused, and Resume Checks brings it back')
def pause():
    main = state['app'].window('Lookout')
    pause_only(main, 'Alpha web', 'alpha')
    ui.wait_for('the header to count it paused',
                lambda: any('1 paused' in (l.get_name() or '')
                            for l in ui.find_all(main, role=ui.LABEL, showing=True)))
    press(main, 'Resume Checks')
    wait_state(main, 'Alpha web', 'Up', 'the row to be checked again')


@step('paused in the database after a restart')
def paused_kept():
    pause_only(state['app'].window('Lookout'), 'Beta database', 'beta')
    state['app'].kill()
    state['app'] = ui.App(state['data_dir'])
    wait_state(state['app'].window('Lookout'), 'Beta database', 'Paused',
               '“Beta database” to say Paused after the restart')


if __name__ == '__main__':
    sys.exit(ui.main())
