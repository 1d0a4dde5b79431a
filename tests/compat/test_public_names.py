"""The public names of MLflow 3.17.2 that scripts import exist in Heron under the same path.

``scripts/public_names.py`` lists the public names of MLflow's classic modules (run with the
MLflow virtualenv's python) and of Heron's (run here). Every MLflow name must exist in Heron
unless it is in ``EXCLUDED`` (GenAI, tracing, gateway, prompts, Databricks, other products:
reviewed, with the reason) or in ``NOT_YET`` (classic names still missing, each named in the
report). A name that appears in MLflow, or gets implemented in Heron, makes the test fail
until the lists are updated, so the lists stay true.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from processes import run_script

pytestmark = pytest.mark.compat

GENAI = "GenAI: LLM flavors, agents, prompts, judges, assessments (out of Heron's scope)"
TRACING = "tracing: spans, traces and sessions (out of Heron's scope)"
GATEWAY = "AI gateway and MCP servers (out of Heron's scope)"
DATABRICKS = "Databricks-only (workspaces, Unity Catalog, Databricks tags)"
FLAVOR = "flavor of a library Heron has no flavor for (custom flavors cover it)"
PRODUCT = "another MLflow product or an internal module, not the classic tracking API"

_GENAI_TOP = (
    "ag2 agent agno anthropic autogen bedrock crewai diffusers dspy gemini genai groq "
    "haystack johnsnowlabs langchain litellm llama_index mistral openai paddle pydantic_ai "
    "semantic_kernel sentence_transformers smolagents strands transformers txtai "
    "delete_assessment get_assessment log_assessment log_expectation log_feedback "
    "override_feedback update_assessment log_issue load_prompt register_prompt "
    "search_prompts set_prompt_alias delete_prompt_alias prompt log_stream"
)
_TRACING_TOP = (
    "add_trace delete_trace_tag flush_trace_async_logging get_active_trace_id "
    "get_current_active_span get_last_active_trace_id get_trace log_trace search_sessions "
    "search_traces set_trace_tag start_span start_span_no_context trace tracing "
    "update_current_trace otel context"
)
_DATABRICKS_TOP = (
    "create_workspace delete_workspace get_workspace list_workspaces set_workspace "
    "update_workspace legacy_databricks_cli login"
)
_FLAVOR_TOP = "catboost h2o pmdarima prophet shap spacy statsmodels rfunc spark pyspark azure "
_PRODUCT_TOP = (
    "contextlib mlflow protos store telemetry typesafe pytest test mismatch "
    "error_classification ml_package_versions doctor gateway import_checkpoints "
    "system_metrics enable_system_metrics_logging disable_system_metrics_logging "
    "set_system_metrics_node_id set_system_metrics_samples_before_logging "
    "set_system_metrics_sampling_interval"
)


def _reasons(**groups: str) -> dict[str, str]:
    """``{name: reason}`` from keyword groups ``REASON_NAME="name name ..."``."""
    reasons = {"GENAI": GENAI, "TRACING": TRACING, "GATEWAY": GATEWAY}
    reasons |= {"DATABRICKS": DATABRICKS, "FLAVOR": FLAVOR, "PRODUCT": PRODUCT}
    return {name: reasons[group] for group, names in groups.items() for name in names.split()}


# Reviewed: MLflow names Heron leaves out on purpose, per module ("" is the package).
EXCLUDED: dict[str, dict[str, str]] = {
    "": _reasons(
        GENAI=_GENAI_TOP,
        TRACING=_TRACING_TOP,
        DATABRICKS=_DATABRICKS_TOP,
        FLAVOR=_FLAVOR_TOP,
        PRODUCT=_PRODUCT_TOP,
    ),
    "entities": _reasons(
        GENAI="Assessment AssessmentError AssessmentSource AssessmentSourceType DatasetRecord "
        "DatasetRecordSource DatasetRecordSourceType Document Expectation Feedback Issue "
        "IssueReference IssueSeverity IssueStatus Prompt ScorerVersion EntityAssociationType "
        "Webhook WebhookEvent WebhookStatus WebhookTestResult",
        TRACING="LiveSpan NoOpSpan Session Span SpanEvent SpanLogLevel SpanStatus "
        "SpanStatusCode SpanType Trace TraceArchivalConfig TraceData TraceInfo TraceLocation "
        "TraceLocationType TraceState MlflowExperimentLocation InferenceTableLocation Link",
        GATEWAY="BudgetAction BudgetDuration BudgetDurationUnit BudgetTargetScope BudgetUnit "
        "ConnectOptionSettings FallbackConfig FallbackStrategy GatewayBudgetPolicy "
        "GatewayEndpoint GatewayEndpointBinding GatewayEndpointModelConfig "
        "GatewayEndpointModelMapping GatewayEndpointTag GatewayGuardrail "
        "GatewayGuardrailConfig GatewayModelDefinition GatewayModelLinkageType "
        "GatewayResourceType GatewaySecretInfo GuardrailAction GuardrailStage "
        "MCPAccessEndpoint MCPRemoteTransportType MCPServer MCPServerVersion MCPStatus MCPTool "
        "RoutingStrategy",
        DATABRICKS="UCSchemaLocation UnityCatalog Workspace WorkspaceDeletionMode",
    ),
    "models": _reasons(
        GENAI="Resource ResourceType set_retriever_schema",
    ),
    "pyfunc": _reasons(
        GENAI="ChatAgent ChatModel ResponsesAgent",
        DATABRICKS="DBConnectArtifactCache",
    ),
    "exceptions": _reasons(
        TRACING="MlflowTraceArchivalMalformedTrace MlflowTraceDataCorrupted "
        "MlflowTraceDataException MlflowTraceDataNotFound MlflowTracingException",
    ),
    "config": _reasons(
        PRODUCT="enable_system_metrics_logging disable_system_metrics_logging "
        "set_system_metrics_node_id set_system_metrics_samples_before_logging "
        "set_system_metrics_sampling_interval",
    ),
    "metrics": _reasons(
        GENAI="ari_grade_level bleu exact_match flesch_kincaid_grade_level genai latency "
        "rouge1 rouge2 rougeL rougeLsum token_count toxicity",
    ),
    "data": _reasons(FLAVOR="from_huggingface from_tensorflow"),
}
_TAG_PREFIXES = ("MLFLOW_DATABRICKS_", "MLFLOW_EXPERIMENT_DATABRICKS_", "MLFLOW_GENAI_")
_TAG_MARKERS = ("TRACE", "GATEWAY", "ONLINE_SCORING", "ISSUE_DETECTION", "GENAI", "CHECKPOINT")

# Classic names still missing from Heron (the report lists them); empty is the goal.
NOT_YET: dict[str, set[str]] = {}


def _excluded_tag(name: str) -> bool:
    return name.startswith(_TAG_PREFIXES) or any(marker in name for marker in _TAG_MARKERS)


@pytest.fixture(scope="module")
def names(mlflow_venv: Path) -> tuple[dict[str, list[str]], dict[str, list[str] | None]]:
    """MLflow's public names per module, and Heron's (None: the module does not import)."""
    return run_script(mlflow_venv, "public_names.py", "mlflow"), run_script(
        sys.executable, "public_names.py", "heron"
    )


def _missing(
    names: tuple[dict[str, list[str]], dict[str, list[str] | None]],
) -> dict[str, set[str]]:
    mlflow_names, heron_names = names
    missing: dict[str, set[str]] = {}
    for module, wanted in mlflow_names.items():
        present = set(heron_names.get(module) or ())
        excluded = EXCLUDED.get(module, {})
        gaps = {
            name
            for name in wanted
            if name not in present
            and name not in excluded
            and not (module == "utils.mlflow_tags" and _excluded_tag(name))
        }
        if gaps:
            missing[module] = gaps
    return missing


def test_every_classic_mlflow_name_exists_in_heron(
    names: tuple[dict[str, list[str]], dict[str, list[str] | None]],
) -> None:
    missing = _missing(names)
    unexpected = {m: sorted(g - NOT_YET.get(m, set())) for m, g in missing.items()}
    assert not {m: g for m, g in unexpected.items() if g}, (
        "MLflow 3.17.2 names missing from Heron (add them, or list them in EXCLUDED with "
        f"a reason): {unexpected}"
    )
    done = {m: sorted(g - missing.get(m, set())) for m, g in NOT_YET.items()}
    assert not {m: g for m, g in done.items() if g}, f"now present, drop from NOT_YET: {done}"


def test_exclusions_name_only_real_mlflow_names(
    names: tuple[dict[str, list[str]], dict[str, list[str] | None]],
) -> None:
    mlflow_names, _ = names
    stale = {
        module: sorted(set(excluded) - set(mlflow_names.get(module) or ()))
        for module, excluded in EXCLUDED.items()
    }
    assert not {m: s for m, s in stale.items() if s}, f"not MLflow names: {stale}"


def test_heron_modules_of_mlflow_paths_import(
    names: tuple[dict[str, list[str]], dict[str, list[str] | None]],
) -> None:
    _, heron_names = names
    assert [module for module, found in heron_names.items() if found is None] == []


def test_classic_names_present_figure(
    names: tuple[dict[str, list[str]], dict[str, list[str] | None]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    mlflow_names, heron_names = names
    classic = present = 0
    for module, wanted in mlflow_names.items():
        have = set(heron_names.get(module) or ())
        for name in wanted:
            if name in EXCLUDED.get(module, {}) or (
                module == "utils.mlflow_tags" and _excluded_tag(name)
            ):
                continue
            classic += 1
            present += name in have
    not_yet = sum(len(names) for names in NOT_YET.values())
    assert present + not_yet == classic
    with capsys.disabled():
        print(f"\nclassic MLflow 3.17.2 names present in Heron: {present}/{classic}")
