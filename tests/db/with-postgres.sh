#!/usr/bin/env bash
# Runs the given test executables against a throwaway PostgreSQL server on loopback:
# initdb in a temporary directory, start on a free port, run, stop, remove.
# Exits 77 (ctest: skipped) when no PostgreSQL server binaries are installed, unless
# EASYCRM_REQUIRE_POSTGRES is set: scripts/test.sh installs the server, so there a missing one
# is a broken setup and must fail rather than read as a pass.
set -u

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir="$candidate"
done
if [ -z "$bindir" ]; then
    if [ -n "${EASYCRM_REQUIRE_POSTGRES:-}" ]; then
        echo "PostgreSQL server binaries not found under /usr/lib/postgresql (package postgresql)"
        exit 1
    fi
    echo "PostgreSQL server binaries not found; skipping"
    exit 77
fi

workdir="$(mktemp -d /tmp/easycrm-pg.XXXXXX)"
run_as=()
if [ "$(id -u)" = "0" ]; then
    # The server refuses to run as root.
    chown postgres "$workdir"
    run_as=(runuser -u postgres --)
fi

cleanup() {
    "${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$workdir"
}
trap cleanup EXIT

if ! "${run_as[@]}" "$bindir/initdb" -D "$workdir/data" -A trust -U postgres \
    >"$workdir/initdb.log" 2>&1; then
    cat "$workdir/initdb.log"
    exit 1
fi

started=""
for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    if "${run_as[@]}" "$bindir/pg_ctl" -D "$workdir/data" -w -t 30 -l "$workdir/server.log" \
        -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
        started=yes
        break
    fi
done
if [ -z "$started" ]; then
    cat "$workdir/server.log"
    exit 1
fi

export EASYCRM_TEST_DRIVER=postgres
export EASYCRM_TEST_PG_HOST=127.0.0.1
export EASYCRM_TEST_PG_PORT="$port"
export EASYCRM_TEST_PG_USER=postgres
export EASYCRM_TEST_PG_DATABASE=postgres

status=0
for test in "$@"; do
    echo "=== $(basename "$test") on PostgreSQL (port $port)"
    "$test" || status=1
done
exit $status
