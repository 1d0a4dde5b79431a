"""Deciding: does this user hold what a rule needs; and the rules' response hooks.

Permission of a user on a resource = their explicit grant there, else the configured
default permission. Admins hold every permission.
"""

from __future__ import annotations

import logging
from typing import Any

from heron.auth.entities import User
from heron.auth.grants import EXPERIMENT, REGISTERED_MODEL
from heron.auth.permissions import MANAGE, Permission, get_permission
from heron.auth.resolve import Params, Resolver, first
from heron.auth.rules import Rule
from heron.auth.store import AuthStore
from heron.exceptions import InvalidParameter

audit = logging.getLogger("heron.auth.audit")
"""Audit lines: who changed users or permissions, who deleted what."""


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

    def permission(self, user: User, resource: str, resource_id: str) -> Permission:
        """The user's effective permission on a resource."""
        if user.is_admin:
            return MANAGE
        name = self.store.grants.get(resource, resource_id, user.id)
        return self.default if name is None else get_permission(name)

    def allowed(self, user: User, rule: Rule, params: Params) -> bool:
        """Whether ``user`` meets every need of a ``resources`` rule.

        Raises:
            InvalidParameter: a required parameter is missing (400, as MLflow).
            Unresolvable: a named resource does not exist (deny).
        """
        for need in rule.needs:
            if need.resource == REGISTERED_MODEL:
                name = first(params, need.source)
                ids = None if name is None else [name]
            else:
                ids = self.resolver.experiments(need.source, params)
            if ids is None:
                if need.optional:
                    continue
                raise InvalidParameter(f"Missing value for required parameter '{need.source}'.")
            for resource_id in ids:
                if not self.permission(user, need.resource, resource_id).allows(need.action):
                    return False
        return True

    def readable(self, user: User, resource: str) -> tuple[set[str], set[str], bool]:
        """(ids explicitly readable, ids explicitly not readable, default readable)."""
        grants = self.store.grants.all_for_user(resource, user.id)
        yes = {k for k, v in grants.items() if get_permission(v).can_read}
        return yes, set(grants) - yes, self.default.can_read

    def after(self, hook: str, user: User, params: Params, body: Any) -> Any:
        """Run a rule's response hook on a successful response; the (filtered) body."""
        if hook == "grant_experiment":
            experiment_id = str(body.get("experiment_id", ""))
            if experiment_id:
                self.store.grants.put(EXPERIMENT, experiment_id, user.id, MANAGE.name)
            return body
        name = first(params, "name")
        if hook == "grant_model" and name:
            self.store.grants.put(REGISTERED_MODEL, name, user.id, MANAGE.name)
        elif hook == "rename_model" and name:
            new_name = first(params, "new_name")
            if new_name:
                self.store.grants.rename_model(name, new_name)
        elif hook == "forget_model" and name:
            self.store.grants.forget(REGISTERED_MODEL, name)
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
