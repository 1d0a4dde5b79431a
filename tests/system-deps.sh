#!/usr/bin/env bash
# System packages the test suite needs: PostgreSQL server binaries (initdb, pg_ctl) for the
# throwaway clusters that tests/conftest.py starts, and Debian's Chromium for the browser
# tests (tests/e2e_ui; Playwright drives /usr/bin/chromium, it downloads no browser), and
# MariaDB's server (mariadb-install-db, mariadbd) for tests/fixtures/mariadb.py.
# Idempotent; run as root; quiet on success.
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
command -v chromium > /dev/null || missing+=(chromium)
command -v git > /dev/null || missing+=(git)  # projects from git (clone, git daemon)
command -v mariadbd > /dev/null || missing+=(mariadb-server)  # throwaway MariaDB (mysql marker)
command -v java > /dev/null || missing+=(openjdk-17-jre-headless)  # local Spark (spark_udf tests)
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    # Not root: say what is missing; those tests fail or skip.
    echo "tests/system-deps.sh: missing ${missing[*]}; run this script as root to install" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq > /dev/null
mkdir -p /usr/share/man/man1  # openjdk's post-install step needs it on slim images
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || {
    echo "tests/system-deps.sh: installed postgresql but found no initdb" >&2
    exit 1
}
command -v chromium > /dev/null || {
    echo "tests/system-deps.sh: installed chromium but found no chromium" >&2
    exit 1
}
