"""What each search target accepts: entity prefixes, keys, comparators and value types.

One :class:`Target` per searchable thing (runs, experiments, registered models, model
versions, logged models). Adding a target is adding a table entry; the parser and
``order_by`` parsing read only these tables. Canonical attribute keys are the entity's
field names (``created`` becomes ``start_time``, ``source_path`` becomes ``source``,
``version_number`` becomes ``version``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from heron.search.ast import Entity

ValueKind = Literal["number", "integer", "string", "integer_string"]

NUMERIC_OPS: tuple[str, ...] = ("=", "!=", ">", ">=", "<", "<=")
STRING_OPS: tuple[str, ...] = ("=", "!=", "LIKE", "ILIKE")
LIST_OPS: tuple[str, ...] = ("IN", "NOT IN")
NULL_OPS: tuple[str, ...] = ("IS NULL", "IS NOT NULL")
ALL_OPS: tuple[str, ...] = NUMERIC_OPS + STRING_OPS[2:] + LIST_OPS + NULL_OPS


@dataclass(frozen=True, slots=True)
class Field:
    """How one key may be compared.

    Attributes:
        value: ``number`` (unquoted int or float), ``integer`` (unquoted int),
            ``string`` (quoted) or ``integer_string`` (a quoted or bare integer, kept as
            its canonical decimal string, e.g. experiment ids).
        ops: The comparators allowed, in the order error messages list them.
    """

    value: ValueKind
    ops: tuple[str, ...]


METRIC = Field("number", NUMERIC_OPS)
INTEGER = Field("integer", NUMERIC_OPS)
TEXT = Field("string", STRING_OPS)
TEXT_IN = Field("string", STRING_OPS + LIST_OPS)
TEXT_OR_NULL = Field("string", STRING_OPS + NULL_OPS)
NUMERIC_ID = Field("integer_string", ("=", "!=", *LIST_OPS))
SORT_ONLY = Field("string", ())


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The identifiers one context (a target's filter, or its order_by) accepts.

    Attributes:
        prefixes: Entity prefix as written (``metrics``, ``attr``) -> canonical entity.
        free: Entities whose keys are user-chosen (metrics, params, tags) -> their field.
        fixed: Entities with a closed set of keys -> {key as written: (canonical, field)}.
        hints: Extra words for an error about a known-but-refused key.
    """

    prefixes: Mapping[str, Entity]
    free: Mapping[Entity, Field]
    fixed: Mapping[Entity, Mapping[str, tuple[str, Field]]]
    hints: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Target:
    """A searchable thing: its filter vocabulary and its order_by vocabulary."""

    name: str
    filter: Vocabulary
    order_by: Vocabulary


def _prefixes(**groups: tuple[str, ...]) -> dict[str, Entity]:
    entity_of: dict[str, Entity] = {
        "attribute": "attribute",
        "metric": "metric",
        "param": "param",
        "tag": "tag",
        "dataset": "dataset",
    }
    return {alias: entity_of[entity] for entity, aliases in groups.items() for alias in aliases}


def _keys(*entries: tuple[tuple[str, ...], Field]) -> dict[str, tuple[str, Field]]:
    """Each entry is (names, field); the first name is the canonical key."""
    return {name: (names[0], fld) for names, fld in entries for name in names}


def _sortable(keys: Mapping[str, tuple[str, Field]]) -> dict[str, tuple[str, Field]]:
    return {name: (canonical, SORT_ONLY) for name, (canonical, _) in keys.items()}


_ATTRIBUTE = ("attribute", "attributes", "attr", "run")
_TAG = ("tag", "tags")

_RUN_ATTRIBUTES = _keys(
    (("run_id", "run_uuid"), TEXT_IN),
    (("run_name", "run name", "Run name", "Run Name"), TEXT),
    (("status",), TEXT),
    (("user_id",), TEXT),
    (("artifact_uri",), TEXT),
    (("start_time", "created", "Created"), INTEGER),
    (("end_time",), INTEGER),
)
_RUN_HINTS = {"lifecycle_stage": "lifecycle_stage is not filterable; use run_view_type"}

RUNS = Target(
    name="runs",
    filter=Vocabulary(
        prefixes=_prefixes(
            metric=("metric", "metrics"),
            param=("parameter", "parameters", "param", "params"),
            tag=_TAG,
            attribute=_ATTRIBUTE,
            dataset=("dataset", "datasets"),
        ),
        free={"metric": METRIC, "param": TEXT_OR_NULL, "tag": TEXT_OR_NULL},
        fixed={
            "attribute": _RUN_ATTRIBUTES,
            "dataset": _keys((("name",), TEXT_IN), (("digest",), TEXT_IN), (("context",), TEXT_IN)),
        },
        hints=_RUN_HINTS,
    ),
    order_by=Vocabulary(
        prefixes=_prefixes(
            metric=("metric", "metrics"),
            param=("parameter", "parameters", "param", "params"),
            tag=_TAG,
            attribute=_ATTRIBUTE,
        ),
        free={"metric": SORT_ONLY, "param": SORT_ONLY, "tag": SORT_ONLY},
        fixed={"attribute": _sortable(_RUN_ATTRIBUTES)},
        hints=_RUN_HINTS,
    ),
)

