"""The search steps of the scripted session: filters, order_by, paging, views, DataFrames."""

from __future__ import annotations

from typing import Any

from session_values import T0


class SearchSteps:
    """Mixed into the session: six runs in their own experiment, searched many ways."""

    mlflow: Any
    client: Any
    entities: Any
    prefix: str
    runs: dict[str, str]
    experiments: dict[str, dict[str, Any]]
    record: Any  # Session.record(label, run_id) -> the run's record
    metric: Any  # Session.metric(run_id, key, value, step, timestamp)

    def step_searches(self) -> None:
        """search_runs with filters, order_by, paging and view types; fluent search_runs."""
        experiment_id = self.client.create_experiment(f"{self.prefix}-search")
        self.experiments[experiment_id] = {
            "name": f"{self.prefix}-search",
            "tags": {},
            "lifecycle_stage": "active",
        }
        for index in range(6):
            self._grid_run(experiment_id, index)
        self._check_filters(experiment_id)
        self._check_paging(experiment_id)
        self._check_views(experiment_id)
        self._check_dataframe(experiment_id)

    def _grid_run(self, experiment_id: str, index: int) -> None:
        client = self.client
        label = f"g{index}"
        run = client.create_run(
            experiment_id, start_time=T0 + index, tags={"kind": "grid"}, run_name=label
        )
        run_id = run.info.run_id
        entry = self.record(label, run_id)
        group = "a" if index % 2 == 0 else "b"
        client.log_param(run_id, "idx", str(index))
        client.log_param(run_id, "group", group)
        client.log_metric(run_id, "m", float(index), timestamp=T0, step=0)
        self.metric(run_id, "m", float(index), 0, T0)
        status = "KILLED" if index == 5 else "FINISHED"
        client.set_terminated(run_id, status=status)
        entry["params"] = {"idx": str(index), "group": group}
        entry["tags"] = {"kind": "grid"}
        entry["info"]["status"] = status

    def _names(self, experiment_ids: list[str], filter_string: str = "", **kwargs: Any) -> list:
        runs = self.client.search_runs(experiment_ids, filter_string, **kwargs)
        return [run.info.run_name for run in runs]

    def _check_filters(self, experiment_id: str) -> None:
        ids = [experiment_id]
        cases = {
            "metrics.m >= 2 and params.group = 'a'": (["metrics.m DESC"], ["g4", "g2"]),
            "tags.kind = 'grid' and attributes.run_name LIKE 'g%'": (
                ["attributes.run_name ASC"],
                ["g0", "g1", "g2", "g3", "g4", "g5"],
            ),
            "attributes.status = 'KILLED'": (None, ["g5"]),
            "metrics.m != 3 and metrics.m < 4": (["metrics.m ASC"], ["g0", "g1", "g2"]),
            f"attributes.run_id IN ('{self.runs['g1']}', '{self.runs['g2']}')": (
                ["params.idx DESC"],
                ["g2", "g1"],
            ),
            "params.group ILIKE 'B'": (["attributes.start_time DESC"], ["g5", "g3", "g1"]),
            "": (["attributes.start_time ASC"], ["g0", "g1", "g2", "g3", "g4", "g5"]),
        }
        wrong = {}
        for filter_string, (order_by, expected) in cases.items():
            got = self._names(ids, filter_string, order_by=order_by)
            if got != expected:
                wrong[filter_string] = got
        assert not wrong, wrong
        both = [self._main_experiment(), experiment_id]
        assert self._names(both, "params.alpha = '0.5'") == ["parent"]

    def _main_experiment(self) -> str:
        return next(iter(self.experiments))

    def _check_paging(self, experiment_id: str) -> None:
        pages, token = [], None
        while True:
            page = self.client.search_runs(
                [experiment_id], max_results=2, order_by=["params.idx ASC"], page_token=token
            )
            pages.append([run.info.run_name for run in page])
            token = page.token
            if not token or len(pages) > 5:
                break
        assert pages == [["g0", "g1"], ["g2", "g3"], ["g4", "g5"]], pages

    def _check_views(self, experiment_id: str) -> None:
        view = self.entities.ViewType
        deleted_id = self.runs["g0"]
        self.client.delete_run(deleted_id)
        try:
            assert self._names([experiment_id], run_view_type=view.DELETED_ONLY) == ["g0"]
            assert len(self._names([experiment_id], run_view_type=view.ALL)) == 6
            assert "g0" not in self._names([experiment_id], run_view_type=view.ACTIVE_ONLY)
        finally:
            self.client.restore_run(deleted_id)

    def _check_dataframe(self, experiment_id: str) -> None:
        frame = self.mlflow.search_runs(
            experiment_ids=[experiment_id],
            filter_string="params.group = 'b'",
            order_by=["metrics.m ASC"],
        )
        assert list(frame["tags.mlflow.runName"]) == ["g1", "g3", "g5"], frame
        assert list(frame["metrics.m"]) == [1.0, 3.0, 5.0]
        assert set(frame["params.group"]) == {"b"}
        assert list(frame["status"]) == ["FINISHED", "FINISHED", "KILLED"]
        assert list(frame["run_id"]) == [self.runs[name] for name in ("g1", "g3", "g5")]
