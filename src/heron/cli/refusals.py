"""MLflow options that make no sense in Heron, accepted by the parser only to be refused.

``mlflow server --gunicorn-opts ...`` run as ``heron server --gunicorn-opts ...`` stops with
``Error: --gunicorn-opts is not supported by Heron: <why and what to use instead>`` (exit 2)
instead of click's bare "No such option". The options are hidden from ``--help``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: Why, for the options refused for the same reason.
GUNICORN = "Heron serves with uvicorn; pass server options with --uvicorn-opts."
TRACING = "traces (GenAI tracing) are outside Heron's scope."
GATEWAY = "Heron has no AI gateway, so it keeps no gateway secrets."
WORKSPACES = "Heron has no workspaces: one server holds one set of experiments and models."
PROMETHEUS = "Heron exports no Prometheus metrics; monitor GET /health instead."
JOBS = "Heron keeps no jobs (MLflow's GenAI job store), so there are none to delete."


class RefusedOption(click.Option):
    """An option whose use is an error naming the reason (its absence, or an accepted
    value, is fine).

    Args:
        param_decls: The option's names, as for :class:`click.Option`.
        reason: Why Heron refuses it (ends the error message).
        accepted: Values that mean "nothing to do" and are let through (e.g. a default).
        **kwargs: Passed to :class:`click.Option`.
    """

    def __init__(
        self,
        param_decls: Sequence[str],
        *,
        reason: str,
        accepted: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("hidden", True)
        super().__init__(param_decls, expose_value=False, callback=self._refuse, **kwargs)
        self.reason = reason
        self.accepted = tuple(accepted)

    def _refuse(self, ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or value is False or value == () or value in self.accepted:
            return
        name = self.opts[0]
        if self.is_flag and self.secondary_opts:
            name = self.opts[0] if value else self.secondary_opts[0]
        raise click.UsageError(f"{name} is not supported by Heron: {self.reason}", ctx)


def refused_option(*param_decls: str, reason: str, **kwargs: Any) -> Callable[[F], F]:
    """Decorator adding a :class:`RefusedOption` to a command.

    Args:
        *param_decls: The option's names (``"--gunicorn-opts"``).
        reason: Why Heron refuses it.
        **kwargs: :class:`RefusedOption` / :class:`click.Option` arguments (``is_flag``,
            ``accepted``, ``help``...).
    """
    return click.option(*param_decls, cls=RefusedOption, reason=reason, **kwargs)
