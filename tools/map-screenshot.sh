#!/bin/sh
# Takes data/screenshots/map.png: the map with located targets in several
# states, tiles and locations served from loopback (synthetic tiles), under
# a virtual X display.
# Usage: tools/map-screenshot.sh [BUILD_DIR] [OUTPUT.png]
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/_build}
output=${2:-$src/data/screenshots/map.png}
program="$build/tests/map-screenshot"

for tool in xvfb-run dbus-run-session import; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is needed" >&2; exit 1; }
done
[ -x "$program" ] || { echo "$0: build $program first" >&2; exit 1; }

export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1
# A private session bus (dbus-run-session below): whatever GTK starts on
# it, such as the document portal, ends with it.
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data"
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export XDG_CACHE_HOME="$cache"

# The window's size on a screen of the same size: the root window is the window.
timeout -k 5 90 xvfb-run -a -s '-screen 0 1100x720x24' dbus-run-session -- sh -c '
  fifo="$1/ready"; mkfifo "$fifo"
  "$2" > "$fifo" & pid=$!
  read -r line < "$fifo"
  [ "$line" = ready ] || { kill $pid; exit 1; }
  import -window root "$3"
  kill $pid
' sh "$cache" "$program" "$output"
echo "wrote $output"
