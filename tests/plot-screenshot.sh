#!/bin/sh
# Makes data/screenshots/plot.png: a few days of synthetic results for
# several targets (gen-history, through the real store), drawn by the plot
# widgets under Xvfb.  Usage: tests/plot-screenshot.sh [BUILDDIR] [OUTPUT]
set -eu
build=${1:-_build}
out=${2:-data/screenshots/plot.png}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$build/tests/gen-history" "$tmp/lookout.db" 4
GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
  xvfb-run -a -s '-screen 0 1280x1200x24' \
  "$build/tests/plot-screenshot" --png "$out" "$tmp/lookout.db"
echo "wrote $out"
