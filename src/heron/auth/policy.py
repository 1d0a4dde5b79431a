"""Deciding: does this user hold what a rule needs; and the rules' response hooks.

Permission of a user on a resource = their explicit grant there, else the configured
default permission. Admins hold every permission. A user's grants are read in one query
and remembered briefly, so a request's check usually costs no database read at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from heron.auth.entities import User
from heron.auth.grants import EXPERIMENT, REGISTERED_MODEL, RESOURCE_TYPES
from heron.auth.permissions import MANAGE, Permission, get_permission
from heron.auth.resolve import (
    NeedsStore,
    Params,
    Resolver,
    canonical_experiment_id,
    first,
    source_model,
)
from heron.auth.rules import Rule
from heron.auth.store import AuthStore
from heron.exceptions import InvalidParameter

audit = logging.getLogger("heron.auth.audit")
"""Audit lines: who changed users or permissions, who deleted what."""

GRANTS_TTL_S = 2.0
"""How long a process trusts the grants it read. A change made through this process applies
at once; one made through another worker process (``--workers``) within this time."""


class Policy:
    """Permission checks against the auth store.

    Args:
        store: The auth store.
        resolver: Finds the experiments of runs, models and paths.
        default_permission: Permission without an explicit grant.
    """

    def __init__(self, store: AuthStore, resolver: Resolver, default_permission: str):
        self.store = store
        self.resolver = resolver
        self.default = get_permission(default_permission)
        self._grants: dict[int, tuple[float, dict[str, dict[str, str]]]] = {}
        self._lock = threading.Lock()

    def forget(self, user_id: int | None = None) -> None:
        """Drop remembered grants (of one user, or all) after a change in this process."""
        with self._lock:
            if user_id is None:
                self._grants.clear()
            else:
                self._grants.pop(user_id, None)

    def _user_grants(self, user_id: int, quick: bool = False) -> dict[str, dict[str, str]]:
        """Every explicit grant of the user by resource type, remembered for
        :data:`GRANTS_TTL_S` (NeedsStore when ``quick`` and not fresh)."""
        now = time.monotonic()
        with self._lock:
            found = self._grants.get(user_id)
        if found is not None and now - found[0] < GRANTS_TTL_S:
            return found[1]
        if quick:
            raise NeedsStore(user_id)
        loaded = {kind: self.store.grants.all_for_user(kind, user_id) for kind in RESOURCE_TYPES}
        with self._lock:
            if len(self._grants) > 10_000:
                self._grants.clear()
            self._grants[user_id] = (now, loaded)
        return loaded

    def permission(
        self, user: User, resource: str, resource_id: str, quick: bool = False
    ) -> Permission:
        """The user's effective permission on a resource."""
        if user.is_admin:
            return MANAGE
        name = self._user_grants(user.id, quick)[resource].get(resource_id)
        return self.default if name is None else get_permission(name)

    def allowed(self, user: User, rule: Rule, params: Params, quick: bool = False) -> bool:
        """Whether ``user`` meets every need of a ``resources`` rule (with ``quick``,
        from memory only: NeedsStore when that cannot decide).

        Raises:
            InvalidParameter: a required parameter is missing (400, as MLflow).
            Unresolvable: a named resource does not exist (deny).
        """
        for need in rule.needs:
            if need.resource == REGISTERED_MODEL:
                name = (
                    source_model(params) if need.source == "source" else first(params, need.source)
                )
                ids = None if name is None else [self.resolver.model_name(name, quick)]
            else:
                ids = self.resolver.experiments(need.source, params, quick)
            if ids is None:
                if need.optional:
                    continue
                raise InvalidParameter(f"Missing value for required parameter '{need.source}'.")
            for resource_id in ids:
                held = self.permission(user, need.resource, resource_id, quick)
                if not held.allows(need.action):
                    return False
        return True

    def readable(self, user: User, resource: str) -> tuple[set[str], set[str], bool]:
        """(ids explicitly readable, ids explicitly not readable, default readable)."""
        grants = self._user_grants(user.id)[resource]
        yes = {k for k, v in grants.items() if get_permission(v).can_read}
        return yes, set(grants) - yes, self.default.can_read

    def reader(self, user: User) -> Callable[[str, str], bool]:
        """``check(resource type, id)``: whether ``user`` may read it (their grants read
        once, now: for one request's list page)."""
        views = {resource: self.readable(user, resource) for resource in RESOURCE_TYPES}

        def check(resource: str, resource_id: str) -> bool:
            if resource == EXPERIMENT:  # "01" is experiment "1" to the store
                resource_id = canonical_experiment_id(resource_id)
            yes, no, default = views[resource]
            return resource_id in yes or (default and resource_id not in no)

        return check

    def after(self, hook: str, user: User, params: Params, body: Any) -> Any:
        """Run a rule's response hook on a successful response; the (filtered) body."""
        if hook == "grant_experiment":
            experiment_id = str(body.get("experiment_id", ""))
            if experiment_id:
                # A store may give a new experiment the id of one removed for good (SQLite,
                # after `heron gc`): the old one's grants must not carry over to it.
                self.store.grants.forget(EXPERIMENT, experiment_id)
                self.store.grants.put(EXPERIMENT, experiment_id, user.id, MANAGE.name)
                self.forget()
            return body
        name = first(params, "name")
        if hook == "grant_model" and name:
            # grants of an earlier model of that name (deleted around this server) go
            self.store.grants.forget(REGISTERED_MODEL, name)
            self.store.grants.put(REGISTERED_MODEL, name, user.id, MANAGE.name)
            self.forget()
        elif hook == "rename_model" and name:
            new_name = first(params, "new_name")
            if new_name:
                self.store.grants.rename_model(name, new_name)
                self.forget()
        elif hook == "forget_model" and name:
            self.store.grants.forget(REGISTERED_MODEL, name)
            self.forget()
        elif hook.startswith("filter_") and not user.is_admin:
            return self._filtered(hook, user, body)
        return body

    def _filtered(self, hook: str, user: User, body: Any) -> Any:
        field, resource, key = {
            "filter_experiments": ("experiments", EXPERIMENT, "experiment_id"),
            "filter_models": ("registered_models", REGISTERED_MODEL, "name"),
            "filter_versions": ("model_versions", REGISTERED_MODEL, "name"),
        }[hook]
        items = body.get(field)
        if not isinstance(items, list):
            return body
        yes, no, default = self.readable(user, resource)

        def keep(item: Any) -> bool:
            value = str(item.get(key, ""))
            return value in yes or (default and value not in no)

        return {**body, field: [item for item in items if keep(item)]}
