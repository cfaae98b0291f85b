#!/bin/sh
# The unprivileged user the app runs as, uid and gid 10001, with no login
# shell, and /data, the one place it may write (for an SQLite database on
# a volume; PostgreSQL needs none).
#
# An optional argument names a root directory to work under instead of /,
# so that the step can be tried without adding a user to the machine.
set -eu
root="${1:-}"

groupadd ${root:+--prefix "$root"} --gid 10001 app
useradd ${root:+--prefix "$root"} --uid 10001 --gid 10001 \
  --home-dir /app --no-create-home --shell /usr/sbin/nologin app
install -d -o 10001 -g 10001 -m 0750 "$root/data"