_EXPERIMENT_ATTRIBUTES = _keys(
    (("name",), TEXT),
    (("experiment_id",), NUMERIC_ID),
    (("creation_time",), INTEGER),
    (("last_update_time",), INTEGER),
)

EXPERIMENTS = Target(
    name="experiments",
    filter=Vocabulary(
        prefixes=_prefixes(attribute=("attribute", "attributes"), tag=_TAG),
        free={"tag": TEXT_OR_NULL},
        fixed={"attribute": _EXPERIMENT_ATTRIBUTES},
    ),
    order_by=Vocabulary(
        prefixes=_prefixes(attribute=("attribute", "attributes")),
        free={},
        fixed={"attribute": _sortable(_EXPERIMENT_ATTRIBUTES)},
    ),
)

REGISTERED_MODELS = Target(
    name="registered_models",
    filter=Vocabulary(
        prefixes=_prefixes(attribute=("attribute", "attributes"), tag=_TAG),
        free={"tag": TEXT},
        fixed={"attribute": _keys((("name",), TEXT_IN))},
    ),
    order_by=Vocabulary(
        prefixes=_prefixes(attribute=("attribute", "attributes")),
        free={},
        fixed={
            "attribute": _keys(
                (("name",), SORT_ONLY),
                (("last_updated_timestamp", "timestamp"), SORT_ONLY),
                (("creation_timestamp",), SORT_ONLY),
            )
        },
    ),
)

MODEL_VERSIONS = Target(
    name="model_versions",
    filter=Vocabulary(
        prefixes=_prefixes(attribute=("attribute", "attributes"), tag=_TAG),
        free={"tag": TEXT},
        fixed={
            "attribute": _keys(
                (("name",), TEXT_IN),
                (("run_id",), TEXT_IN),
                (("source", "source_path"), TEXT),
                (("version", "version_number"), INTEGER),
            )
        },
    ),
    order_by=Vocabulary(
        prefixes=_prefixes(attribute=("attribute", "attributes")),
        free={},
        fixed={
            "attribute": _keys(
                (("name",), SORT_ONLY),
                (("version", "version_number"), SORT_ONLY),
                (("creation_timestamp",), SORT_ONLY),
                (("last_updated_timestamp",), SORT_ONLY),
            )
        },
    ),
)

_LOGGED_MODEL_ATTRIBUTES = _keys(
    (("name",), TEXT_IN),
    (("model_id",), TEXT_IN),
    (("model_type",), TEXT_IN),
    (("status",), TEXT_IN),
    (("source_run_id",), TEXT_IN),
    (("creation_timestamp", "creation_time"), INTEGER),
    (("last_updated_timestamp", "last_updated_time"), INTEGER),
)

# MLflow 3.x logged models. order_by is structured ({"field_name": ...}) on the wire; its
# vocabulary here names what may be sorted on.
LOGGED_MODELS = Target(
    name="logged_models",
    filter=Vocabulary(
        prefixes=_prefixes(
            metric=("metric", "metrics"),
            param=("param", "params", "parameter", "parameters"),
            tag=_TAG,
            attribute=("attribute", "attributes", "attr"),
        ),
        free={"metric": METRIC, "param": TEXT_OR_NULL, "tag": TEXT_OR_NULL},
        fixed={"attribute": _LOGGED_MODEL_ATTRIBUTES},
    ),
    order_by=Vocabulary(
        prefixes=_prefixes(metric=("metric", "metrics"), attribute=("attribute", "attributes")),
        free={"metric": SORT_ONLY},
        fixed={"attribute": _sortable(_LOGGED_MODEL_ATTRIBUTES)},
    ),
)

TARGETS: dict[str, Target] = {
    t.name: t for t in (RUNS, EXPERIMENTS, REGISTERED_MODELS, MODEL_VERSIONS, LOGGED_MODELS)
}


def get_target(name: str) -> Target:
    """The target called ``name``.

    Raises:
        ValueError: For a name not in :data:`TARGETS` (a programming error, not user input).
    """
    try:
        return TARGETS[name]
    except KeyError:
        raise ValueError(
            f"Unknown search target {name!r}; expected one of {list(TARGETS)}"
        ) from None
