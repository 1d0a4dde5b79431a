"""The options of exports and imports, with the command-line tools' defaults."""

from __future__ import annotations

from dataclasses import dataclass

from heron.exceptions import InvalidParameter
from heron.transfer.layout import BundleFormat


def check_workers(workers: int) -> int:
    """``workers`` if it is at least 1; InvalidParameter otherwise."""
    if workers < 1:
        raise InvalidParameter(f"workers must be at least 1, got {workers}")
    return workers


@dataclass(frozen=True)
class ExportOptions:
    """How to export.

    Attributes:
        export_metadata_tags: Add ``mlflow_export_import.metadata.*`` tags describing the
            source (tracking URI, run and experiment ids, times) to each exported run.
        notebook_formats: Databricks notebook formats; no effect outside Databricks.
        export_notebook_revision: Databricks only; no effect elsewhere.
        bundle_format: The directory layout written.
        workers: Runs exported at the same time.
    """

    export_metadata_tags: bool = False
    notebook_formats: tuple[str, ...] = ()
    export_notebook_revision: bool = False
    bundle_format: BundleFormat = BundleFormat.CURRENT
    workers: int = 1

    def __post_init__(self) -> None:
        check_workers(self.workers)
        object.__setattr__(self, "bundle_format", BundleFormat.coerce(self.bundle_format))


@dataclass(frozen=True)
class ImportOptions:
    """How to import (and copy).

    Attributes:
        mlmodel_fix: Point ``MLmodel`` files (and ``mlflow.log-model.history``) at the
            destination run and logged models.
        use_src_user_id: Keep the source run's user; otherwise the importing user owns it.
        import_mlflow_tags: Keep ``mlflow.*`` system tags. Without them a run still keeps
            its name and its parent.
        import_metadata_tags: Keep (or, for bundles without them, add)
            ``mlflow_export_import.metadata.*`` lineage tags.
        import_source_tags: Add mlflow-export-import's current lineage tags,
            ``mlflow_exim.run_info.*`` and ``mlflow_exim.mlflow_tag.*``.
        workers: Runs imported at the same time.
        verify: After the import, compare the destination with the source and fail on
            any difference.
        state_file: Where to record the source-to-destination id map; by default
            ``heron_import_state.json`` in the input directory when it is writable.
    """

    mlmodel_fix: bool = True
    use_src_user_id: bool = False
    import_mlflow_tags: bool = True
    import_metadata_tags: bool = False
    import_source_tags: bool = False
    workers: int = 1
    verify: bool = False
    state_file: str | None = None

    def __post_init__(self) -> None:
        check_workers(self.workers)
