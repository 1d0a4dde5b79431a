"""MLflow Projects: the MLproject format, sources, entry points and run submission."""
