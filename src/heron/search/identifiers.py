"""Turning an identifier token into a canonical ``(entity, key, field)``.

Shared by filter and order_by parsing. ``metrics.train.loss`` is entity ``metric`` with key
``train.loss`` (the entity is everything before the first dot); a quoted key
(``tags.`mlflow.runName```) must be the whole key; a bare word is an attribute.
"""

from __future__ import annotations

from dataclasses import dataclass

from heron.search.ast import Entity
from heron.search.grammar import Field, Vocabulary
from heron.search.lexer import Segment, Source, Token

IDENTIFIER_EXPECTED = (
    "an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute"
)


@dataclass(frozen=True, slots=True)
class Identifier:
    """A resolved identifier: canonical entity and key, and how it may be compared."""

    entity: Entity
    key: str
    field: Field


def is_identifier(token: Token) -> bool:
    """Whether ``token`` can name an identifier (a word chain, or a `` ` `` or ``"`` string)."""
    return token.kind == "ident" or (token.kind == "string" and token.quote in '"`')


def join_spaced_key(
    vocabulary: Vocabulary, source: Source, first: Token, second: Token
) -> Token | None:
    """``first`` and ``second`` as one identifier when together they name a fixed key with a
    space written unquoted, as MLflow allows for ``run name`` / ``attributes.Run Name``.

    Returns:
        The joined token, or None when the two tokens are not such a key.
    """
    if first.kind != "ident" or second.kind != "ident" or first.segments[-1].quoted:
        return None
    if len(second.segments) != 1 or second.segments[0].quoted:
        return None
    segments = (*first.segments[:-1], Segment(f"{first.segments[-1].text} {second.text}", False))
    entity = "attribute" if len(segments) == 1 else vocabulary.prefixes.get(segments[0].text)
    if entity is None or segments[-1].text not in vocabulary.fixed.get(entity, {}):
        return None
    text = source.text[first.pos : second.pos + len(second.text)]
    return Token("ident", text, first.pos, value=text, segments=segments)


def resolve(vocabulary: Vocabulary, source: Source, token: Token) -> Identifier:
    """Resolve ``token`` against ``vocabulary``.

    Raises:
        InvalidParameter: For a token that is no identifier, an unknown entity prefix, an
            unknown attribute or dataset key, or an empty or malformed key.
    """
    if not is_identifier(token):
        raise source.unexpected(token, IDENTIFIER_EXPECTED)
    if token.kind == "string":
        return _fixed(vocabulary, source, token, "attribute", token.value)
    first, *rest = token.segments
    if not rest:
        return _fixed(vocabulary, source, token, "attribute", first.text)
    entity = vocabulary.prefixes.get(first.text)
    if entity is None:
        allowed = ", ".join(vocabulary.prefixes)
        raise source.error(
            f"unknown entity '{first.text}' in '{token.text}' at position {token.pos}; "
            f"expected one of {allowed}"
        )
    if len(rest) > 1 and any(segment.quoted for segment in rest):
        raise source.error(
            f"malformed key in '{token.text}' at position {token.pos}; "
            "quote the whole key, e.g. tags.`a.b`"
        )
    key = ".".join(segment.text for segment in rest)
    if entity in vocabulary.free:
        if not key:
            raise source.error(f"empty key in '{token.text}' at position {token.pos}")
        return Identifier(entity, key, vocabulary.free[entity])
    return _fixed(vocabulary, source, token, entity, key)


def _fixed(
    vocabulary: Vocabulary, source: Source, token: Token, entity: Entity, key: str
) -> Identifier:
    keys = vocabulary.fixed.get(entity, {})
    if key in keys:
        canonical, field = keys[key]
        return Identifier(entity, canonical, field)
    what = "attribute" if entity == "attribute" else f"{entity} key"
    hint = vocabulary.hints.get(key)
    if hint is None:
        hint = f"expected one of {', '.join(keys)}"
    raise source.error(f"unknown {what} '{key}' at position {token.pos}; {hint}")
