"""Shared plumbing of the model flavors, and the public way to write a flavor of your own.

Every built-in flavor (``heron.pytorch``, ``heron.xgboost``, ...) saves through
:func:`save_flavor_model`, reads its MLmodel block with :func:`flavor_configuration` and logs
through :func:`log_flavor_model`; a user's flavor does the same and is then loaded, served and
registered like a built-in one (``heron.pyfunc.load_model`` imports the ``loader_module``
named in MLmodel and calls its ``_load_pyfunc(path)``). See ``examples/custom_flavor``.
"""

from __future__ import annotations

from heron.flavors.configuration import (
    add_code_to_path,
    download_flavor_model,
    flavor_configuration,
    model_dir_of,
)
from heron.flavors.logging import log_flavor_model
from heron.flavors.saving import FlavorFiles, save_flavor_model

__all__ = [
    "FlavorFiles",
    "add_code_to_path",
    "download_flavor_model",
    "flavor_configuration",
    "log_flavor_model",
    "model_dir_of",
    "save_flavor_model",
]
