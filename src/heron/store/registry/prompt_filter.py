"""How a registry search treats the prompt tag, once for every registry store.

MLflow keeps prompts (models and versions tagged ``mlflow.prompt.is_prompt = 'true'``) out
of a search unless its filter asks for them. As MLflow 3.17.2's SQL store does: when the
first clause on that tag is ``= 'true'`` or ``!= 'false'`` (any case), the filter applies as
written; otherwise its clauses on that tag are dropped and prompts are left out.
"""

from __future__ import annotations

from heron.entities.registry import PROMPT_TAG
from heron.search import And, Comparison, Node, Or

NOT_A_PROMPT = Comparison("tag", PROMPT_TAG, "!=", "true")
"""The restriction to non-prompts (a missing tag reads as ``'false'``)."""


def without_prompts(node: Node | None) -> Node:
    """The filter a registry search applies for the parsed filter ``node`` (None: none)."""
    terms = () if node is None else node.terms if isinstance(node, And) else (node,)
    asks = [term for term in terms if _names_prompt_tag(term)]
    if node is not None and asks and _asks_for_prompts(asks[0]):
        return node
    kept = tuple(term for term in terms if not _names_prompt_tag(term))
    return And((*kept, NOT_A_PROMPT)) if kept else NOT_A_PROMPT


def _asks_for_prompts(node: Node) -> bool:
    if not isinstance(node, Comparison) or not isinstance(node.value, str):
        return False
    value = node.value.lower()
    return (node.op == "=" and value == "true") or (node.op == "!=" and value == "false")


def _names_prompt_tag(node: Node) -> bool:
    if isinstance(node, And | Or):
        return any(_names_prompt_tag(term) for term in node.terms)
    return node.entity == "tag" and node.key == PROMPT_TAG
