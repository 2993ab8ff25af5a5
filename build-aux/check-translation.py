#!/usr/bin/python3
# Checks the translations in po/ against the current sources, as TAP.
#
# For every language in po/LINGUAS: its .po file compiles with
# `msgfmt --check` (format directives, plural forms, header) and keeps its
# mnemonics (`--check-accelerators=_`). For every language named with
# --complete: the strings extracted afresh from po/POTFILES.in, with the same
# xgettext options as meson's glib preset, are all translated and none is
# fuzzy; each one that is not is reported with its place in the sources.
#
# Usage: check-translation.py --source-root DIR [--complete LL]...
#        [--xgettext PATH] [--msgmerge PATH] [--msgfmt PATH]
import argparse
import os
import re
import subprocess
import sys
import tempfile

# meson's i18n.gettext(preset: 'glib') passes these to xgettext.
GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format', '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format',
]

TAP = []


def result(ok, description, diagnostics=(), notes=()):
    """A subtest; its diagnostics are shown when it fails, its notes always."""
    TAP.append((ok, description, ([] if ok else list(diagnostics)) + list(notes)))


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def unquote(text):
    """The value of a run of PO string literals."""
    out = []
    for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', text):
        out.append(re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)),
                          literal))
    return ''.join(out)


def entries(po_text):
    """(locations, context, msgid, msgstrs, fuzzy, obsolete) for each entry."""
    for block in re.split(r'\n\s*\n', po_text):
        lines = block.strip().split('\n')
        obsolete = all(l.startswith('#~') for l in lines if l)
        if obsolete:
            lines = [l[2:].lstrip() for l in lines]
        locations, fuzzy, fields, current = [], False, {}, None
        for line in lines:
            if line.startswith('#:'):
                locations += line[2:].split()
            elif line.startswith('#,'):
                fuzzy = fuzzy or 'fuzzy' in line[2:].replace(',', ' ').split()
            elif line.startswith('#'):
                continue
            elif line.startswith('"') and current:
                fields[current] += line
            else:
                m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(.*)', line)
                if m:
                    current = m.group(1)
                    fields[current] = m.group(2)
        if 'msgid' not in fields:
            continue
        msgid = unquote(fields['msgid'])
        if msgid == '' and 'msgctxt' not in fields:
            continue  # the header
        ctx = unquote(fields['msgctxt']) if 'msgctxt' in fields else None
        msgstrs = [unquote(v) for k, v in sorted(fields.items()) if k.startswith('msgstr')]
        yield locations, ctx, msgid, msgstrs, fuzzy, obsolete


def show(ctx, msgid):
    text = msgid if len(msgid) <= 70 else msgid[:67] + '...'
    text = text.replace('\n', '\\n')
    return f'“{text}”' + (f' (context “{ctx}”)' if ctx else '')


