#!/usr/bin/env bash
# Install the test-only xAPI tooling OUTSIDE the repository work tree:
#   - Ralph LRS (PyPI ralph-malph[cli,lrs] + requests) into a virtualenv
#   - Learning Locker's xAPI validator (npm @learninglocker/xapi-validation)
# Idempotent: re-running with everything already installed does nothing.
# Quiet on success; on failure prints what went wrong (with the tool's log) to
# stderr and exits non-zero.
#
# Env:
#   SILENT_SLAVERY_TOOLS  install root (default: $HOME/.cache/silent-slavery-tools)
#   PYTHON                interpreter used to create the venv (default: python3; needs >= 3.9)
set -euo pipefail

RALPH_VERSION="5.1.0"
XAPI_VALIDATION_VERSION="3.0.0"
REQUESTS_SPEC="requests>=2.31,<3"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Exact versions of Ralph's dependencies (pip constraints file).
CONSTRAINTS="$HERE/ralph-constraints.txt"

TOOLS="${SILENT_SLAVERY_TOOLS:-$HOME/.cache/silent-slavery-tools}"
VENV="$TOOLS/ralph-venv"
VALIDATOR="$TOOLS/xapi-validation"
PYTHON="${PYTHON:-python3}"

die() { echo "install-lrs.sh: error: $*" >&2; exit 1; }

LOG="$(mktemp "${TMPDIR:-/tmp}/install-lrs.XXXXXX.log")"
trap 'rm -f "$LOG"' EXIT

run() { # run CMD... quietly; on failure show its output and return 1
  : >"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "install-lrs.sh: command failed: $*" >&2
    tail -n 60 "$LOG" >&2
    return 1
  fi
}

mkdir -p "$TOOLS" || die "cannot create $TOOLS"

# ---------------------------------------------------------------- Ralph (PyPI)
[ -f "$CONSTRAINTS" ] || die "missing $CONSTRAINTS"
# The stamp changes whenever the wanted Ralph version or constraints change.
STAMP_WANTED="ralph-malph==$RALPH_VERSION $REQUESTS_SPEC $(cksum <"$CONSTRAINTS" | cut -d' ' -f1)"
STAMP_FILE="$VENV/.silent-slavery-stamp"

ralph_ok() {
  [ -x "$VENV/bin/ralph" ] && [ -x "$VENV/bin/python" ] &&
    [ "$(cat "$STAMP_FILE" 2>/dev/null)" = "$STAMP_WANTED" ] &&
    RALPH_RUNSERVER_BACKEND=fs "$VENV/bin/python" - "$RALPH_VERSION" >/dev/null 2>&1 <<'PY'
import sys
from importlib.metadata import version
assert version("ralph-malph") == sys.argv[1]
import requests, uvicorn, fastapi, bcrypt, click  # lrs + cli extras present
import ralph.api  # the LRS app imports (with the fs backend)
PY
}

if ! ralph_ok; then
  command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found (set PYTHON=/path/to/python3.9+)"
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
    die "$PYTHON is older than 3.9; Ralph $RALPH_VERSION needs >= 3.9"
  if [ ! -x "$VENV/bin/python" ]; then
    rm -rf "$VENV"
    run "$PYTHON" -m venv "$VENV" ||
      die "could not create venv (on Debian system python: apt-get install python3-venv)"
  fi
  run "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    -c "$CONSTRAINTS" "ralph-malph[cli,lrs]==$RALPH_VERSION" "$REQUESTS_SPEC" ||
    die "pip could not install ralph-malph[cli,lrs]==$RALPH_VERSION (see output above)"
  printf '%s\n' "$STAMP_WANTED" >"$STAMP_FILE"
  ralph_ok || { "$VENV/bin/ralph" --version >&2 || true; die "Ralph installed but does not import/run correctly in $VENV"; }
fi

# ------------------------------------------------------- xAPI validator (npm)
validator_ok() {
  [ -f "$VALIDATOR/node_modules/@learninglocker/xapi-validation/package.json" ] &&
    node -e '
      const p = require(process.argv[1] + "/node_modules/@learninglocker/xapi-validation/package.json");
      if (p.version !== process.argv[2]) process.exit(1);
      const v = require(process.argv[1] + "/node_modules/@learninglocker/xapi-validation").default;
      if (typeof v !== "function") process.exit(1);
    ' "$VALIDATOR" "$XAPI_VALIDATION_VERSION" >/dev/null 2>&1
}

if ! validator_ok; then
  command -v node >/dev/null 2>&1 || die "node not found (Node >= 14 needed)"
  command -v npm >/dev/null 2>&1 || die "npm not found"
  mkdir -p "$VALIDATOR"
  # Our own package.json in the prefix: pins the validator and its two
  # dependencies exactly, and keeps npm from walking up to another project.
  cat >"$VALIDATOR/package.json" <<JSON
{
  "name": "silent-slavery-xapi-validation",
  "private": true,
  "dependencies": {
    "@learninglocker/xapi-validation": "$XAPI_VALIDATION_VERSION"
  },
  "overrides": {
    "rulr": "4.0.2",
    "lodash": "4.18.1"
  }
}
JSON
  rm -f "$VALIDATOR/package-lock.json"
  run npm install --prefix "$VALIDATOR" --no-audit --no-fund --loglevel=error ||
    die "npm could not install @learninglocker/xapi-validation@$XAPI_VALIDATION_VERSION (see output above)"
  validator_ok || die "@learninglocker/xapi-validation installed but cannot be loaded from $VALIDATOR"
fi
