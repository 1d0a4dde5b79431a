"""MLflow Projects: the MLproject format, sources, environments and run submission.

``heron.projects.run(uri, entry_point="main", parameters={...})`` runs a project folder or a
git repository as a Heron run, like ``mlflow.projects.run``; ``heron run`` is its command.
"""

from __future__ import annotations

from heron.projects.execution import run
from heron.projects.spec import EntryPoint, Project, load_project
from heron.projects.submitted import LocalSubmittedRun, SubmittedRun

__all__ = ["EntryPoint", "LocalSubmittedRun", "Project", "SubmittedRun", "load_project", "run"]
