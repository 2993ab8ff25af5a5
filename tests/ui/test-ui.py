#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the real `lookout` binary through the AT-SPI accessibility tree, as
# a screen reader user would, finding every control by its accessible name:
# add a target, see it in the list, quit, start again, find it again; then
# type an invalid address and see the dialog refuse it and say why.
# Run by run-ui-test.sh inside its own D-Bus session; prints TAP.

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import gi
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

LOOKOUT = sys.argv[1]
ADDRESS = 'tcp://127.0.0.1:9'
BAD_ADDRESS = 'tcp://127.0.0.1:99999'
TIMEOUT = 15.0

ROLE = Atspi.Role
STATE = Atspi.StateType

tests = []
failures = 0


def step(description):
    def register(function):
        tests.append((description, function))
        return function
    return register


class Failure(Exception):
    pass


def wait_for(what, predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except gi.repository.GLib.Error:
            value = None  # the tree changed under us: look again
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure('timed out after %.0f s waiting for %s' % (timeout, what))
        time.sleep(0.2)


def children(node):
    try:
        count = node.get_child_count()
    except gi.repository.GLib.Error:
        return
    for i in range(count):
        try:
            child = node.get_child_at_index(i)
        except gi.repository.GLib.Error:
            continue
        if child is not None:
            yield child


def walk(node, depth=0, max_depth=40):
    yield node
    if depth >= max_depth:
        return
    for child in children(node):
        yield from walk(child, depth + 1, max_depth)


def find_all(root, name=None, role=None, showing=False):
    found = []
    for node in walk(root):
        try:
            if role is not None and node.get_role() != role:
                continue
            if name is not None and node.get_name() != name:
                continue
            if showing and not node.get_state_set().contains(STATE.SHOWING):
                continue
        except gi.repository.GLib.Error:
            continue
        found.append(node)
    return found


def find(root, name=None, role=None, showing=True):
    nodes = find_all(root, name=name, role=role, showing=showing)
    return nodes[0] if nodes else None


def is_sensitive(node):
    return node.get_state_set().contains(STATE.SENSITIVE)


def click(node):
    action = node.get_action_iface()
    if action is None or action.get_n_actions() == 0:
        raise Failure('“%s” has no action to click' % node.get_name())
    action.do_action(0)


def type_text(text):
    for ch in text:
        Atspi.generate_keyboard_event(ord(ch), None, Atspi.KeySynthType.UNICODE)
        time.sleep(0.02)


def press_with_control(key):
    Atspi.generate_keyboard_event(4, None, Atspi.KeySynthType.LOCKMODIFIERS)
    try:
        Atspi.generate_keyboard_event(ord(key), None, Atspi.KeySynthType.SYM)
    finally:
        Atspi.generate_keyboard_event(4, None, Atspi.KeySynthType.UNLOCKMODIFIERS)


class App:
    def __init__(self, data_dir):
        env = dict(os.environ)
        env['LOOKOUT_DATA_DIR'] = data_dir
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([LOOKOUT], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.root = wait_for('lookout to appear in the accessibility tree', self._find_root)

    def _find_root(self):
        if self.process.poll() is not None:
            raise Failure('lookout exited early with status %d:\n%s' % (self.process.returncode, self.output()))
        desktop = Atspi.get_desktop(0)
        for app in children(desktop):
            try:
                if app.get_process_id() == self.process.pid:
                    return app
            except gi.repository.GLib.Error:
                continue
        return None

    def window(self, name):
        def look():
            for node in children(self.root):
                if node.get_name() == name:
                    return node
            return None
        return wait_for('a window “%s”' % name, look)

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors='replace')

    def wait_exit(self, timeout=TIMEOUT):
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failure('lookout did not quit within %.0f s' % timeout)

    def kill(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


state = {}


def open_add_dialog(app):
    main = app.window('Lookout')
    button = wait_for('the “Add Target” button to be usable',
                      lambda: next((b for b in find_all(main, 'Add Target', ROLE.BUTTON, showing=True)
                                    if is_sensitive(b)), None))
    click(button)
    dialog = app.window('Add Target')
    address = wait_for('the “Address” field', lambda: find(dialog, 'Address', ROLE.TEXT))
    wait_for('the “Address” field to have the keyboard focus',
             lambda: address.get_state_set().contains(STATE.FOCUSED))
    return dialog, address


@step('launch with an empty data directory')
def launch():
    state['app'] = App(state['data_dir'])
    main = state['app'].window('Lookout')
    wait_for('the empty list introduction',
             lambda: find(main, 'Add Example Targets', ROLE.BUTTON)
             or find(main, 'Add _Example Targets', ROLE.BUTTON))


@step('the dialog has the named controls')
def dialog_controls():
    dialog, _ = open_add_dialog(state['app'])
    for name in ('Check type', 'Address', 'Name', 'Interval', 'Timeout', 'Failures before down', 'Add'):
        if not find(dialog, name):
            raise Failure('no control named “%s” in the dialog' % name)
    add = find(dialog, 'Add', ROLE.BUTTON)
    if is_sensitive(add):
        raise Failure('“Add” is usable before anything was typed')
    state['dialog'] = dialog


@step('typing a valid address enables “Add” and adds the target')
def add_target():
    dialog = state['dialog']
    address = find(dialog, 'Address', ROLE.TEXT)
    type_text(ADDRESS)
    add = find(dialog, 'Add', ROLE.BUTTON)
    wait_for('“Add” to become usable after typing %s' % ADDRESS, lambda: is_sensitive(add))
    typed = address.get_text_iface().get_text(0, -1)
    if typed != ADDRESS:
        raise Failure('the Address field holds “%s”, not “%s”' % (typed, ADDRESS))
    name_field = find(dialog, 'Name', ROLE.TEXT)
    name = wait_for('the Name to follow the address', lambda: name_field.get_text_iface().get_text(0, -1))
    if '127.0.0.1' not in name:
        raise Failure('the name “%s” does not come from the address' % name)
    state['name'] = name
    click(add)
    app = state['app']
    wait_for('the dialog to close', lambda: not any(w.get_name() == 'Add Target' for w in children(app.root)))


@step('the new target is a list item named after it')
def find_row():
    main = state['app'].window('Lookout')
    wait_for('a list item named “%s”' % state['name'],
             lambda: find(main, state['name'], ROLE.LIST_ITEM))


@step('Ctrl+Q quits cleanly')
def quit_app():
    app = state['app']
    main = app.window('Lookout')
    list_item = find(main, state['name'], ROLE.LIST_ITEM)
    press_with_control('q')
    try:
        status = app.wait_exit()
    except Failure:
        # Keyboard focus can be elsewhere without a window manager: use the
        # same action through SIGTERM, which the application handles.
        app.process.send_signal(signal.SIGTERM)
        status = app.wait_exit()
        raise Failure('Ctrl+Q did not quit (SIGTERM did, status %d)' % status)
    if status != 0:
        raise Failure('lookout exited with status %d:\n%s' % (status, app.output()))
    del list_item


@step('after a restart the target is still there')
def restart():
    state['app'] = App(state['data_dir'])
    main = state['app'].window('Lookout')
    wait_for('the list item “%s” after the restart' % state['name'],
             lambda: find(main, state['name'], ROLE.LIST_ITEM))


@step('an invalid address keeps “Add” unusable and says why')
def invalid_address():
    dialog, address = open_add_dialog(state['app'])
    type_text(BAD_ADDRESS)
    wait_for('the Address field to hold the typed text',
             lambda: address.get_text_iface().get_text(0, -1) == BAD_ADDRESS)
    add = find(dialog, 'Add', ROLE.BUTTON)
    explanation = wait_for('a message about the port',
                           lambda: next((label for label in find_all(dialog, role=ROLE.LABEL, showing=True)
                                         if 'port' in (label.get_name() or '').lower()), None))
    if is_sensitive(add):
        raise Failure('“Add” is usable with the address %s' % BAD_ADDRESS)
    print('# explanation shown: %s' % explanation.get_name())


def main():
    global failures

    Atspi.init()
    state['data_dir'] = tempfile.mkdtemp(prefix='lookout-ui-')
    print('1..%d' % len(tests))
    sys.stdout.flush()
    skip_rest = None
    try:
        for number, (description, function) in enumerate(tests, 1):
            if skip_rest:
                print('not ok %d - %s # an earlier step failed: %s' % (number, description, skip_rest))
                failures += 1
                continue
            try:
                function()
                print('ok %d - %s' % (number, description))
            except Exception as e:  # noqa: BLE001 - every failure becomes a TAP line
                failures += 1
                print('not ok %d - %s' % (number, description))
                for line in str(e).splitlines():
                    print('# %s' % line)
                app = state.get('app')
                if app is not None and app.process.poll() is not None:
                    skip_rest = 'lookout is not running'
                elif function in (launch, restart):
                    skip_rest = 'lookout did not start'
            sys.stdout.flush()
    finally:
        app = state.get('app')
        if app is not None:
            app.kill()
        shutil.rmtree(state['data_dir'], ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