def extract(args, workdir):
    """A fresh template from the sources in po/POTFILES.in, as meson makes it."""
    pot = os.path.join(workdir, 'fresh.pot')
    proc = run([args.xgettext, '--package-name=lookout', '-f', os.path.join('po', 'POTFILES.in'),
                '-D', args.source_root, '-k_', '-o', pot] + GLIB_PRESET,
               cwd=args.source_root)
    warnings = [l for l in proc.stderr.splitlines() if 'warning' in l]
    return (pot if proc.returncode == 0 else None), proc.stderr.splitlines(), warnings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--source-root', required=True)
    parser.add_argument('--complete', action='append', default=[])
    parser.add_argument('--xgettext', default='xgettext')
    parser.add_argument('--msgmerge', default='msgmerge')
    parser.add_argument('--msgfmt', default='msgfmt')
    args = parser.parse_args()

    podir = os.path.join(args.source_root, 'po')
    with open(os.path.join(podir, 'LINGUAS'), encoding='utf-8') as f:
        linguas = [w for line in f for w in line.split('#')[0].split()]

    result(len(linguas) > 0, 'po/LINGUAS names at least one language')
    for lang in args.complete:
        result(lang in linguas, f'{lang}, which must be complete, is in po/LINGUAS')

    for lang in linguas:
        po = os.path.join(podir, lang + '.po')
        if not os.path.exists(po):
            result(False, f'{lang}.po compiles with msgfmt --check', [f'po/{lang}.po does not exist'])
            continue
        proc = run([args.msgfmt, '--check', '--check-accelerators=_', '-o', os.devnull, po])
        result(proc.returncode == 0, f'{lang}.po compiles with msgfmt --check --check-accelerators',
               proc.stderr.splitlines())
        # Desktop-file lists (Keywords=) must end with ';' in every language.
        with open(po, encoding='utf-8') as f:
            lists = [(ctx, msgid) for _, ctx, msgid, msgstrs, _, obsolete in entries(f.read())
                     if not obsolete and msgid.endswith(';')
                     and any(s and not s.endswith(';') for s in msgstrs)]
        result(not lists, f'{lang}.po ends each translated list with “;”',
               [f'translation does not end with “;”: {show(c, m)}' for c, m in lists])

    with tempfile.TemporaryDirectory() as workdir:
        pot, xgettext_output, warnings = extract(args, workdir)
        result(pot is not None, 'xgettext extracts the strings of po/POTFILES.in', xgettext_output)
        # A string xgettext cannot parse as a whole (e.g. a G_GINT64_FORMAT
        # spliced into it) reaches the .pot cut short and can never be translated.
        result(pot is not None and not warnings,
               'xgettext extracts every translatable string whole', warnings)

        for lang in args.complete:
            po = os.path.join(podir, lang + '.po')
            if pot is None or not os.path.exists(po):
                result(False, f'{lang}.po translates every string of the current sources',
                       ['no template or no .po file to compare'])
                continue
            merged = os.path.join(workdir, lang + '.po')
            proc = run([args.msgmerge, '--quiet', '-o', merged, po, pot])
            if proc.returncode != 0:
                result(False, f'{lang}.po translates every string of the current sources',
                       proc.stderr.splitlines())
                continue
            with open(merged, encoding='utf-8') as f:
                merged_entries = list(entries(f.read()))

            untranslated, fuzzy, stale = [], [], []
            for locations, ctx, msgid, msgstrs, is_fuzzy, obsolete in merged_entries:
                where = ', '.join(locations) or 'unknown place'
                if obsolete:
                    stale.append(f'no longer in the sources: {show(ctx, msgid)}')
                elif is_fuzzy:
                    fuzzy.append(f'{where}: changed string, translation needs review: {show(ctx, msgid)}')
                elif not msgstrs or any(s == '' for s in msgstrs):
                    untranslated.append(f'{where}: not translated: {show(ctx, msgid)}')

            live = sum(1 for e in merged_entries if not e[5])
            hint = [f'update with: ninja -C <builddir> lookout-update-po, then translate po/{lang}.po']
            # A stale entry is harmless at run time: reported, not failed.
            result(not untranslated,
                   f'{lang}.po translates every string of the current sources '
                   f'({live - len(untranslated) - len(fuzzy)} of {live})',
                   untranslated + hint, notes=stale)
            result(not fuzzy, f'{lang}.po has no fuzzy translation of a current string',
                   fuzzy + hint)

            proc = run([args.msgfmt, '--check', '--statistics', '-o', os.devnull, merged])
            result(proc.returncode == 0,
                   f'{lang}.po, merged with the current sources, compiles with msgfmt --check',
                   notes=proc.stderr.splitlines())

    print(f'1..{len(TAP)}')
    for number, (ok, description, diagnostics) in enumerate(TAP, 1):
        print(f'{"ok" if ok else "not ok"} {number} - {description}')
        for line in diagnostics:
            print(f'# {line}')
    return 0 if all(ok for ok, _, _ in TAP) else 1


if __name__ == '__main__':
    sys.exit(main())
