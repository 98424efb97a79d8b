#!/usr/bin/env bash
# Builds EasyCRM Social Connect and runs it on its embedded default: a local SQLite CRM
# database and the Sandbox provider, started here on 127.0.0.1:4010.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EASYCRM_BUILD_DIR:-$here/build}"

"$here/scripts/setup.sh"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target easycrm-social-connect

port=4010
sandbox_pid=""
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  # stdin stays open for the sandbox's lifetime: it exits when this script goes away.
  node "$here/sandbox/server.mjs" --port "$port" < <(tail -f /dev/null) &
  sandbox_pid=$!
  trap '[ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "Sandbox provider on http://127.0.0.1:$port (sign in as alice or bob, password: sandbox)"
fi

"$build/app/easycrm-social-connect" --sandbox-url "http://127.0.0.1:$port" "$@"
