#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs it.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k engine`).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The real-terminal tests drive the installed command inside tmux.
if ! command -v tmux >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null
  else
    echo "tmux is not installed and cannot be installed here: the real-terminal tests will be skipped" >&2
  fi
fi

exec .venv/bin/python -m pytest "$@"
