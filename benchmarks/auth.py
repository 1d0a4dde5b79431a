"""Authentication overhead: the same tracking workload against ``heron server`` without and
with ``--app-name basic-auth``, reported as per-phase ratios (auth / plain: 1.00 = no cost).

Usage: python benchmarks/auth.py [--repeat R] [--runs N] [--steps S] [--calls C]

Runs the team's shared ``client_workload.py`` (the real ``mlflow`` client) against fresh
servers on SQLite, alternating plain and auth R times. With auth, the client signs in with
HTTP Basic as a non-admin user (default permission READ), so every request pays for
authentication and the permission check of its route (the creator's MANAGE grant, run ->
experiment lookups); admins would skip the checks. The user signs in once before the
measure: verifying a password (scrypt) costs tens of milliseconds once per process and
minute, not per request. Prints the median seconds of each phase
and ``server_cpu_s`` (the server's own CPU time, the cleanest figure on a shared machine).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shlex
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from servers import bench_dir, heron_command, load_compare_servers

ADMIN = ("admin", "bench-admin-password")
USER = ("bench", "bench-user-password")


def _create_user(url: str) -> None:
    body = json.dumps({"username": USER[0], "password": USER[1]}).encode()
    request = urllib.request.Request(url + "/api/2.0/mlflow/users/create", body, method="POST")
    token = base64.b64encode(f"{ADMIN[0]}:{ADMIN[1]}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request, timeout=30).close()


def _sign_in_once(url: str) -> None:
    request = urllib.request.Request(url + "/api/2.0/mlflow/experiments/search?max_results=1")
    token = base64.b64encode(f"{USER[0]}:{USER[1]}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    urllib.request.urlopen(request, timeout=30).close()


def run_once(auth: bool, args: argparse.Namespace) -> dict[str, Any]:
    """One server, one workload: the workload's phases and the server's CPU seconds."""
    shared = load_compare_servers()
    directory = tempfile.mkdtemp(prefix="auth-bench-")
    port = shared.free_port()
    command = heron_command().format(dir=directory, port=port)
    env = dict(os.environ)
    if auth:
        config = Path(directory) / "basic_auth.ini"
        config.write_text(
            f"[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///{directory}/a.db\n"
            f"admin_username = {ADMIN[0]}\nadmin_password = {ADMIN[1]}\n"
        )
        command += " --app-name basic-auth"
        env["HERON_AUTH_CONFIG_PATH"] = str(config)
    with open(Path(directory) / "server.log", "w") as log:
        process = subprocess.Popen(
            shlex.split(command), cwd=directory, stdout=log, stderr=subprocess.STDOUT,
            env=env, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        shared.wait_healthy(url, process)
        client_env = dict(os.environ)
        if auth:
            _create_user(url)
            _sign_in_once(url)  # the one scrypt verification per process, not per request
            client_env.update(MLFLOW_TRACKING_USERNAME=USER[0], MLFLOW_TRACKING_PASSWORD=USER[1])
        peers = Path(os.environ.get("HERON_PEERS_DIR", Path.home() / ".cache" / "heron-peers"))
        cpu = shared.session_cpu(process.pid)
        out = subprocess.run(
            [str(peers / "mlflow/bin/python"), str(bench_dir() / "client_workload.py"), url,
             "--runs", str(args.runs), "--steps", str(args.steps), "--calls", str(args.calls)],
            capture_output=True, text=True, timeout=1800, env=client_env, check=True,
        )  # fmt: skip
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        result["server_cpu_s"] = round(shared.session_cpu(process.pid) - cpu, 3)
        return result
    finally:
        os.killpg(process.pid, 15)
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    results: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for _ in range(args.repeat):
        for auth in (False, True):
            results[auth].append(run_once(auth, args))
            print(json.dumps({"auth": auth, **results[auth][-1]}), flush=True)
    phases = [k for k, v in results[False][0].items() if isinstance(v, (int, float))]
    print(f"\n{'phase':<22}{'plain s':>10}{'auth s':>10}{'auth/plain':>12}")
    for phase in phases:
        plain = statistics.median(r[phase] for r in results[False])
        secured = statistics.median(r[phase] for r in results[True])
        ratio = f"{secured / plain:.3f}" if plain else "-"
        print(f"{phase:<22}{plain:>10.3f}{secured:>10.3f}{ratio:>12}")


if __name__ == "__main__":
    main()
