"""Type aliases shared across the package (textacy style)."""

from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from typing import Any, TypeAlias

PathLikeStr: TypeAlias = str | PathLike[str]
Pattern: TypeAlias = dict[str, Any]
"""One rule record as read from a JSONL rule file."""
Patterns: TypeAlias = Sequence[Pattern]
AliasMap: TypeAlias = Mapping[str, Sequence[str]]
"""Canonical actor name -> extra aliases."""
Record: TypeAlias = dict[str, Any]
"""One input document: text, outlet, doc_id and optional meta."""
Records: TypeAlias = Iterable[Record]
Facts: TypeAlias = dict[str, Any]
"""Plain per-document facts extracted from a Doc (see spacy_framing.facts)."""
