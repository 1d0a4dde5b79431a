"""Tokens of the search grammar, and the errors that point at them.

One left-to-right pass over the text (no regular expressions, so no backtracking on hostile
input; string literals are scanned with ``str.find``, linear in their length). Identifiers
are lexed whole: ``metrics.train.loss`` and
``tags.`mlflow.runName``` are one :class:`Token` each, made of dot-separated segments, so
the parser never has to glue pieces back together or guess whether whitespace split them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from heron.exceptions import InvalidParameter

TokenKind = Literal["ident", "string", "number", "op", "lparen", "rparen", "comma", "end"]

_OP_CHARS = "<>=!"
_QUOTES = "'\"`"
_IDENT_QUOTES = '"`'  # a string in these quotes may start an identifier; any may continue one
_PUNCTUATION: dict[str, TokenKind] = {"(": "lparen", ")": "rparen", ",": "comma"}


@dataclass(frozen=True, slots=True)
class Segment:
    """One dot-separated part of an identifier, unquoted."""

    text: str
    quoted: bool


@dataclass(frozen=True, slots=True)
class Token:
    """A token: its kind, its exact source text and where it starts (0-based).

    ``value`` is the unquoted content of a string and the text of a number. ``quote`` is the
    quote character of a string. ``segments`` are the parts of an identifier.
    """

    kind: TokenKind
    text: str
    pos: int
    value: str = ""
    quote: str = ""
    segments: tuple[Segment, ...] = ()

    def is_keyword(self, word: str) -> bool:
        """Whether this is the bare word ``word`` (an upper-case keyword), in any case."""
        return (
            self.kind == "ident"
            and len(self.segments) == 1
            and not self.segments[0].quoted
            and self.text.upper() == word
        )


MAX_QUOTED = 1000
"""Characters of the text an error quotes at most."""


class Source:
    """The text being parsed, with a label, to build errors that quote and point into it.

    Args:
        label: What the text is, as named in messages (``"filter"``, ``"order_by clause"``).
        text: The text itself.
    """

    __slots__ = ("label", "text")

    def __init__(self, label: str, text: str):
        self.label = label
        self.text = text

    def error(self, detail: str) -> InvalidParameter:
        """An INVALID_PARAMETER_VALUE error: ``Invalid <label> '<text>': <detail>``."""
        text = self.text if len(self.text) <= MAX_QUOTED else self.text[:MAX_QUOTED] + "..."
        return InvalidParameter(f"Invalid {self.label} '{text}': {detail}")

    def unexpected(self, token: Token, expected: str) -> InvalidParameter:
        """An error naming ``token``, its position, and what should have been there."""
        if token.kind == "end":
            found = f"unexpected end of {self.label} at position {token.pos}"
        else:
            found = f"unexpected token {quote(token.text)} at position {token.pos}"
        return self.error(f"{found}; expected {expected}")


def quote(text: str) -> str:
    """``text`` in single quotes, or in double quotes when it holds a single quote."""
    return f'"{text}"' if "'" in text else f"'{text}'"


def string_literal(value: str) -> str:
    """``value`` as a single-quoted filter literal that parses back to exactly ``value``.

    Example: ``f"tags.note = {string_literal(text)}"`` is safe whatever ``text`` holds.
    """
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def tokenize(source: Source) -> list[Token]:
    """Split ``source.text`` into tokens, ending with one ``end`` token.

    Raises:
        InvalidParameter: On an unterminated string, a malformed number, or a character
            that starts no token.
    """
    return _Lexer(source).run()


def _is_word_start(char: str) -> bool:
    return char.isalpha() or char == "_"


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "_/-"


class _Lexer:
    __slots__ = ("i", "source", "text", "tokens")

    def __init__(self, source: Source):
        self.source = source
        self.text = source.text
        self.i = 0
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        text, n = self.text, len(self.text)
        while True:
            while self.i < n and text[self.i].isspace():
                self.i += 1
            if self.i >= n:
                self.tokens.append(Token("end", "", n))
                return self.tokens
            self.tokens.append(self._token(text[self.i]))

    def _token(self, char: str) -> Token:
        start = self.i
        if char in _PUNCTUATION:
            self.i += 1
            return Token(_PUNCTUATION[char], char, start)
        if char in _OP_CHARS:
            while self.i < len(self.text) and self.text[self.i] in _OP_CHARS:
                self.i += 1
            return Token("op", self.text[start : self.i], start)
        if char in _QUOTES:
            value = self._quoted(char)
            if char in _IDENT_QUOTES and self._continues_identifier():
                return self._identifier(start, [Segment(value, quoted=True)])
            return Token("string", self.text[start : self.i], start, value=value, quote=char)
        if char.isdigit() or (char in "-." and self._digit_follows(char)):
            return self._number()
        if _is_word_start(char):
            return self._identifier(start, [Segment(self._word(), quoted=False)])
        raise self.source.error(f"unexpected character '{char}' at position {start}")

    def _digit_follows(self, char: str) -> bool:
        rest = self.text[self.i + 1 : self.i + 3]
        if char == ".":
            return rest[:1].isdigit()
        return rest[:1].isdigit() or (rest[:1] == "." and rest[1:2].isdigit())

    def _word(self) -> str:
        start = self.i
        while self.i < len(self.text) and _is_word_char(self.text[self.i]):
            self.i += 1
        return self.text[start : self.i]

    def _quoted(self, quote: str) -> str:
        """Consume a quoted string; ``\\<quote>``, ``\\\\`` and a doubled quote are escapes.

        A backslash before any other character is kept as it is.
        """
        text, start = self.text, self.i
        i = start + 1
        parts: list[str] = []
        end = -1
        while True:
            if end < i:  # find the next candidate closing quote only once per quote: linear
                end = text.find(quote, i)
                if end < 0:
                    raise self.source.error(f"unterminated string starting at position {start}")
            slash = text.find("\\", i, end)
            if slash >= 0:
                escaped = text[slash + 1 : slash + 2]
                keep = escaped if escaped in (quote, "\\") else "\\"
                parts += (text[i:slash], keep)
                i = slash + 1 + len(escaped) if keep == escaped else slash + 1
                continue
            parts.append(text[i:end])
            if text[end + 1 : end + 2] != quote:
                self.i = end + 1
                return "".join(parts)
            parts.append(quote)
            i = end + 2

    def _number(self) -> Token:
        text, start = self.text, self.i
        if text[self.i] == "-":
            self.i += 1
        self._digits()
        if text[self.i : self.i + 1] == ".":
            self.i += 1
            self._digits()
        if text[self.i : self.i + 1] in ("e", "E"):
            mark = self.i
            self.i += 1
            if text[self.i : self.i + 1] in ("+", "-"):
                self.i += 1
            if not self._digits():
                self.i = mark
        if self.i < len(text) and (_is_word_char(text[self.i]) or text[self.i] == "."):
            while self.i < len(text) and (_is_word_char(text[self.i]) or text[self.i] == "."):
                self.i += 1
            bad = text[start : self.i]
            raise self.source.error(f"invalid number '{bad}' at position {start}")
        return Token("number", text[start : self.i], start, value=text[start : self.i])

    def _digits(self) -> bool:
        start = self.i
        while self.i < len(self.text) and self.text[self.i].isdigit():
            self.i += 1
        return self.i > start

    def _continues_identifier(self) -> bool:
        return self.text[self.i : self.i + 1] == "."

    def _identifier(self, start: int, segments: list[Segment]) -> Token:
        """Consume ``.segment`` parts following the first segment, without whitespace."""
        while self._continues_identifier():
            dot = self.i
            self.i += 1
            char = self.text[self.i : self.i + 1]
            if char and char in _QUOTES:  # MLflow's docs use metrics.'my metric' too
                segments.append(Segment(self._quoted(char), quoted=True))
            elif char and _is_word_char(char) and char not in "/-":
                segments.append(Segment(self._word(), quoted=False))
            else:
                raise self.source.error(f"expected a key after '.' at position {dot}")
        text = self.text[start : self.i]
        return Token("ident", text, start, value=text, segments=tuple(segments))
