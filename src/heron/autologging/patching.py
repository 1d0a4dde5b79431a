"""Reversible, failure-proof patches of library methods (``safe_patch``).

A patch function receives ``original`` (the unpatched method, bound to nothing) followed by
the caller's ``self`` and arguments, and returns what the caller should get. The wrapper
installed around it guarantees what MLflow's ``safe_patch`` guarantees:

- the user's call behaves as if unpatched when autologging is disabled, when ``exclusive`` is
  on and the user started the active run, and for calls nested in another patched call of the
  same integration;
- an exception raised by ``original`` reaches the caller unchanged; an exception raised by
  the logging code never does: it becomes a warning (a debug log when ``silent``) and the
  caller gets ``original``'s result (``original`` is called if the patch had not called it);
- with ``manage_run=True`` a run is started when none is active and ended when the call
  returns (``FINISHED``, or ``FAILED`` when ``original`` raised), tagged
  ``mlflow.autologging=<integration>``.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from heron.autologging.config import (
    autologging_globally_disabled,
    autologging_is_disabled,
    get_autologging_config,
)
from heron.autologging.session import AutologgingSession, active_session, open_session

_logger = logging.getLogger(__name__)

AUTOLOGGING_TAG = "mlflow.autologging"
"""The tag MLflow puts on runs an autologging integration created (value: its name)."""

_MISSING = object()


@dataclass
class _Patch:
    integration: str
    owner: type
    name: str
    original: Any  # what owner.__dict__[name] held, or _MISSING when it was inherited
    make: Callable[[Callable[..., Any]], Callable[..., Any]]  # wraps a function: reinstall


_patches_lock = threading.RLock()
_patches: list[_Patch] = []
_autolog_runs: set[str] = set()


class _OriginalCall:
    """``original`` as handed to a patch function: remembers whether and how it ran."""

    def __init__(self, function: Callable[..., Any]):
        self.function = function
        # Look like the function to inspect.signature and to code reading __name__.
        self.__wrapped__ = function
        self.__name__ = getattr(function, "__name__", "original")
        self.__qualname__ = getattr(function, "__qualname__", self.__name__)
        self.called = False
        self.result: Any = None
        self.error: BaseException | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.called = True
        try:
            self.result = self.function(*args, **kwargs)
        except BaseException as error:
            self.error = error
            raise
        return self.result


def report_failure(integration: str, message: str, error: BaseException | None = None) -> None:
    """Warn that autologging failed (a debug log instead when the integration is ``silent``).

    Args:
        integration: The flavor name.
        message: What failed.
        error: The exception, if any.
    """
    text = f"Encountered unexpected error during {integration} autologging: {message}"
    if error is not None:
        text = f"{text}: {type(error).__name__}: {error}"
    if get_autologging_config(integration, "silent", False):
        _logger.debug(text, exc_info=error)
    else:
        warnings.warn(text, stacklevel=3)


def _user_run_active() -> bool:
    from heron.tracking.fluent import active_run

    run = active_run()
    return run is not None and run.info.run_id not in _autolog_runs


def _should_skip(integration: str, nested: bool = False) -> bool:
    if autologging_globally_disabled() or autologging_is_disabled(integration):
        return True
    if active_session(integration) is not None and not nested:
        return True
    return bool(get_autologging_config(integration, "exclusive", False)) and _user_run_active()


def _start_managed_run(integration: str) -> str:
    from heron.tracking.fluent import start_run

    tags = {AUTOLOGGING_TAG: integration}
    tags.update(get_autologging_config(integration, "extra_tags", None) or {})
    run = start_run(tags=tags)
    _autolog_runs.add(run.info.run_id)
    return run.info.run_id


def _end_managed_run(run_id: str, failed: bool) -> None:
    from heron.tracking.fluent import active_run, end_run

    run = active_run()
    if run is not None and run.info.run_id == run_id:
        end_run("FAILED" if failed else "FINISHED")
    _autolog_runs.discard(run_id)


def _run_patch(
    integration: str,
    patch_function: Callable[..., Any],
    original: Callable[..., Any],
    manage_run: bool,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    from heron.tracking.fluent import active_run

    call = _OriginalCall(original)
    managed_run_id: str | None = None
    outer = active_session(integration)  # a nested patch shares the outer call's session
    with nullcontext(outer) if outer is not None else open_session(integration) as session:
        try:
            if manage_run and active_run() is None:
                managed_run_id = _start_managed_run(integration)
            run = active_run()
            session.run_id = run.info.run_id if run is not None else None
            result = patch_function(call, *args, **kwargs)
        except BaseException as error:
            if call.error is error:
                if managed_run_id is not None:
                    _end_managed_run(managed_run_id, failed=True)
                raise
            report_failure(integration, "logging failed", error)
            if call.called:
                result = call.result
            else:
                result = _call_unlogged(call, managed_run_id, args, kwargs)
        if managed_run_id is not None:
            _end_managed_run(managed_run_id, failed=False)
        return result


def _call_unlogged(
    call: _OriginalCall, managed_run_id: str | None, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    try:
        return call(*args, **kwargs)
    except BaseException:
        if managed_run_id is not None:
            _end_managed_run(managed_run_id, failed=True)
        raise


def _make_wrapper(
    integration: str,
    function: Callable[..., Any],
    patch_function: Callable[..., Any],
    manage_run: bool,
    nested: bool = False,
) -> Callable[..., Any]:
    @functools.wraps(function)
    def patched(*args: Any, **kwargs: Any) -> Any:
        if _should_skip(integration, nested):
            return function(*args, **kwargs)
        return _run_patch(integration, patch_function, function, manage_run, args, kwargs)

    patched.__heron_patched__ = integration  # type: ignore[attr-defined]
    return patched


class _PatchedDescriptor:
    """A patched descriptor (e.g. scikit-learn's ``available_if``): patch what it yields."""

    def __init__(self, descriptor: Any, make: Callable[[Callable[..., Any]], Callable[..., Any]]):
        self._descriptor = descriptor
        self._make = make
        self.__doc__ = getattr(descriptor, "__doc__", None)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        bound = self._descriptor.__get__(instance, owner)  # AttributeError when unavailable
        if instance is None:
            return bound
        function = getattr(bound, "__func__", None)
        if function is None:
            return bound
        return functools.partial(self._make(function), instance)


def safe_patch(
    integration: str,
    owner: type,
    name: str,
    patch_function: Callable[..., Any],
    manage_run: bool = False,
    nested: bool = False,
) -> None:
    """Patch ``owner.name`` reversibly so autologging can never break the user's call.

    Args:
        integration: The flavor name the patch belongs to (``revert_patches`` undoes it).
        owner: The class (or module) whose attribute is replaced.
        name: The method name, e.g. ``fit``.
        patch_function: ``patch_function(original, self, *args, **kwargs)``; it must call
            ``original(self, *args, **kwargs)`` once and return the result to give the caller.
        manage_run: Start a run when none is active, end it when the call returns.
        nested: Run the patch even inside another patched call of the same integration
            (sharing its session, e.g. ``xgboost.train`` inside ``XGBClassifier.fit``);
            by default such inner calls run unpatched.
    """
    static = inspect.getattr_static(owner, name)
    if getattr(static, "__heron_patched__", None) == integration:
        return

    def make(function: Callable[..., Any]) -> Callable[..., Any]:
        return _make_wrapper(integration, function, patch_function, manage_run, nested)

    if isinstance(static, (staticmethod, classmethod)):
        raise TypeError(f"safe_patch cannot patch the {type(static).__name__} {name!r}")
    if not inspect.isfunction(static) and not hasattr(static, "__get__"):
        raise TypeError(f"{owner.__name__}.{name} is not a function or descriptor")
    with _patches_lock:
        _patches.append(_install(_Patch(integration, owner, name, _MISSING, make)))


def _install(patch: _Patch) -> _Patch:
    """Wrap what ``patch.owner.name`` holds now with ``patch.make``; record what it held."""
    static = inspect.getattr_static(patch.owner, patch.name)
    patch.original = patch.owner.__dict__.get(patch.name, _MISSING)
    if inspect.isfunction(static):
        replacement: Any = patch.make(static)
    else:
        replacement = _PatchedDescriptor(static, patch.make)
        replacement.__heron_patched__ = patch.integration
    setattr(patch.owner, patch.name, replacement)
    return patch


def _restore(patch: _Patch) -> None:
    if patch.original is _MISSING:
        if patch.name in patch.owner.__dict__:
            delattr(patch.owner, patch.name)
    else:
        setattr(patch.owner, patch.name, patch.original)


def revert_patches(integration: str) -> None:
    """Undo every ``safe_patch`` of ``integration``, restoring the original attributes.

    Patches other integrations stacked on the same attribute (two flavors patching
    ``sklearn.metrics.accuracy_score``) stay in place, in their order, whichever is reverted
    first.
    """
    with _patches_lock:
        targets = {(id(p.owner), p.name) for p in _patches if p.integration == integration}
        for key in targets:
            stack = [p for p in _patches if (id(p.owner), p.name) == key]
            _restore(stack[0])
            for patch in stack:
                if patch.integration != integration:
                    _install(patch)
        _patches[:] = [patch for patch in _patches if patch.integration != integration]


def is_patched(owner: type, name: str) -> bool:
    """Whether ``owner.name`` is currently a Heron autologging patch."""
    static = inspect.getattr_static(owner, name, None)
    return getattr(static, "__heron_patched__", None) is not None


def current_session(integration: str) -> AutologgingSession | None:
    """The open session of ``integration`` on this thread (inside a patch function)."""
    return active_session(integration)
