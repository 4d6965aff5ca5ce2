#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then runs it.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k engine`).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The real-terminal tests drive the installed command inside tmux; the browser tests drive
# Debian's Chromium through playwright (which never downloads a browser of its own here).
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "${missing[*]} not installed and cannot be installed here: those tests will be skipped" >&2
  fi
fi

# Style and types first: a minute at most, and a failure here fails the run like a test.
.venv/bin/ruff check --quiet game tests bench scripts
.venv/bin/mypy --no-error-summary game

exec .venv/bin/python -m pytest "$@"
