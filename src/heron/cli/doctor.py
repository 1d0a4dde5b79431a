"""``heron doctor``: what to paste into a bug report (versions, URIs, settings), as
``mlflow doctor`` prints it."""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata

import click

from heron.cli.state import CliState, pass_state

_MASK = "***"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_PASSWORD_IN_URI = re.compile(r"(?<=://)([^/@:]*):[^/@]*@")


def _dependencies() -> dict[str, str]:
    """Installed versions of Heron's declared requirements (extras included when present)."""
    versions: dict[str, str] = {}
    for line in metadata.requires("heron") or []:
        found = _NAME.match(line)
        if found is None:
            continue
        name = found.group(0)
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return dict(sorted(versions.items(), key=lambda item: item[0].lower()))


def _environment(mask: bool) -> dict[str, str]:
    names = sorted(k for k in os.environ if k.startswith(("HERON_", "MLFLOW_")))
    return {name: _MASK if mask else os.environ[name] for name in names}


def _uri(uri: str, mask: bool) -> str:
    return _PASSWORD_IN_URI.sub(rf"\1:{_MASK}@", uri) if mask else uri


@click.command("doctor", short_help="Prints out useful information for debugging issues.")
@click.option(
    "--mask-envs",
    is_flag=True,
    help="Print HERON_* and MLFLOW_* environment variables as *** (and no password in URIs), "
    "so the output can be shared.",
)
@pass_state
def doctor(state: CliState, mask_envs: bool) -> None:
    """Print the system, Python and Heron versions, the tracking and registry URIs, the
    HERON_*/MLFLOW_* environment variables and the versions of Heron's dependencies.

    The output may hold secrets (a database password in a URI): use --mask-envs to share it.
    """
    from heron import config
    from heron.version import __version__

    tracking = config.tracking_uri(state.tracking_uri)
    items: list[tuple[str, str]] = [
        ("System information", f"{platform.system()} {platform.version()}"),
        ("Python version", platform.python_version()),
        ("Heron version", __version__),
        ("Heron module location", os.path.dirname(os.path.abspath(config.__file__))),
        ("Tracking URI", _uri(tracking, mask_envs)),
        ("Registry URI", _uri(config.registry_uri(None, tracking), mask_envs)),
    ]
    for title, values in (
        ("Environment variables", _environment(mask_envs)),
        ("Heron dependencies", _dependencies()),
    ):
        if values:
            items.append((title, "".join(f"\n  {k}: {v}" for k, v in values.items())))
    for key, value in items:
        click.secho(key, fg="blue", nl=False)
        click.echo(f":{value}" if value.startswith("\n") else f": {value}")
