#!/usr/bin/env bash
# Two diaodu instances on one PostgreSQL database behind Debian's nginx, with the deploy/ proxying
# rules: any instance serves any request, a write on one is seen at once on the other, background
# rounds run once, and a rolling restart under load loses no request. Called by .ci/run with the
# binary to test; needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and installs nginx.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-target/debug/diaodu}")
if ! command -v nginx >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
psql -h 127.0.0.1 -U postgres -d test -qc 'DROP DATABASE IF EXISTS diaodu_cluster' -c 'CREATE DATABASE diaodu_cluster'
db=postgres://postgres@127.0.0.1:5432/diaodu_cluster
DIAODU_FILES="$work/files" "$BIN" --db "$db" demo >/dev/null
DIAODU_BIN="$BIN" DIAODU_CLUSTER_DB="$db" CLUSTER_WORK="$work" REPO_ROOT="$PWD" \
  node --test tests/cluster/cluster.test.mjs
