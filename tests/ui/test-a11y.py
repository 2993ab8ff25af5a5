#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Opens every window and dialog of the real `lookout` binary (the main
# window, empty and with a target's page and the map, Add Target, every page
# of Preferences, Events, Keyboard Shortcuts, About) and walks each one's
# accessibility tree as a screen reader reads it. It fails on a control
# without a name (GTK falls back to the class name, "GtkButton"), a name
# said twice ("Add Add"), a mnemonic underscore in a name, and a list row
# that does not say its target's state.
# Run by run-ui-test.sh inside its own D-Bus session; prints TAP.

import importlib.util
import os
import sys

_spec = importlib.util.spec_from_file_location(
    'lookout_ui', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-ui.py'))
ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ui)

from gi.repository import Atspi, Gio, GLib  # noqa: E402

ROLE = Atspi.Role
CONTROLS = {
    ROLE.PUSH_BUTTON, ROLE.TOGGLE_BUTTON, ROLE.CHECK_BOX, ROLE.RADIO_BUTTON,
    ROLE.TEXT, ROLE.ENTRY, ROLE.PASSWORD_TEXT, ROLE.SPIN_BUTTON, ROLE.COMBO_BOX,
    ROLE.SLIDER, ROLE.LIST_ITEM, ROLE.MENU_ITEM, ROLE.CHECK_MENU_ITEM,
    ROLE.RADIO_MENU_ITEM, ROLE.LINK, ROLE.PAGE_TAB, ROLE.FRAME, ROLE.DIALOG,
}
# Names GTK 4.8 makes up from the class of an unnamed node.
TOOLKIT_PREFIXES = ('Gtk', 'Adw', 'Shumate', 'Lookout')
STATES = ('Up', 'Down', 'Degraded', 'Paused', 'Unknown')

tests = []
state = ui.state


def step(description):
    def register(function):
        tests.append((description, function))
        return function
    return register


def role_name(node):
    try:
        return node.get_role_name()
    except Exception:  # noqa: BLE001 - the node went away
        return '?'


def is_made_up(name):
    return any(name.startswith(p) and name[len(p):len(p) + 1].isupper() for p in TOOLKIT_PREFIXES) \
        and ' ' not in name


def is_repeated(name):
    words = name.split(' ')
    if len(words) % 2 == 0 and len(words) >= 2:
        half = len(words) // 2
        return words[:half] == words[half:]
    return False


def shown_nodes(node, depth=0):
    """The visible nodes under node, leaving out the closed pop-up of a combo box."""
    try:
        if not node.get_state_set().contains(ui.STATE.VISIBLE):
            return
        role = node.get_role()
    except Exception:  # noqa: BLE001 - the tree changed under us
        return
    yield node
    if role == ROLE.COMBO_BOX or depth > 40:
        return
    for child in ui.children(node):
        yield from shown_nodes(child, depth + 1)


def path_of(node):
    """The names of a node's ancestors, for a failure message."""
    names = []
    try:
        parent = node.get_parent()
        while parent is not None and len(names) < 4:
            names.append(parent.get_name() or role_name(parent))
            parent = parent.get_parent()
    except Exception:  # noqa: BLE001
        pass
    return ' < '.join(names)


def problems_of(window, where):
    """What a screen reader user would meet badly in the shown part of window."""
    found = []
    for node in shown_nodes(window):
        try:
            role = node.get_role()
            name = node.get_name() or ''
        except Exception:  # noqa: BLE001 - the tree changed under us
            continue
        # A scroll bar is named by what it scrolls in newer GTK; not ours.
        if role == ROLE.SCROLL_BAR:
            continue
        what = '%s “%s” in %s (%s)' % (role_name(node), name, where, path_of(node))
        if role in CONTROLS and (not name.strip() or is_made_up(name)):
            found.append('unnamed control: ' + what)
        elif is_repeated(name):
            found.append('name said twice: ' + what)
        elif role in CONTROLS and '_' in name and '://' not in name:
            found.append('underscore in name: ' + what)
    return found


def check(window, where):
    found = problems_of(window, where)
    if found:
        raise ui.Failure('\n'.join(found))


