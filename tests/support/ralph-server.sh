#!/usr/bin/env bash
# Start a real Ralph LRS (filesystem backend) in the FOREGROUND on 127.0.0.1.
#
#   ralph-server.sh DIR PORT USER PASSWORD
#
# DIR            Ralph's app dir: auth.json, history.json and the statement
#                store DIR/fs_lrs.jsonl (one JSON statement per line) live here.
#                Created if missing. Use a fresh DIR per test for isolation.
# PORT           TCP port, bound on 127.0.0.1 only.
# USER PASSWORD  HTTP basic credentials, scope "all" (statements read + write).
#                The user's agent, used by Ralph as each statement's `authority`:
#                {"account":{"homePage":"https://lrs.example.org","name":USER},
#                 "objectType":"Agent","name":USER}
#
# The script exec's the server, so the PID the harness spawned IS the server
# (a single process, no children): SIGTERM or SIGKILL on that PID stops it and
# frees the port. The script prints nothing on stdout itself; Ralph and uvicorn
# log to stderr. Ready when GET http://127.0.0.1:PORT/__heartbeat__ answers 200
# (about 1.5-3.5 s after start on the 2-core CI machine).
#
# Why not plain `ralph runserver`: in ralph-malph 5.1.0 the fs LRS backend
# writes with operation type CREATE, so only the FIRST successful POST/PUT is
# stored; every later write that has something new to store fails with
# HTTP 500 ("Statements bulk indexation failed" / "Statement indexation
# failed") because fs_lrs.jsonl already exists. `ralph runserver` also runs
# uvicorn with reload=True, i.e. a supervisor plus a spawned worker; killing the
# supervisor with SIGKILL leaves the worker serving the port. So by default this
# script runs Ralph's own ASGI app (ralph.api:app, same code, same settings as
# runserver) under uvicorn directly, in one process, with the fs backend set to
# APPEND. Set SILENT_SLAVERY_RALPH_STOCK=1 to exec the unmodified
# `ralph runserver -b fs -h 127.0.0.1 -p PORT` instead (both problems return).
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 DIR PORT USER PASSWORD" >&2
  exit 64
fi
DIR="$1" PORT="$2" LRS_USER="$3" LRS_PASSWORD="$4"
case "$PORT" in ''|*[!0-9]*) echo "ralph-server.sh: PORT must be a number, got '$PORT'" >&2; exit 64;; esac

TOOLS="${SILENT_SLAVERY_TOOLS:-$HOME/.cache/silent-slavery-tools}"
VENV="$TOOLS/ralph-venv"
if [ ! -x "$VENV/bin/ralph" ] || [ ! -x "$VENV/bin/python" ]; then
  echo "ralph-server.sh: Ralph is not installed in $VENV; run tests/support/install-lrs.sh" >&2
  exit 69
fi

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

# Everything Ralph reads or writes goes under DIR. Drop RALPH_* settings
# inherited from the caller so that every run is configured the same way.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^RALPH_' || true)
export RALPH_APP_DIR="$DIR"
export RALPH_AUTH_FILE="$DIR/auth.json"
export RALPH_HISTORY_FILE="$DIR/history.json"
export RALPH_RUNSERVER_BACKEND=fs
export RALPH_RUNSERVER_HOST=127.0.0.1
export RALPH_RUNSERVER_PORT="$PORT"
export RALPH_RUNSERVER_AUTH_BACKENDS=basic
export RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH="$DIR"
export RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH="$DIR"
# Statements a page may hold (Ralph's default is 100): the scale bench asks for more.
if [ -n "${SILENT_SLAVERY_RALPH_PAGE_LIMIT:-}" ]; then
  export RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT="$SILENT_SLAVERY_RALPH_PAGE_LIMIT"
fi
# Ralph also reads ./.env: run from DIR so no stray .env is picked up.
cd "$DIR"

# Fresh credentials file (`ralph auth -w` appends to an existing one).
rm -f "$RALPH_AUTH_FILE"
AUTH_LOG="$(mktemp "${TMPDIR:-/tmp}/ralph-auth.XXXXXX")"
if ! "$VENV/bin/ralph" auth -u "$LRS_USER" -p "$LRS_PASSWORD" -s all \
      -A "$LRS_USER" "https://lrs.example.org" -N "$LRS_USER" -w \
      >"$AUTH_LOG" 2>&1; then
  echo "ralph-server.sh: 'ralph auth' failed:" >&2
  cat "$AUTH_LOG" >&2
  rm -f "$AUTH_LOG"
  exit 1
fi
rm -f "$AUTH_LOG"

if [ "${SILENT_SLAVERY_RALPH_STOCK:-0}" = 1 ]; then
  exec "$VENV/bin/ralph" runserver -b fs -h 127.0.0.1 -p "$PORT" \
    --fs-default-directory-path "$DIR"
fi

exec "$VENV/bin/python" -c '
import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
from ralph.conf import settings

# Append to DIR/fs_lrs.jsonl instead of refusing to touch an existing file.
FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run(
    "ralph.api:app",
    host="127.0.0.1",
    port=int(sys.argv[1]),
    log_config=settings.LOGGING,
    log_level="info",
)
' "$PORT"
