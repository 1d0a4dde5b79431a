"""Print the command tree of ``mlflow`` or ``heron`` (the argument) as one JSON line:
``{"experiments create": {"params": [...]}, ...}``, the root group under ``""``."""

from __future__ import annotations

import json
import sys
from typing import Any

import click


def _default(param: click.Parameter) -> Any:
    value = param.default
    if value is None or type(value).__name__ == "Sentinel" or callable(value):
        return False if getattr(param, "is_flag", False) else None
    if isinstance(value, (tuple, list)):
        return list(value) or None
    return value


def _param(param: click.Parameter) -> dict[str, Any]:
    envvar = param.envvar
    return {
        "name": param.name,
        "kind": "option" if isinstance(param, click.Option) else "argument",
        "opts": [*param.opts, *param.secondary_opts],
        "default": _default(param),
        "envvars": [envvar] if isinstance(envvar, str) else list(envvar or ()),
        "flag": bool(getattr(param, "is_flag", False)),
        "multiple": param.multiple,
        "nargs": param.nargs,
        "refused": type(param).__name__ == "RefusedOption",
    }


def _walk(command: click.Command, path: list[str], out: dict[str, Any]) -> None:
    out[" ".join(path)] = {"params": [_param(p) for p in command.params]}
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                _walk(sub, [*path, name], out)


def main() -> None:
    """Walk the named program's click tree and print it."""
    if sys.argv[1] == "mlflow":
        from mlflow.cli import cli
    else:
        from heron.cli.main import cli
    tree: dict[str, Any] = {}
    _walk(cli, [], tree)
    print(json.dumps(tree))


if __name__ == "__main__":
    main()
