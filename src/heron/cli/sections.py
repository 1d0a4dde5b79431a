"""``heron --help`` in sections: MLflow's classic commands first, as ``mlflow --help`` lists
them, then the export/import tools (mlflow-export-import's names) and Heron's own."""

from __future__ import annotations

import click

#: Section title -> command names, in the order shown; commands not named go last.
SECTIONS: dict[str, tuple[str, ...]] = {
    "Tracking (as mlflow)": ("experiments", "runs", "artifacts", "gc", "db"),
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


def format_sections(group: click.Group, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """Write the group's commands under :data:`SECTIONS`' titles (the rest under "Other")."""
    names = [n for n in group.list_commands(ctx) if not _hidden(group, ctx, n)]
    placed: set[str] = set()
    limit = formatter.width - 6 - max((len(n) for n in names), default=0)
    for title, members in [*SECTIONS.items(), ("Other commands", tuple(names))]:
        rows = []
        for name in members:
            command = group.get_command(ctx, name)
            if name in placed or name not in names or command is None:
                continue
            placed.add(name)
            rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


def _hidden(group: click.Group, ctx: click.Context, name: str) -> bool:
    command = group.get_command(ctx, name)
    return command is None or command.hidden
