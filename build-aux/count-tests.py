#!/usr/bin/python3
# Counts the results of a meson test run, TAP subtests one by one, and prints
# the closing line CI reads: "N passed, N failed, N skipped".
import json
import re
import sys

TAP_RESULT = re.compile(r'^(not ok|ok)\b(.*)$')


def count(log_path):
    passed = failed = skipped = 0
    with open(log_path, encoding='utf-8') as log:
        for line in log:
            line = line.strip()
            if not line:
                continue
            entry = json.loads(line)
            result = entry.get('result', 'ERROR')
            output = entry.get('stdout') or ''
            tap = [TAP_RESULT.match(l) for l in output.splitlines()]
            tap = [m for m in tap if m]
            if tap:
                bad = 0
                for m in tap:
                    verdict, rest = m.group(1), m.group(2)
                    directive = rest.split('#', 1)[1].strip().upper() if '#' in rest else ''
                    if directive.startswith('SKIP'):
                        skipped += 1
                    elif verdict == 'ok' or directive.startswith('TODO'):
                        passed += 1
                    else:
                        failed += 1
                        bad += 1
                # A crash after the last subtest still fails the program.
                if result in ('FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS') and bad == 0:
                    failed += 1
            elif result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1
    return passed, failed, skipped


def main():
    try:
        passed, failed, skipped = count(sys.argv[1])
    except (OSError, ValueError) as err:
        print(f'could not read the test log: {err}', file=sys.stderr)
        print('0 passed, 1 failed')
        return 1
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or passed == 0 else 0


sys.exit(main())