def activate(action, title):
    """Opens a window through the action its menu item activates (the same
    GAction, exported on the session bus by GApplication)."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    group, name = action.split('.', 1)
    path = '/io/github/lookoutapp/Lookout' + ('/window/1' if group == 'win' else '')
    bus.call_sync('io.github.lookoutapp.Lookout', path, 'org.gtk.Actions', 'Activate',
                  GLib.Variant('(sava{sv})', (name, [], {})), None, Gio.DBusCallFlags.NONE, 5000, None)
    return state['app'].window(title)


def settle(window):
    """Waits until the window's header bar (its Close button) is in the tree."""
    ui.wait_for('the window “%s” to be built' % window.get_name(),
                lambda: ui.find(window, 'Close', ui.BUTTON))


def close(window, title):
    close_button = ui.find(window, 'Close', ui.BUTTON)
    if close_button is None:
        raise ui.Failure('the window “%s” has no button named “Close”' % title)
    ui.click(close_button)
    ui.wait_for('“%s” to close' % title,
                lambda: not any(w.get_name() == title for w in ui.children(state['app'].root)))


@step('the main window, empty')
def main_empty():
    state['app'] = ui.App(state['data_dir'])
    main = state['app'].window('Lookout')
    ui.wait_for('the empty list introduction', lambda: ui.find(main, 'Add Example Targets', ui.BUTTON))
    check(main, 'the empty main window')


@step('the Add Target dialog')
def add_dialog():
    app = state['app']
    dialog, _ = ui.open_add_dialog(app)
    check(dialog, 'Add Target, empty')
    ui.click(ui.find(dialog, 'Cancel', ui.BUTTON))
    ui.wait_for('the dialog to close', lambda: not any(w.get_name() == 'Add Target' for w in ui.children(app.root)))
    dialog, _ = ui.open_add_dialog(app)
    ui.type_text(ui.ADDRESS)
    add = ui.find(dialog, 'Add', ui.BUTTON)
    ui.wait_for('“Add” to become usable', lambda: ui.is_sensitive(add))
    check(dialog, 'Add Target with an address')
    ui.click(add)
    ui.wait_for('the dialog to close', lambda: not any(w.get_name() == 'Add Target' for w in ui.children(app.root)))


@step('the main window with a target: its row says the state; its page and the map')
def main_with_target():
    # Started again: the accessibility tree read before the target was added
    # is not read afresh by the client otherwise.
    state['app'].kill()
    state['app'] = ui.App(state['data_dir'])
    main = state['app'].window('Lookout')
    def look():
        # GTK 4.8 does not say when a list view gets its rows: read afresh.
        main.clear_cache()
        # The rows of the target list only: the result view on the page
        # also has list items that name the address.
        targets = next((n for n in ui.find_all(main, 'Targets') if n.get_role() == ROLE.LIST), main)
        items = ui.find_all(targets, role=ui.LIST_ITEM)
        state['items'] = [(n.get_role_name(), n.get_name(), n.get_description()) for n in ui.walk(main)
                          if n.get_role() in (ROLE.LIST, ROLE.LIST_ITEM) or '127.0' in (n.get_name() or '')]
        return next((i for i in items if '127.0.0.1' in (i.get_name() or '')), None)
    try:
        item = ui.wait_for('a list item for the new target', look)
    except ui.Failure as e:
        raise ui.Failure('%s; the list items: %s' % (e, state.get('items')))
    said = '%s %s' % (item.get_name(), item.get_description())
    if not any(s in said for s in STATES):
        raise ui.Failure('the list item “%s” does not say the target\'s state' % said)
    ui.wait_for('the target page', lambda: ui.find(main, 'Edit Target', ui.BUTTON) or ui.find(main, 'Edit…', ui.BUTTON))
    check(main, 'the main window with a target')


# GTK 4.8 marks every page of a stack visible in the accessibility tree, so
# one walk of a window reads all its pages: the main window's introduction,
# target page, dashboard and map; each page of the preferences.

@step('Preferences, every page')
def preferences():
    window = activate('app.preferences', 'Preferences')
    settle(window)
    check(window, 'Preferences')
    close(window, 'Preferences')


@step('Events')
def events():
    window = activate('app.events', 'Events')
    settle(window)
    check(window, 'Events')
    close(window, 'Events')


@step('Keyboard Shortcuts')
def shortcuts():
    window = activate('win.show-help-overlay', 'Keyboard Shortcuts')
    settle(window)
    check(window, 'Keyboard Shortcuts')


@step('About')
def about():
    window = activate('app.about', 'About Lookout')
    settle(window)
    check(window, 'About')


if __name__ == '__main__':
    # The steps above replace test-ui.py's own; its runner prints the TAP.
    ui.tests[:] = tests
    sys.exit(ui.main())
