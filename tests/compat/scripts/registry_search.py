"""Registry session steps that search: registered models and model versions, with paging."""

from __future__ import annotations

from typing import Any


class SearchSteps:
    """Mixed into the registry session (see ``registry_session.Session``)."""

    client: Any
    prefix: str
    record: Any  # Session.record(label, value) -> value
    expect_error: Any  # Session.expect_error(label, code, call)
    outcome: Any  # Session.outcome(label, call)
    tick: Any  # Session.tick()
    new_run: Any  # VersionSteps.new_run(label) -> run id
    new_model: Any  # VersionSteps.new_model(suffix, versions, run_id, **tags) -> name

    # -- registered models ---------------------------------------------------------------

    def step_search_models(self) -> None:
        """search_registered_models: =, !=, LIKE, ILIKE, IN, tags; order_by; paging."""
        client, p = self.client, self.prefix
        tags = {
            "alpha": {"team": "a", "env": "prod"},
            "beta": {"team": "b"},
            "gamma": {"team": "a"},
            "Delta": {"env": "dev"},
            "alpha2": {},
        }
        for suffix, model_tags in tags.items():
            self.tick()  # distinct last_updated_timestamp values keep that order total
            client.create_registered_model(f"{p}-search-{suffix}", tags=model_tags or None)
        within = f"name LIKE '{p}-search-%'"
        filters = {
            "=": f"name = '{p}-search-beta'",
            "!=": f"{within} AND name != '{p}-search-beta'",
            "LIKE": f"name LIKE '{p}-search-alpha%'",
            "LIKE is case-sensitive": f"name LIKE '{p}-search-delta'",
            "ILIKE": f"name ILIKE '{p}-SEARCH-delta'",
            "IN": f"name IN ('{p}-search-beta', '{p}-search-gamma', '{p}-absent')",
            "tag =": f"{within} AND tags.team = 'a'",
            "tag !=": f"{within} AND tags.team != 'a'",
            "tag LIKE": f"{within} AND tags.env LIKE 'p%'",
            "tag ILIKE": f"{within} AND tag.`env` ILIKE 'PROD'",
            "two tags": f"{within} AND tags.team = 'a' AND tags.env = 'prod'",
            "no match": f"name = '{p}-search-none'",
        }
        for label, filter_string in filters.items():
            self.record(label, self._model_names(filter_string))
        assert self.seen_names("=") == ["-search-beta"]
        self._order_models(within)
        self._page_models(within)
        self._search_model_errors()

    def seen_names(self, label: str) -> list[str]:
        """The names the running step recorded under ``label``, without the prefix."""
        names: list[str] = self.seen_step()[label]  # type: ignore[attr-defined]
        return [name.replace("<p>", "") for name in names]

    def seen_step(self) -> dict[str, Any]:
        """What the running step recorded so far."""
        return self.seen.setdefault(self.step, {})  # type: ignore[attr-defined,no-any-return]

    def _model_names(self, filter_string: str, **kwargs: Any) -> list[str]:
        found = self.client.search_registered_models(filter_string=filter_string, **kwargs)
        return [model.name for model in found]

    def _order_models(self, within: str) -> None:
        for order_by in (
            ["name DESC"],
            ["name ASC"],
            ["last_updated_timestamp DESC"],
            ["timestamp ASC"],
            ["last_updated_timestamp ASC", "name DESC"],
        ):
            self.record(f"order {order_by}", self._model_names(within, order_by=order_by))
        self.record("default order", self._model_names(within))

    def _page_models(self, within: str) -> None:
        pages, token = [], None
        while True:
            page = self.client.search_registered_models(
                filter_string=within, max_results=2, order_by=["name DESC"], page_token=token
            )
            pages.append([model.name for model in page])
            token = page.token
            if not token or len(pages) > 5:
                break
        self.record("pages of 2", pages)
        assert [len(page) for page in pages] == [2, 2, 1], pages

    def _search_model_errors(self) -> None:
        client = self.client
        self.outcome(  # MLflow refuses OR; Heron's grammar has it
            "models: OR", lambda: client.search_registered_models("name = 'a' OR name = 'b'")
        )
        self.expect_error(
            "models: unknown attribute",
            "INVALID_PARAMETER_VALUE",
            lambda: client.search_registered_models("run_id = 'a'"),
        )
        self.expect_error(
            "models: order by unknown key",
            "INVALID_PARAMETER_VALUE",
            lambda: client.search_registered_models(order_by=["bogus DESC"]),
        )
        self.expect_error(
            "models: max_results too large",
            "INVALID_PARAMETER_VALUE",
            lambda: client.search_registered_models(max_results=1001),
        )

    # -- model versions ------------------------------------------------------------------

    def step_search_versions(self) -> None:
        """search_model_versions: name, version_number, run_id (IN), source_path, tags."""
        run_a, run_b = self.new_run("run-sv-a"), self.new_run("run-sv-b")
        name_a = self.new_model("sv-a", 3, run_a)
        name_b = self.new_model("sv-b", 2, run_b, stage="x")
        self.client.set_model_version_tag(name_a, "2", "stage", "x")
        within = f"name LIKE '{self.prefix}-sv-%'"
        filters = {
            "name =": f"name = '{name_a}'",
            "name = and version_number >": f"name = '{name_a}' AND version_number > 1",
            "version_number =": f"{within} AND version_number = 2",
            "version_number <=": f"{within} AND version_number <= 1",
            "name LIKE": within,
            "name ILIKE": f"name ILIKE '{self.prefix}-SV-B'",
            "name IN": f"name IN ('{name_b}', '{self.prefix}-absent')",
            "run_id =": f"run_id = '{run_b}'",
            "run_id IN": f"run_id IN ('{run_a}', '{run_b}')",
            "run_id !=": f"{within} AND run_id != '{run_a}'",
            "source_path =": f"source_path = 'runs:/{run_b}/model'",
            "source_path LIKE": f"{within} AND source_path LIKE 'runs:/{run_a}/%'",
            "tag =": f"{within} AND tags.stage = 'x'",
            "tag != ": f"{within} AND tags.stage != 'x'",
            "tag LIKE": f"{within} AND tag.stage LIKE '%x%'",
        }
        for label, filter_string in filters.items():
            self.record(label, self._versions(filter_string))
        assert self.seen_step()["name ="] == [
            ["<p>-sv-a", "3"],
            ["<p>-sv-a", "2"],
            ["<p>-sv-a", "1"],
        ]
        for order_by in (
            ["version_number DESC"],
            ["creation_timestamp DESC"],
            ["name DESC", "version_number ASC"],
            ["last_updated_timestamp ASC"],
        ):
            self.record(f"order {order_by}", self._versions(within, order_by=order_by))
        self._page_versions(within)
        self._search_version_errors()

    def _versions(self, filter_string: str, **kwargs: Any) -> list[list[str]]:
        found = self.client.search_model_versions(filter_string, **kwargs)
        return [[mv.name, str(mv.version)] for mv in found]

    def _page_versions(self, within: str) -> None:
        pages, token = [], None
        while True:
            page = self.client.search_model_versions(
                within, max_results=2, order_by=["creation_timestamp ASC"], page_token=token
            )
            pages.append([[mv.name, str(mv.version)] for mv in page])
            token = page.token
            if not token or len(pages) > 5:
                break
        self.record("pages of 2", pages)
        assert [len(page) for page in pages] == [2, 2, 1], pages

    def _search_version_errors(self) -> None:
        client = self.client
        self.outcome(  # MLflow refuses OR; Heron's grammar has it
            "versions: OR", lambda: client.search_model_versions("name = 'a' OR name = 'b'")
        )
        self.expect_error(
            "versions: version_number not a number",
            "INVALID_PARAMETER_VALUE",
            lambda: client.search_model_versions("version_number = 'abc'"),
        )
        self.expect_error(
            "versions: unknown attribute",
            "INVALID_PARAMETER_VALUE",
            lambda: client.search_model_versions("bogus = 'a'"),
        )
        self.expect_error(
            "versions: order by unknown key",
            "INVALID_PARAMETER_VALUE",
            lambda: client.search_model_versions("", order_by=["bogus DESC"]),
        )
