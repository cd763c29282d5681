#!/usr/bin/env bash
# Print the path of a Chromium the browser tests can drive (Debian's package: Playwright's own browser
# download cannot work without the internet). Installs it with apt-get when missing and this runs as root.
# Exit 1 with the reason on stderr when there is none; the tests then skip with that reason.
set -uo pipefail
find_chromium() {
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 1
}
if path=$(find_chromium); then echo "$path"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "no Chromium installed and not root: run 'sudo apt-get install -y chromium'" >&2; exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "no Chromium installed and no apt-get to install it" >&2; exit 1
fi
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1; then
    echo "apt-get install chromium failed" >&2; exit 1
  fi
fi
find_chromium || { echo "chromium installed but not on PATH" >&2; exit 1; }
