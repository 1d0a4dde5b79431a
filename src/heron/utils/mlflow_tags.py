"""The reserved ``mlflow.*`` tag keys, with MLflow's ``mlflow.utils.mlflow_tags`` names.

Scripts read and filter on these keys (``tags.get(MLFLOW_RUN_NAME)``); the values are
MLflow's own, so runs logged by either tool carry the same tags. Databricks, GenAI and
tracing keys are left out.
"""

from __future__ import annotations

MLFLOW_ARTIFACT_LOCATION = "mlflow.artifactLocation"
MLFLOW_AUTOLOGGING = "mlflow.autologging"
MLFLOW_CUSTOM_VIEW_TAG_PREFIX = "mlflow.customView.view"
MLFLOW_DATASET_CONTEXT = "mlflow.data.context"
MLFLOW_DOCKER_IMAGE_ID = "mlflow.docker.image.id"
MLFLOW_DOCKER_IMAGE_URI = "mlflow.docker.image.uri"
MLFLOW_EXPERIMENT_PRIMARY_METRIC_GREATER_IS_BETTER = (
    "mlflow.experiment.primaryMetric.greaterIsBetter"
)
MLFLOW_EXPERIMENT_PRIMARY_METRIC_NAME = "mlflow.experiment.primaryMetric.name"
MLFLOW_EXPERIMENT_SOURCE_ID = "mlflow.experiment.sourceId"
MLFLOW_EXPERIMENT_SOURCE_TYPE = "mlflow.experiment.sourceType"
MLFLOW_GIT_BRANCH = "mlflow.source.git.branch"
MLFLOW_GIT_COMMIT = "mlflow.source.git.commit"
MLFLOW_GIT_DIFF = "mlflow.source.git.diff"
MLFLOW_GIT_DIRTY = "mlflow.source.git.dirty"
MLFLOW_GIT_REPO_URL = "mlflow.source.git.repoURL"
MLFLOW_LOGGED_ARTIFACTS = "mlflow.loggedArtifacts"
MLFLOW_LOGGED_IMAGES = "mlflow.loggedImages"
MLFLOW_LOGGED_MODELS = "mlflow.log-model.history"
MLFLOW_MODEL_IS_EXTERNAL = "mlflow.model.isExternal"
MLFLOW_MODEL_VERSIONS = "mlflow.modelVersions"
MLFLOW_PARENT_RUN_ID = "mlflow.parentRunId"
MLFLOW_PROJECT_BACKEND = "mlflow.project.backend"
MLFLOW_PROJECT_ENTRY_POINT = "mlflow.project.entryPoint"
MLFLOW_PROJECT_ENV = "mlflow.project.env"
MLFLOW_RUN_NAME = "mlflow.runName"
MLFLOW_RUN_NOTE = "mlflow.note.content"
MLFLOW_RUN_SOURCE_TYPE = "mlflow.runSourceType"
MLFLOW_RUN_TYPE = "mlflow.runType"
MLFLOW_RUN_TYPE_TEST = "test"
MLFLOW_SOURCE_NAME = "mlflow.source.name"
MLFLOW_SOURCE_TYPE = "mlflow.source.type"
MLFLOW_USER = "mlflow.user"

# Tags the client sets for you and a user may not overwrite with set_tag.
IMMUTABLE_TAGS = {MLFLOW_USER, MLFLOW_ARTIFACT_LOCATION}
