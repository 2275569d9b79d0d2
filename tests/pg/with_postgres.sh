#!/usr/bin/env bash
# with_postgres.sh CMD...
#
# Runs CMD against a throwaway PostgreSQL server: initdb in a fresh mktemp -d directory, the
# server listening on a Unix socket in that directory only (never TCP, never the system
# cluster), stopped and removed when CMD ends; exits with CMD's status. As root the server runs
# as nobody (initdb refuses root). CMD's environment gets:
#   ARENA_TEST_DATABASE  postgresql://arena@/postgres?host=<dir>  (superuser arena, trust auth)
#   ARENA_PG_STOP        a shell command: stops the server at once (pg_ctl stop -m immediate,
#                        a crash as the clients see it)
#   ARENA_PG_START       a shell command: starts it again with the same settings, waiting until
#                        it accepts connections (they live in its postgresql.conf, not on the
#                        command line)
#   ARENA_PG_DIR         the directory (the socket, data/ and server.log)
# Run the two commands through a shell: system(getenv("ARENA_PG_STOP")) in C,
# subprocess.run(os.environ["ARENA_PG_STOP"], shell=True, check=True) in Python.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: with_postgres.sh CMD..." >&2; exit 2; }

bindir=
if command -v pg_config >/dev/null 2>&1; then
    bindir=$(pg_config --bindir)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ]; then
    bindir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
        sort -V | tail -n 1)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ] || [ ! -x "$bindir/initdb" ]; then
    echo "with_postgres.sh: no PostgreSQL server binaries (install postgresql)" >&2
    exit 1
fi

# A run killed outright (SIGKILL, as CTest's timeout does) leaves its server behind, detached:
# stop those whose with_postgres.sh is gone. Only directories this script made (owner file).
for old in /tmp/arena-pg.*/; do
    [ -f "$old/owner" ] || continue
    owner=$(cat "$old/owner" 2>/dev/null || true)
    [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && continue
    if [ -f "$old/data/postmaster.pid" ]; then
        postmaster=$(head -n 1 "$old/data/postmaster.pid")
        [ -n "$postmaster" ] && kill -QUIT "$postmaster" 2>/dev/null || true
    fi
    rm -rf "$old"
done

# /tmp, not $TMPDIR: the socket's path must stay under the 107 bytes of sun_path.
dir=$(mktemp -d /tmp/arena-pg.XXXXXX)
echo $$ >"$dir/owner"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    chown nobody:nogroup "$dir"
    as_pg=(runuser -u nobody --)
fi
chmod 700 "$dir"
# pg_ctl and initdb want a current directory they can read: the test's may not be nobody's.
pg_ctl=$(printf '%q ' env -C "$dir" "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log")

cleanup() {
    local status=$?
    if [ -f "$dir/data/postmaster.pid" ]; then
        eval "$pg_ctl -m immediate stop" >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# A reader that went away (bash's own "Terminated" report into a closed pipe) must not kill
# the script before its cleanup; a trap, unlike an ignore, is not inherited by CMD.
trap 'exit 141' PIPE

if ! env -C "$dir" "${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U arena --no-sync \
    -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
    echo "with_postgres.sh: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
fi
cat >>"$dir/data/postgresql.conf" <<CONF
# with_postgres.sh: a Unix socket in $dir only. No fsync (the machine does not crash under a
# test), but synchronous_commit stays on: tests kill the server (ARENA_PG_STOP), and a commit
# it has answered must survive that.
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
CONF

export ARENA_PG_DIR=$dir
export ARENA_TEST_DATABASE="postgresql://arena@/postgres?host=$dir"
export ARENA_PG_STOP="$pg_ctl -m immediate stop"
export ARENA_PG_START="$pg_ctl -w -t 20 start"
if ! eval "$ARENA_PG_START" >/dev/null; then
    echo "with_postgres.sh: the server did not start; its log:" >&2
    cat "$dir/server.log" >&2 || true
    exit 1
fi

status=0
"$@" || status=$?
exit "$status"
