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

STATE = Atspi.StateType
BUTTON = (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON)
TEXT = (Atspi.Role.TEXT, Atspi.Role.ENTRY, Atspi.Role.PASSWORD_TEXT)
LIST_ITEM = (Atspi.Role.LIST_ITEM,)
LABEL = (Atspi.Role.LABEL, Atspi.Role.STATIC)

# run-ui-test.sh hands TAP its own descriptor: stdout is shared with the
# accessibility daemons, which print there.
try:
    tap = os.fdopen(3, 'w', buffering=1)
except OSError:
    tap = sys.stdout

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


def accessible_name(node):
    # GTK 4.8 names a button with a text label by its label property followed
    # by the text of its content ("Add Add"); count that as its name too.
    name = node.get_name() or ''
    half = len(name) // 2
    if len(name) % 2 == 1 and name[half] == ' ' and name[:half] == name[half + 1:]:
        return name[:half]
    return name


def find_all(root, name=None, role=None, showing=False):
    found = []
    for node in walk(root):
        try:
            if role is not None and node.get_role() not in role:
                continue
            if name is not None and accessible_name(node) != name:
                continue
            # GTK 4.8 sets VISIBLE (gtk_widget_get_visible) but not SHOWING.
            if showing and not node.get_state_set().contains(STATE.VISIBLE):
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
        Atspi.generate_keyboard_event(0, ch, Atspi.KeySynthType.STRING)
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

    def window(self, name, timeout=TIMEOUT):
        def look():
            for node in children(self.root):
                if node.get_name() == name:
                    return node
            return None
        return wait_for('a window “%s”' % name, look, timeout)

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
    buttons = wait_for('an “Add Target” button to be usable',
                       lambda: [b for b in find_all(main, 'Add Target', BUTTON, showing=True) if is_sensitive(b)])
    # Both the header bar and the empty page have one; a button on a page
    # the stack hides is not realized and does not react, so try each.
    dialog = None
    for button in buttons:
        click(button)
        try:
            dialog = app.window('Add Target', timeout=3)
            break
        except Failure:
            continue
    if dialog is None:
        raise Failure('no “Add Target” button opened the dialog')
    address = wait_for('the “Address” field', lambda: find(dialog, 'Address', TEXT))
    # The dialog puts the keyboard focus in the address; let it map first.
    time.sleep(0.5)
    return dialog, address


@step('launch with an empty data directory')
def launch():
    state['app'] = App(state['data_dir'])
    main = state['app'].window('Lookout')
    wait_for('the empty list introduction',
             lambda: find(main, 'Add Example Targets', BUTTON))


@step('asking for a window past the shown ones leaves lookout running')
def past_the_windows():
    # What a client does when a window closes between counting the
    # application's windows and asking for the last one. GTK 4.8 answers
    # with the last window it has, shown or not, and a hidden window it
    # never realized made it crash.
    app = state['app']
    try:
        app.root.get_child_at_index(app.root.get_child_count())
        first = app.root.get_child_at_index(0)
        first.clear_cache()
        name = first.get_name()
    except gi.repository.GLib.Error as e:
        raise Failure('lookout did not answer (%s); it %s' % (
            e.message, 'is running' if app.process.poll() is None else 'ended'))
    if name != 'Lookout':
        raise Failure('the first window is “%s”, not “Lookout”' % name)


@step('the dialog has the named controls')
def dialog_controls():
    dialog, _ = open_add_dialog(state['app'])
    for name in ('Check type', 'Address', 'Name', 'Interval', 'Timeout', 'Failures before down', 'Add'):
        if not find(dialog, name):
            raise Failure('no control named “%s” in the dialog' % name)
    add = find(dialog, 'Add', BUTTON)
    if is_sensitive(add):
        raise Failure('“Add” is usable before anything was typed')
    state['dialog'] = dialog


@step('typing a valid address enables “Add” and adds the target')
def add_target():
    dialog = state['dialog']
    type_text(ADDRESS)
    add = find(dialog, 'Add', BUTTON)
    wait_for('“Add” to become usable after typing %s' % ADDRESS, lambda: is_sensitive(add))
    click(add)
    app = state['app']
    wait_for('the dialog to close', lambda: not any(w.get_name() == 'Add Target' for w in children(app.root)))


@step('the new target is a list item named after its address')
def find_row():
    main = state['app'].window('Lookout')

    # The name follows the address (GTK 4.8 does not expose the text of the
    # entry rows, so the row is recognised by the host in its name).
    def look():
        # GTK 4.8 does not say when a list view gets its rows: read afresh.
        main.clear_cache()
        return next((item for item in find_all(main, role=LIST_ITEM)
                     if '127.0.0.1' in (item.get_name() or '')), None)
    item = wait_for('a list item named after %s' % ADDRESS, look)
    state['name'] = item.get_name()
    print('# the new row is named “%s”' % state['name'], file=tap)


@step('Ctrl+Q quits cleanly')
def quit_app():
    app = state['app']
    main = app.window('Lookout')
    list_item = find(main, state['name'], LIST_ITEM)
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
    # A left-over instance would take the new one's activation and let it exit.
    if state.get('app') is not None:
        state['app'].kill()
    state['app'] = App(state['data_dir'])
    main = state['app'].window('Lookout')
    def look():
        main.clear_cache()
        return find(main, state['name'], LIST_ITEM)
    wait_for('the list item “%s” after the restart' % state['name'], look)


@step('an invalid address keeps “Add” unusable and says why')
def invalid_address():
    dialog, address = open_add_dialog(state['app'])
    type_text(BAD_ADDRESS)
    add = find(dialog, 'Add', BUTTON)
    # The parser's reason names the allowed range of ports.
    explanation = wait_for('a message saying what is wrong with the port',
                           lambda: next((label for label in find_all(dialog, role=LABEL, showing=True)
                                         if '65535' in (label.get_name() or '')), None))
    if is_sensitive(add):
        raise Failure('“Add” is usable with the address %s' % BAD_ADDRESS)
    print('# explanation shown: %s' % explanation.get_name(), file=tap)


def main():
    global failures

    Atspi.init()
    state['data_dir'] = tempfile.mkdtemp(prefix='lookout-ui-')
    print('1..%d' % len(tests), file=tap)
    tap.flush()
    skip_rest = None
    try:
        for number, (description, function) in enumerate(tests, 1):
            if skip_rest:
                print('not ok %d - %s # an earlier step failed: %s' % (number, description, skip_rest), file=tap)
                failures += 1
                continue
            try:
                function()
                print('ok %d - %s' % (number, description), file=tap)
            except Exception as e:  # noqa: BLE001 - every failure becomes a TAP line
                failures += 1
                print('not ok %d - %s' % (number, description), file=tap)
                for line in str(e).splitlines():
                    print('# %s' % line, file=tap)
                # meson shows a failed test's stderr, not its TAP comments.
                print('not ok %d - %s: %s' % (number, description, e), file=sys.stderr)
                app = state.get('app')
                if app is not None and app.process.poll() is not None:
                    skip_rest = 'lookout is not running'
                    # what it said before it went is the first thing to read
                    said = 'lookout exited with status %d; its output:\n%s' % (
                        app.process.returncode, app.output()[-4000:])
                    for line in said.splitlines():
                        print('# %s' % line, file=tap)
                    print(said, file=sys.stderr)
                elif function in (launch, restart):
                    skip_rest = 'lookout did not start'
            tap.flush()
    finally:
        app = state.get('app')
        if app is not None:
            app.kill()
        shutil.rmtree(state['data_dir'], ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
