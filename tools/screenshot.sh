#!/bin/sh
# Takes data/screenshots/main.png of the main window with a few loopback
# targets, under a virtual X display and a private D-Bus session.
# Usage: tools/screenshot.sh [BUILD_DIR] [OUTPUT.png]
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/_build}
output=${2:-$src/data/screenshots/main.png}

for tool in xvfb-run dbus-run-session import; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is needed" >&2; exit 1; }
done
[ -x "$build/src/gui/lookout" ] || { echo "$0: build lookout in $build first" >&2; exit 1; }

unset GTK_A11Y NO_AT_BRIDGE
export GDK_BACKEND=x11 GSK_RENDERER=cairo
export GSETTINGS_SCHEMA_DIR="$build/data"

# Settings from a throw-away key file: new targets are checked every second
# and count as down after one failure, so the first checks show.
config=$(mktemp -d)
trap 'rm -rf "$config"' EXIT
mkdir -p "$config/glib-2.0/settings"
cat > "$config/glib-2.0/settings/keyfile" <<KEYS
[io/github/lookoutapp/Lookout]
default-interval=uint32 1
default-timeout=uint32 2000
default-fail-threshold=uint32 1
KEYS
export XDG_CONFIG_HOME="$config" GSETTINGS_BACKEND=keyfile

# The window's default size (1100×720) on a screen of the same size, so
# the root window is the window.
timeout -k 5 180 xvfb-run -a -s '-screen 0 1100x720x24' \
  dbus-run-session -- /usr/bin/python3 "$src/tests/ui/screenshot.py" "$build/src/gui/lookout" "$output"
