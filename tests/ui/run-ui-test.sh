#!/bin/sh
# Runs the AT-SPI UI test of the real `lookout` binary in a private D-Bus
# session (the accessibility bus is started inside it on demand).
# Usage: run-ui-test.sh LOOKOUT_BINARY TEST_SCRIPT
set -u

lookout=$1
script=$2

if [ -z "${DISPLAY:-}" ]; then
  echo "1..0 # SKIP no X display: run the suite under xvfb-run"
  exit 0
fi
for tool in dbus-run-session timeout; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "1..0 # SKIP $tool is not installed"
    exit 0
  fi
done

if ! /usr/bin/python3 -c 'import gi; gi.require_version("Atspi", "2.0"); from gi.repository import Atspi' 2>/dev/null; then
  echo "1..0 # SKIP the AT-SPI client library is missing (Debian: python3-gi gir1.2-atspi-2.0)"
  exit 0
fi
if [ ! -e /usr/share/dbus-1/services/org.a11y.Bus.service ]; then
  echo "1..0 # SKIP the accessibility bus is not installed (Debian: at-spi2-core)"
  exit 0
fi

# The accessibility tree is what this test reads: never switch it off here.
unset GTK_A11Y NO_AT_BRIDGE
export GDK_BACKEND=x11
export GSETTINGS_BACKEND=memory

# Time-bounded as a whole, whatever hangs inside. The daemons the session
# starts print on stdout: TAP goes to descriptor 3, the rest to stderr.
exec timeout -k 5 "${LOOKOUT_UI_TEST_SECONDS:-120}" dbus-run-session -- /usr/bin/python3 "$script" "$lookout" 3>&1 1>&2
