#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The layering rule of src/, as a test.

    model <- net <- probes <- store <- analysis / alerts / geo <- engine
          <- api / agents <- front ends (gui, agent)

Every #include "..." in src/ is resolved to the file it names (headers are
included by bare name; each folder is on the include path) and must point to
the same layer or one below.  Peers on one floor (analysis, alerts, geo; api,
agents; gui, agent) do not include each other.  A *-private.h header is
included only from its own folder.  Nothing in src/core includes a GTK, GDK,
GSK, libadwaita or libshumate header.

Run as `check-layering.py SRCDIR` it prints TAP, one test per folder, naming
each file and include that breaks the rule.  `--self-test` first checks the
checker against small trees it writes, one of them with each kind of break.
"""

import os
import re
import sys
import tempfile

# Folder (relative to src/) -> floor.  Folders on one floor are peers.
FLOORS = {
    "core/model": 0,
    "core/net": 1,
    "core/probes": 2,
    "core/store": 3,
    "core/analysis": 4,
    "core/alerts": 4,
    "core/geo": 4,
    "core": 5,
    "core/api": 6,
    "core/agents": 6,
    "gui": 7,
    "agent": 7,
}

GUI_HEADER = re.compile(r"^(gtk|gdk|gsk|adwaita|shumate)[/.]")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def folder_of(relpath):
    """The layered folder a file under src/ belongs to, or None."""
    directory = "/".join(relpath.split(os.sep)[:-1])
    if directory in FLOORS:
        return directory
    # src/gui/plot belongs to gui; a new folder in src/core needs its own floor.
    top = directory.split("/")[0]
    return top if top in FLOORS and top != "core" else None


def check_tree(src):
    """Returns ({folder: [problem, ...]}, [problem outside any folder])."""
    headers = {}
    files = []
    for root, _dirs, names in os.walk(src):
        for name in names:
            if not name.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(root, name), src)
            files.append(rel)
            if name.endswith(".h"):
                headers.setdefault(name, []).append(rel)

    problems = {folder: [] for folder in FLOORS}
    stray = []
    for rel in sorted(files):
        folder = folder_of(rel)
        if folder is None:
            stray.append(f"src/{rel}: not in a layered folder; add its folder to FLOORS "
                         "in tests/check-layering.py")
            continue
        with open(os.path.join(src, rel), encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
        for lineno, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            quote, name = m.groups()
            where = f"src/{rel}:{lineno}: #include {quote}{name}{'>' if quote == '<' else quote}"
            if folder.startswith("core") and GUI_HEADER.match(name):
                problems[folder].append(f"{where}: src/core must build without GTK")
                continue
            if quote == "<":
                continue
            found = headers.get(os.path.basename(name))
            if not found:
                continue  # generated (config.h, marshallers, resources)
            if len(found) > 1:
                problems[folder].append(f"{where}: names {len(found)} headers: {', '.join(found)}")
                continue
            target = found[0]
            tfolder = folder_of(target)
            if tfolder is None or tfolder == folder:
                continue
            if FLOORS[tfolder] > FLOORS[folder]:
                problems[folder].append(
                    f"{where}: points up from {folder} to src/{target} in {tfolder}")
            elif FLOORS[tfolder] == FLOORS[folder]:
                problems[folder].append(
                    f"{where}: {folder} and {tfolder} are peers and do not include each other")
            elif target.endswith("-private.h"):
                problems[folder].append(
                    f"{where}: src/{target} is private to {tfolder}")
    return problems, stray


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def self_test():
    """Each case: a tree and the number of problems the checker must find."""
    base = {
        "core/model/lookout-target.h": "#include <glib.h>\n",
        "core/store/lookout-store.h": '#include "lookout-target.h"\n',
        "core/store/lookout-store-private.h": '#include "lookout-store.h"\n',
        "core/store/lookout-store.c": '#include "config.h"\n#include "lookout-store-private.h"\n',
        "core/alerts/lookout-alert-engine.h": '#include "lookout-store.h"\n',
        "core/geo/lookout-geo.h": '#include "lookout-target.h"\n',
        "core/lookout-monitor.h": '#include "lookout-geo.h"\n#include "lookout-alert-engine.h"\n',
        "gui/lookout-window.c": '#include <gtk/gtk.h>\n#include "lookout-monitor.h"\n',
    }
    cases = [
        ("a clean tree", {}, 0),
        ("an include up the stack",
         {"core/model/lookout-target.c": '#include "lookout-store.h"\n'}, 1),
        ("a GTK header in core",
         {"core/geo/lookout-geo.c": "#include <gtk/gtk.h>\n"}, 1),
        ("a libshumate header in core",
         {"core/lookout-monitor.c": "#include <shumate/shumate.h>\n"}, 1),
        ("peers including each other",
         {"core/geo/lookout-geo.c": '#include "lookout-alert-engine.h"\n'}, 1),
        ("another folder's private header",
         {"core/alerts/lookout-alert-engine.c": '#include "lookout-store-private.h"\n'}, 1),
        ("core including the GUI",
         {"core/lookout-monitor.c": '#include "lookout-window.h"\n',
          "gui/lookout-window.h": "#include <gtk/gtk.h>\n"}, 1),
        ("a file outside every layered folder",
         {"core/misc/lookout-thing.c": "#include <glib.h>\n"}, 1),
    ]
    results = []
    for title, extra, expected in cases:
        with tempfile.TemporaryDirectory() as tmp:
            write_tree(tmp, {**base, **extra})
            problems, stray = check_tree(tmp)
            found = sum(len(p) for p in problems.values()) + len(stray)
            results.append((found == expected,
                            f"self-test: {title} gives {expected} problem(s)",
                            [] if found == expected else [f"found {found}"]))
    return results


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    src = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "src")
    results = self_test() if "--self-test" in argv else []

    problems, stray = check_tree(src)
    for folder in FLOORS:
        if not os.path.isdir(os.path.join(src, folder)):
            continue
        results.append((not problems[folder], f"src/{folder} includes only its floor and below",
                        problems[folder]))
    results.append((not stray, "every source file is in a layered folder", stray))

    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, title, notes) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {title}")
        for note in notes:
            print(f"# {note}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
