#!/usr/bin/python3
# Every source file with a translatable string must be in po/POTFILES.in,
# and every file listed there must exist.
import os
import re
import sys

top = sys.argv[1]
MARK = re.compile(r'(?<![A-Za-z0-9_])(?:N?_|C_|NC_|g_dngettext|ngettext)\s*\(|translatable="yes"')
SCAN = ('src', 'resources', 'data')
EXTS = ('.c', '.ui', '.in', '.gschema.xml')

with open(os.path.join(top, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    listed = {l.strip() for l in f if l.strip() and not l.startswith('#')}

problems = []
for path in sorted(listed):
    if not os.path.exists(os.path.join(top, path)):
        problems.append(f'po/POTFILES.in lists {path}, which does not exist')

for base in SCAN:
    for root, _, files in os.walk(os.path.join(top, base)):
        for name in files:
            if not name.endswith(EXTS):
                continue
            path = os.path.relpath(os.path.join(root, name), top)
            with open(os.path.join(top, path), encoding='utf-8', errors='replace') as f:
                if MARK.search(f.read()) and path not in listed:
                    problems.append(f'{path} has translatable strings but is not in po/POTFILES.in')

print('1..1')
if problems:
    for p in problems:
        print('# ' + p)
    print('not ok 1 - POTFILES.in is complete')
    sys.exit(1)
print('ok 1 - POTFILES.in is complete')
