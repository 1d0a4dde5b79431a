"""``heron --help`` in sections: MLflow's classic commands first, as ``mlflow --help`` lists
them, then the export/import tools (mlflow-export-import's names) and Heron's own."""

from __future__ import annotations

import click

from heron.cli.lazy import LazyGroup

#: Section title -> command names, in the order shown; commands not named go last.
SECTIONS: dict[str, tuple[str, ...]] = {
    "Tracking (as mlflow)": (
        "experiments",
        "runs",
        "artifacts",
        "gc",
        "db",
        "migrate-filestore",
        "doctor",
    ),
    "Serving and models (as mlflow)": ("server", "ui", "models", "registered-models", "run"),
    "Export and import (as mlflow-export-import)": (
        "export-run",
        "import-run",
        "copy-run",
        "export-experiment",
        "export-experiment-list",
        "import-experiment",
        "import-experiment-list",
        "copy-experiment",
        "export-model",
        "export-model-list",
        "import-model",
        "list-models",
        "copy-model",
        "transfer",
    ),
}


def format_sections(group: LazyGroup, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """Write the group's commands under :data:`SECTIONS`' titles (the rest under "Other").

    Lazy commands are not imported: their summaries come from the group's table.
    """
    names = group.list_commands(ctx)
    placed: set[str] = set()
    for title, members in [*SECTIONS.items(), ("Other commands", tuple(names))]:
        shown = [name for name in members if name in names and name not in placed]
        limit = formatter.width - 6 - max((len(name) for name in shown), default=0)
        rows = []
        for name in shown:
            text = group.command_summary(ctx, name, limit)
            placed.add(name)
            if text is not None:
                rows.append((name, text))
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)
