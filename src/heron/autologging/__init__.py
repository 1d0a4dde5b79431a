"""Autologging: the patching machinery every flavor's ``autolog`` uses, and ``heron.autolog``.

A flavor writes its ``autolog`` function with MLflow's options, decorates it with
:func:`autologging_integration`, and inside it patches the library's training methods with
:func:`safe_patch`. Patches read their options at call time with
:func:`get_autologging_config`, are undone by ``autolog(disable=True)``
(:func:`revert_patches`), and can never make the user's training fail because of logging.
See the README's "Autologging" section and ``heron.sklearn.autolog`` for a complete flavor.
"""

from __future__ import annotations

from heron.autologging.config import (
    autologging_config,
    autologging_is_disabled,
    disable_autologging,
    get_autologging_config,
)
from heron.autologging.hooks import when_imported
from heron.autologging.integration import autologging_integration
from heron.autologging.metrics import MetricsBatcher
from heron.autologging.patching import (
    AUTOLOGGING_TAG,
    current_session,
    is_patched,
    report_failure,
    revert_patches,
    safe_patch,
)
from heron.autologging.session import AutologgingSession
from heron.autologging.universal import Integration, integrations, register_integration
from heron.autologging.versions import SUPPORTED_VERSIONS, is_supported_version

__all__ = [
    "AUTOLOGGING_TAG",
    "SUPPORTED_VERSIONS",
    "AutologgingSession",
    "Integration",
    "MetricsBatcher",
    "autolog",
    "autologging_config",
    "autologging_integration",
    "autologging_is_disabled",
    "current_session",
    "disable_autologging",
    "get_autologging_config",
    "integrations",
    "is_patched",
    "is_supported_version",
    "register_integration",
    "report_failure",
    "revert_patches",
    "safe_patch",
    "when_imported",
]


def autolog(
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    log_traces: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    extra_tags: dict[str, str] | None = None,
    exclude_flavors: list[str] | None = None,
) -> None:
    """Enable (or disable) and configure autologging for every supported integration.

    Integrations whose library is already imported are configured now, the others when their
    library is first imported. Options are passed to the integrations that take them; a
    flavor configured by its own ``autolog`` call keeps its configuration.

    Args:
        log_input_examples: Log an input example with each model (needs ``log_models``).
        log_model_signatures: Log each model's signature, inferred from the training data.
        log_models: Log trained models as artifacts.
        log_datasets: Log the training (and evaluation) datasets as run inputs.
        log_traces: Accepted for MLflow compatibility (Heron has no GenAI tracing).
        disable: Turn autologging off and remove its patches.
        exclusive: Do not log to runs the user started; only to runs autologging starts.
        disable_for_unsupported_versions: Skip libraries outside the tested version range.
        silent: Emit no warnings or events from autologging.
        extra_tags: Tags added to the runs autologging creates.
        exclude_flavors: Flavor names (e.g. ``["sklearn"]``) left untouched.
    """
    from heron.autologging import universal

    universal.autolog(
        {
            "log_input_examples": log_input_examples,
            "log_model_signatures": log_model_signatures,
            "log_models": log_models,
            "log_datasets": log_datasets,
            "log_traces": log_traces,
            "disable": disable,
            "exclusive": exclusive,
            "disable_for_unsupported_versions": disable_for_unsupported_versions,
            "silent": silent,
            "extra_tags": extra_tags,
            "exclude_flavors": exclude_flavors,
        }
    )
