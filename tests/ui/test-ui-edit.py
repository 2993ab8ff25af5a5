#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Editing in the Add Target dialog of the real `lookout` binary, through the
# AT-SPI tree: a tag and a maintenance window (read back in words before
# adding) that the search finds and the target page's plot key names, both
# still there after a restart; and HTTP basic authentication against a
# loopback server that requires it: down with the 401 in words for a wrong
# password, up once the right one is given, and up again after a restart,
# the password kept in the keyring (libsecret's file backend, the test's
# own file). Run by run-ui-test.sh; prints TAP.

import base64
import http.server
import importlib.util
import os
import threading

_spec = importlib.util.spec_from_file_location(
    'lookout_ui', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-ui.py'))
ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ui)

from gi.repository import Atspi  # noqa: E402

ui.tests.clear()
state = ui.state
step = ui.step

GOOD = 'Basic ' + base64.b64encode(b'alice:s3cret pass').decode()
MAINTENANCE_WORDS = 'every Sunday 02:00–03:00'


answered = {'good': 0, 'refused': 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get('Authorization') == GOOD:
            answered['good'] += 1
            self.send_response(200)
            body = b'fine'
        else:
            answered['refused'] += 1
            self.send_response(401)
            self.send_header('WWW-Authenticate', 'Basic realm="Lookout test"')
            body = b'who are you?'
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def field(dialog, name):
    """The text field named @name, or named by a row title that begins so."""
    dialog.clear_cache()
    return next((n for n in ui.find_all(dialog, role=ui.TEXT, showing=True)
                 if ui.accessible_name(n) == name or (n.get_name() or '').startswith(name + ' ')
                 or (n.get_name() or '').startswith(name + ',')), None)


def set_field(dialog, name, text):
    try:
        found = ui.wait_for('the “%s” field' % name, lambda: field(dialog, name), timeout=5)
    except ui.Failure as e:
        raise ui.Failure('%s; the fields: %s' % (e, [n.get_name() for n in ui.find_all(dialog, role=ui.TEXT)]))
    found.get_editable_text_iface().set_text_contents(text)


def label_with(root, text):
    root.clear_cache()
    return next((label for label in ui.find_all(root, role=ui.LABEL, showing=True)
                 if text in (label.get_name() or '')), None)


def confirm(dialog_name, button):
    app = state['app']
    dialog = app.window(dialog_name)
    press = ui.find(dialog, button, ui.BUTTON)
    ui.wait_for('“%s” to be usable' % button, lambda: ui.is_sensitive(press))
    ui.click(press)
    ui.wait_for('the dialog to close', lambda: not any(w.get_name() == dialog_name for w in ui.children(app.root)))


def show_only(main, search):
    """Searches for @search, which leaves one row, selected: its page shows."""
    if 'searching' not in state:
        ui.click(ui.wait_for('the “Find Targets” button', lambda: ui.find(main, 'Find Targets', ui.BUTTON)))
        state['searching'] = True
    entry = ui.wait_for('the search field',
                        lambda: ui.find(main, 'Search Targets', ui.TEXT) or ui.find(main, 'Search', ui.TEXT))
    entry.get_editable_text_iface().set_text_contents(search)


def row_state(main, name):
    main.clear_cache()
    item = ui.find(main, name, ui.LIST_ITEM)
    return (item.get_description() or '') if item is not None else ''


def set_number(dialog, name, value):
    spin = ui.wait_for('the “%s” spin button' % name,
                       lambda: next((n for n in ui.find_all(dialog, name, showing=True)
                                     if n.get_value_iface() is not None), None))
    spin.get_value_iface().set_current_value(value)


def has_action(node):
    action = node.get_action_iface()
    return action is not None and action.get_n_actions() > 0


def open_http_options(dialog):
    expander = ui.wait_for('the “HTTP Options” row to click',
                           lambda: next((n for n in ui.find_all(dialog, 'HTTP Options', showing=True)
                                         if has_action(n)), None))
    ui.click(expander)
    ui.wait_for('the “User name” field', lambda: field(dialog, 'User name'))


@step('launch with a keyring file and a server that wants a password')
def launch():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state['server'] = server
    state['url'] = 'http://127.0.0.1:%d/' % server.server_address[1]
    os.environ['SECRET_BACKEND'] = 'file'
    os.environ['SECRET_FILE_TEST_PATH'] = os.path.join(state['data_dir'], 'test.keyring')
    os.environ['SECRET_FILE_TEST_PASSWORD'] = 'lookout-ui-test'
    state['app'] = ui.App(state['data_dir'])
    state['app'].window('Lookout')


@step('a tag and a maintenance window typed in the dialog, the window read back in words')
def add_tagged():
    dialog, _ = ui.open_add_dialog(state['app'])
    set_field(dialog, 'Address', 'tcp://127.0.0.1:9')
    set_field(dialog, 'Name', 'Edge box')
    set_field(dialog, 'Tags', 'edge')
    set_field(dialog, 'Maintenance windows', 'every sundy 02:00-03:00')
    ui.wait_for('the dialog to say the day is wrong', lambda: label_with(dialog, '“sundy” is not a day'))
    if ui.is_sensitive(ui.find(dialog, 'Add', ui.BUTTON)):
        raise ui.Failure('“Add” is usable with a maintenance rule that cannot be read')
    set_field(dialog, 'Maintenance windows', 'every sunday 02:00-03:00')
    ui.wait_for('the preview “%s”' % MAINTENANCE_WORDS, lambda: label_with(dialog, MAINTENANCE_WORDS))
    confirm('Add Target', 'Add')


def check_tag_and_window():
    main = state['app'].window('Lookout')
    show_only(main, 'edge')

    def only_edge_box():
        main.clear_cache()
        names = [i.get_name() for i in ui.find_all(main, role=ui.LIST_ITEM, showing=True)
                 if i.get_name() and i.get_parent() is not None and
                 i.get_parent().get_role() == Atspi.Role.LIST and i.get_parent().get_name() == 'Targets']
        return names == ['Edge box']
    ui.wait_for('the search for the tag “edge” to show only “Edge box”', only_edge_box)
    ui.wait_for('the plot key “Maintenance window: %s”' % MAINTENANCE_WORDS,
                lambda: label_with(main, 'Maintenance window: ' + MAINTENANCE_WORDS))


@step('the search finds the tag and the plot key names the window')
def tagged_shown():
    check_tag_and_window()


@step('basic auth with a wrong password: down, the 401 in words')
def wrong_password():
    dialog, _ = ui.open_add_dialog(state['app'])
    set_field(dialog, 'Address', state['url'])
    set_field(dialog, 'Name', 'Private site')
    # checked every 2 s, down at the first failure
    set_number(dialog, 'Timeout', 2)
    set_number(dialog, 'Interval', 2)
    set_number(dialog, 'Failures before down', 1)
    open_http_options(dialog)
    set_field(dialog, 'User name', 'alice')
    set_field(dialog, 'Password', 'guess')
    confirm('Add Target', 'Add')
    main = state['app'].window('Lookout')
    show_only(main, 'private')
    ui.wait_for('“Private site” to be down', lambda: row_state(main, 'Private site').startswith('Down'))
    ui.wait_for('the 401 said in words',
                lambda: label_with(main, 'the server refused the user name “alice” or its password'))


@step('the right password given in Edit Target: up')
def right_password():
    main = state['app'].window('Lookout')
    ui.click(ui.wait_for('a usable “Edit Target” button',
                         lambda: next((b for b in ui.find_all(main, 'Edit Target', ui.BUTTON, showing=True)
                                       if ui.is_sensitive(b)), None)))
    dialog = state['app'].window('Edit Target')
    open_http_options(dialog)
    set_field(dialog, 'Password', 's3cret pass')
    confirm('Edit Target', 'Save')
    ui.wait_for('“Private site” to be up', lambda: row_state(main, 'Private site').startswith('Up'))


@step('after a restart: the tag, the window, and the password from the keyring')
def restart():
    state['app'].kill()
    state.pop('searching', None)
    before = dict(answered)
    state['app'] = ui.App(state['data_dir'])
    check_tag_and_window()
    main = state['app'].window('Lookout')
    show_only(main, 'private')
    # checked afresh with the password the keyring gave back, never refused
    ui.wait_for('a check with the right password after the restart',
                lambda: answered['good'] >= before['good'] + 2)
    ui.wait_for('“Private site” to be up with the kept password',
                lambda: row_state(main, 'Private site').startswith('Up'))
    if answered['refused'] != before['refused']:
        raise ui.Failure('the server refused %d checks after the restart'
                         % (answered['refused'] - before['refused']))


if __name__ == '__main__':
    import sys
    sys.exit(ui.main())
