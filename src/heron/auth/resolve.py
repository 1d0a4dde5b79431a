"""From a request to the resources it touches: its parameters, then experiment ids.

Runs and logged models never move between experiments, so their experiment ids are
remembered (a bounded map) and a permission check after the first costs no store read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from heron.exceptions import HeronError, InvalidParameter, NotFound
from heron.models.uris import parse_model_uri
from heron.validation import experiment_number

if TYPE_CHECKING:
    from heron.store.registry.base import RegistryStore
    from heron.store.tracking.base import TrackingStore

Params = Mapping[str, Any]
_CACHE_SIZE = 100_000
_ALIASES = {
    "run_id": ("run_id", "run_uuid"),
    "source_run_id": ("source_run_id",),
    "run_ids": ("run_ids", "run_id"),
}


class Unresolvable(Exception):
    """The request names a resource that does not exist or cannot be checked: deny."""


class NeedsStore(Exception):
    """A quick (cache-only) check cannot decide without reading a store."""


def first(params: Params, name: str) -> str | None:
    """A single-valued parameter as a string, or None.

    Raises:
        InvalidParameter: it is given more than once with different values (the gate
            and the route serving the request could otherwise each read another one).
    """
    value = params.get(name)
    if isinstance(value, list):
        if len({str(v) for v in value}) > 1:
            raise InvalidParameter(f"Parameter '{name}' is given more than once.")
        value = value[0] if value else None
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidParameter(f"Invalid value for parameter '{name}'")
    return str(value)


def many(params: Params, name: str) -> list[str]:
    """A multi-valued parameter as strings."""
    value = params.get(name)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
        raise InvalidParameter(f"Invalid value for parameter '{name}'")
    return [str(v) for v in values if str(v)]


class Resolver:
    """Finds the experiment of runs, logged models, names and artifact paths, and the
    stored name of a registered model.

    Args:
        tracking: Gives the tracking store (opened on first use).
        registry: Gives the registry store (opened on first use).
    """

    def __init__(
        self,
        tracking: Callable[[], TrackingStore],
        registry: Callable[[], RegistryStore] | None = None,
    ):
        self.tracking = tracking
        self.registry = registry
        self._experiment_of: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def _remember(self, key: str, experiment_id: str) -> str:
        with self._lock:
            self._experiment_of[key] = experiment_id
            while len(self._experiment_of) > _CACHE_SIZE:
                self._experiment_of.popitem(last=False)
        return experiment_id

    def _known(self, key: str) -> str | None:
        with self._lock:
            return self._experiment_of.get(key)

    def run_experiment(self, run_id: str, quick: bool = False) -> str:
        """The experiment of a run (Unresolvable when there is no such run; NeedsStore
        when ``quick`` and it is not remembered)."""
        known = self._known("r:" + run_id)
        if known is not None:
            return known
        if quick:
            raise NeedsStore(run_id)
        try:
            run = self.tracking().get_run(run_id)
        except HeronError:
            raise Unresolvable(run_id) from None
        return self._remember("r:" + run_id, run.info.experiment_id)

    def model_experiment(self, model_id: str, quick: bool = False) -> str:
        """The experiment of a logged model (Unresolvable when there is none; NeedsStore
        when ``quick`` and it is not remembered)."""
        known = self._known("m:" + model_id)
        if known is not None:
            return known
        if quick:
            raise NeedsStore(model_id)
        try:
            model = self.tracking().get_logged_model(model_id, allow_deleted=True)
        except HeronError:
            raise Unresolvable(model_id) from None
        return self._remember("m:" + model_id, model.experiment_id)

    def model_name(self, name: str, quick: bool = False) -> str:
        """The name grants know a registered model by: as stored. MySQL and MariaDB ignore
        trailing spaces when comparing (``"m "`` finds ``"m"``), so a name ending in one is
        looked up (NeedsStore when ``quick``); other names are as given."""
        if not name.endswith(" ") or self.registry is None:
            return name
        if quick:
            raise NeedsStore(name)
        try:
            return self.registry().get_registered_model(name).name
        except HeronError:
            return name  # no such model: the route answers so

    def experiments(self, source: str, params: Params, quick: bool = False) -> list[str] | None:
        """The experiment ids ``source`` names in ``params``; None when it is absent.
        With ``quick``, only from memory (NeedsStore otherwise).

        Raises:
            Unresolvable: a named run or model does not exist, or an artifact path names
                no experiment.
            NotFound: an experiment name that does not exist (as MLflow answers).
        """
        if source == "experiment_id":
            found = first(params, "experiment_id")
            return None if found is None else [canonical_experiment_id(found)]
        if source == "experiment_ids":
            return [canonical_experiment_id(i) for i in many(params, "experiment_ids")]
        if source == "experiment_name":
            name = first(params, "experiment_name")
            if name is None:
                return None
            if quick:
                raise NeedsStore(name)
            experiment = self.tracking().get_experiment_by_name(name)
            if experiment is None:
                raise NotFound(f"Could not find experiment with name {name}")
            return [experiment.experiment_id]
        if source in ("run_id", "source_run_id"):
            named = {r for a in _ALIASES[source] if (r := first(params, a)) is not None}
            if len(named) > 1:  # a route may read either spelling: never let them differ
                raise InvalidParameter("Parameters run_id and run_uuid name different runs.")
            return [self.run_experiment(r, quick) for r in named] if named else None
        if source == "run_ids":  # every run named under either spelling
            ids = list(dict.fromkeys(i for a in _ALIASES["run_ids"] for i in many(params, a)))
            return [self.run_experiment(r, quick) for r in ids] if ids else None
        if source in ("metric_model_ids", "linked_model_ids"):
            model_ids = _named_models(params, source)
            return [self.model_experiment(m, quick) for m in model_ids] if model_ids else None
        if source == "model_id":
            model_id = first(params, "model_id")
            return None if model_id is None else [self.model_experiment(model_id, quick)]
        if source == "artifact_path":
            return [artifact_experiment(first(params, "path") or "")]
        raise ValueError(f"unknown source {source}")


def _named_models(params: Params, source: str) -> list[str]:
    """The logged models a write names besides its run: ``metric_model_ids`` (a metric's
    ``model_id``: LogMetric's own, or any of ``metrics`` in LogBatch and ImportRun) or
    ``linked_model_ids`` (any of ``models`` in LogInputs and LogOutputs), under either
    JSON spelling of the nested field."""
    found: list[object] = []
    if source == "metric_model_ids":
        found.append(params.get("model_id"))
        items = params.get("metrics")
    else:
        items = params.get("models")
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            found += [item.get("model_id"), item.get("modelId")]
    if not all(v is None or v == "" or isinstance(v, str) for v in found):
        raise InvalidParameter("Invalid value for parameter 'model_id'")
    return list(dict.fromkeys(v for v in found if isinstance(v, str) and v))


def canonical_experiment_id(experiment_id: str) -> str:
    """The id grants name the experiment that ``experiment_id`` reaches in the store by:
    ``"01"``, ``" 1"`` are experiment ``"1"`` (else a grant on ``"1"`` would not apply to
    them); an id naming no stored experiment is kept as it is."""
    number = experiment_number(experiment_id)
    return experiment_id if number is None else str(number)


def source_model(params: Params) -> str | None:
    """The registered model a version's ``source`` names (``models:/<name>/<version>``,
    ``models:/<name>@<alias>``...), as the server reads it; None for other sources."""
    source = first(params, "source")
    if source is None or urlsplit(source).scheme.lower() != "models":
        return None
    try:
        return parse_model_uri(source).name
    except InvalidParameter:
        return None  # the server refuses it too


def artifact_experiment(path: str) -> str:
    """The experiment a proxied artifact path belongs to: its first segment, which must be
    an experiment id (``<experiment_id>/<run_id>/artifacts/...``)."""
    parts = path.strip("/").split("/")
    if "\\" in path or any(part in ("", ".", "..") for part in parts):
        raise Unresolvable(path)
    segment = parts[0]
    if not segment.isdigit() or not segment.isascii():
        raise Unresolvable(path)
    return segment
