#!/usr/bin/env bash
# Start a real Ralph LRS (filesystem backend) in the FOREGROUND on 127.0.0.1.
#
#   ralph-server.sh DIR PORT USER PASSWORD
#
# DIR       Ralph's app dir; auth.json, history.json and the statement store
#           (DIR/fs_lrs.jsonl) all live here. Created if missing.
# PORT      TCP port on 127.0.0.1.
# USER/PASSWORD  HTTP basic credentials, scope "all" (read + write).
#
# The script ends by exec-ing the server, so the PID the harness spawned IS the
# server: kill that PID to stop it. Nothing is printed on stdout by this script;
# Ralph/uvicorn log to stderr. Install first with tests/support/install-lrs.sh.
# Ready when GET http://127.0.0.1:PORT/__heartbeat__ returns 200.
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 DIR PORT USER PASSWORD" >&2
  exit 64
fi
DIR="$1" PORT="$2" LRS_USER="$3" LRS_PASSWORD="$4"

TOOLS="${SILENT_SLAVERY_TOOLS:-$HOME/.cache/silent-slavery-tools}"
VENV="$TOOLS/ralph-venv"
if [ ! -x "$VENV/bin/ralph" ]; then
  echo "ralph-server.sh: Ralph is not installed in $VENV; run tests/support/install-lrs.sh" >&2
  exit 69
fi
case "$PORT" in ''|*[!0-9]*) echo "ralph-server.sh: PORT must be a number, got '$PORT'" >&2; exit 64;; esac

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

# Everything Ralph reads or writes goes under DIR; clear any RALPH_* settings
# inherited from the caller so the run is reproducible.
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
# Ralph reads ./.env; run from DIR so a stray .env elsewhere is never picked up.
cd "$DIR"

# Fresh credentials file (`ralph auth -w` appends, and a duplicate user breaks it).
rm -f "$RALPH_AUTH_FILE"
"$VENV/bin/ralph" auth \
  -u "$LRS_USER" -p "$LRS_PASSWORD" -s all \
  -M "mailto:$LRS_USER@lrs.test.invalid" -N "$LRS_USER" \
  -w >/dev/null 2>"$DIR/ralph-auth.log" || {
  echo "ralph-server.sh: 'ralph auth' failed:" >&2
  cat "$DIR/ralph-auth.log" >&2
  exit 1
}

exec "$VENV/bin/ralph" runserver -b fs -h 127.0.0.1 -p "$PORT" \
  --fs-default-directory-path "$DIR"
