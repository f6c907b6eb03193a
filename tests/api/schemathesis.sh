#!/usr/bin/env bash
# Property-based API testing with schemathesis (PyPI) against the demo server: every operation of the
# OpenAPI document at /api/openapi.json, with examples, boundary values and fuzzed input, as the
# administrator and as a district reporter. Passes when no answer is a server error and every answer
# has a documented status code, content type and body schema.
# Usage: tests/api/schemathesis.sh [path to the diaodu binary]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/diaodu}
if ! command -v st >/dev/null; then
  python3 -m pip install -q --disable-pip-version-check 'schemathesis==4.32.5'
fi
dir=$(mktemp -d)
port=$((19000 + RANDOM % 1000))
base="http://127.0.0.1:$port"
"$bin" --db "$dir/demo.db" serve --demo --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 150); do curl -sf "$base/login" >/dev/null && break; sleep 0.2; done
token() {
  curl -sf -XPOST "$base/api/v1/login" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"Diaodu@2026\"}" | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'
}
# The reporter first: the administrator's run may disable users or reset their passwords.
for user in yundong admin; do
  echo "--- schemathesis as $user"
  # Log-in and log-out are left out: fuzzing them would end the session or spend the throttle.
  st run "$base/api/openapi.json" -H "Authorization: Bearer $(token "$user")" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${ST_MAX_EXAMPLES:-25}" -w 1 --seed 20261205 \
    --exclude-path /api/v1/login --exclude-path /api/v1/logout
done
if grep -q "internal error" "$dir/server.log"; then
  echo "FATAL: the server logged internal errors:" >&2
  grep "internal error" "$dir/server.log" | head -20 >&2
  exit 1
fi
