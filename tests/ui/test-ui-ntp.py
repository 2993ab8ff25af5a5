#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The NTP offset thresholds in the Add Target dialog of the real `lookout`
# binary, through the AT-SPI tree, against the test's own NTP server on
# loopback whose clock is 120.5 s ahead: a "down" bound below the
# "degraded" one is refused in words; with degraded past 5000 ms and down
# past 60 s the target goes down, the offset said in words; Edit Target
# reads both bounds back. Run by run-ui-test.sh; prints TAP.

import importlib.util
import os
import socket
import struct
import threading
import time

_spec = importlib.util.spec_from_file_location(
    'lookout_ui_edit', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-ui-edit.py'))
edit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(edit)
ui = edit.ui

ui.tests.clear()
state = ui.state
step = ui.step

OFFSET_S = 120.5
NTP_EPOCH = 2208988800
TOO_LOW = 'must be above the one counted as degraded (5000 ms)'
DOWN_WORDS = 'is off by 2 minutes (120 s), more than the 60 s allowed'


def ntp_time(t):
    seconds = int(t)
    return struct.pack('!II', (seconds + NTP_EPOCH) & 0xffffffff, int((t - seconds) * 2 ** 32))


def serve_ntp(sock):
    """Answers every request as a synchronised stratum 2 server OFFSET_S ahead."""
    while True:
        try:
            data, peer = sock.recvfrom(512)
        except OSError:
            return
        if len(data) < 48:
            continue
        now = time.time() + OFFSET_S
        header = struct.pack('!BBbbII4s', (0 << 6) | (4 << 3) | 4, 2, 6, -20, 0, 0, b'LOCL')
        sock.sendto(header + ntp_time(now - 16) + data[40:48] + ntp_time(now) + ntp_time(now), peer)


def open_ntp_options(dialog):
    expander = ui.wait_for('the “NTP Options” row to click',
                           lambda: next((n for n in ui.find_all(dialog, 'NTP Options', showing=True)
                                         if edit.has_action(n)), None))
    ui.click(expander)
    ui.wait_for('the “Largest clock offset” field', lambda: edit.field(dialog, 'Largest clock offset'))


def field_text(dialog, name):
    found = ui.wait_for('the “%s” field' % name, lambda: edit.field(dialog, name), timeout=5)
    return found.get_text(0, found.get_character_count())


@step('launch with an NTP server on loopback 120.5 s ahead')
def launch():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    threading.Thread(target=serve_ntp, args=(sock,), daemon=True).start()
    state['ntp'] = sock
    state['address'] = 'ntp://127.0.0.1:%d' % sock.getsockname()[1]
    state['app'] = ui.App(state['data_dir'])
    state['app'].window('Lookout')


@step('a down bound below the degraded one is refused in words')
def refused():
    dialog, _ = ui.open_add_dialog(state['app'])
    edit.set_field(dialog, 'Address', state['address'])
    edit.set_field(dialog, 'Name', 'Time server')
    # checked every 2 s, down at the first failure
    edit.set_number(dialog, 'Timeout', 2)
    edit.set_number(dialog, 'Interval', 2)
    edit.set_number(dialog, 'Failures before down', 1)
    open_ntp_options(dialog)
    edit.set_field(dialog, 'Largest clock offset', '5000')
    edit.set_field(dialog, 'Clock offset counted as down', '3')
    ui.wait_for('the dialog to say the down bound is too low', lambda: edit.label_with(dialog, TOO_LOW))
    if ui.is_sensitive(ui.find(dialog, 'Add', ui.BUTTON)):
        raise ui.Failure('“Add” is usable with a down bound below the degraded one')
    state['dialog'] = dialog


@step('down past 60 s: the target goes down, the offset in words')
def down():
    dialog = state['dialog']
    edit.set_field(dialog, 'Clock offset counted as down', '60')
    ui.wait_for('the message about the bounds to go', lambda: edit.label_with(dialog, TOO_LOW) is None)
    edit.confirm('Add Target', 'Add')
    main = state['app'].window('Lookout')
    edit.show_only(main, 'time')
    ui.wait_for('“Time server” to be down', lambda: edit.row_state(main, 'Time server').startswith('Down'))
    ui.wait_for('the offset said in words', lambda: edit.label_with(main, DOWN_WORDS))


@step('Edit Target reads both bounds back')
def read_back():
    main = state['app'].window('Lookout')
    ui.click(ui.wait_for('a usable “Edit Target” button',
                         lambda: next((b for b in ui.find_all(main, 'Edit Target', ui.BUTTON, showing=True)
                                       if ui.is_sensitive(b)), None)))
    dialog = state['app'].window('Edit Target')
    open_ntp_options(dialog)
    got = (field_text(dialog, 'Largest clock offset'), field_text(dialog, 'Clock offset counted as down'))
    if got != ('5000', '60'):
        raise ui.Failure('the dialog reads back %r, not (“5000”, “60”)' % (got,))
    edit.confirm('Edit Target', 'Cancel')


if __name__ == '__main__':
    import sys
    sys.exit(ui.main())
