#!/usr/bin/env bash
# System packages the test suite needs: PostgreSQL server binaries (initdb, pg_ctl) for the
# throwaway clusters that tests/conftest.py starts. Idempotent; run as root; quiet on success.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    # Not root: say what is missing; the PostgreSQL tests skip (and fail on CI).
    echo "tests/system-deps.sh: PostgreSQL is missing; run this script as root to install it" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq > /dev/null
apt-get install -y -qq --no-install-recommends postgresql > /dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || {
    echo "tests/system-deps.sh: installed postgresql but found no initdb" >&2
    exit 1
}
