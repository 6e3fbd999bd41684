"""The framing_devices rule schema: the keys a record may have and the check of its values
(validated once, when a rule file or ``add_patterns`` records are read).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import DeviceErrors
from ..rules import (
    RuleSchema,
    string_list,
)

_REQUIRED_KEYS = ("id", "label")
_KIND_KEYS = ("pattern", "phrase", "dep_pattern")
WORD_LIST_KEYS = ("not_in_sentence", "in_sentence", "not_preceded_by", "not_followed_by")
_ALLOWED_KEYS = (*_KIND_KEYS, "span", "actor_nodes", "forms", *WORD_LIST_KEYS, "note")
_LABEL_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def strings(value: Any, key: str) -> list[str]:
    """``value`` as a non-empty list of non-blank strings (E152 otherwise)."""
    return string_list(value, key, error=DeviceErrors.E152)


@dataclass(frozen=True)
class CompiledRule:
    """A validated rule in the form matching needs."""

    rule_id: str
    label: str
    order: int
    span_nodes: tuple[int, ...] = ()
    actor_nodes: tuple[int, ...] = ()
    not_in_sentence: frozenset[str] = frozenset()
    in_sentence: frozenset[str] = frozenset()
    not_preceded_by: frozenset[str] = frozenset()
    not_followed_by: frozenset[str] = frozenset()


def node_names(dep_pattern: list[dict[str, Any]]) -> list[str]:
    return [node.get("RIGHT_ID") for node in dep_pattern]


def _check_record(record: Mapping[str, Any]) -> None:
    """Raise ValueError when a rule's values are unusable (keys were checked by _rules)."""
    rule_id, label = record["id"], record["label"]
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise ValueError(DeviceErrors.E151.format(value=rule_id))
    if not isinstance(label, str) or not _LABEL_RE.match(label):
        raise ValueError(DeviceErrors.E153.format(value=label))
    kinds = [key for key in _KIND_KEYS if key in record]
    if len(kinds) != 1:
        raise ValueError(DeviceErrors.E154.format(given=", ".join(kinds) or "none"))
    kind = kinds[0]
    if kind == "pattern" and not (
        isinstance(record["pattern"], list) and record["pattern"]
        and all(isinstance(token, dict) for token in record["pattern"])
    ):
        raise ValueError(DeviceErrors.E155.format(key="pattern"))
    if kind == "phrase":
        strings(record["phrase"], "phrase")
    if kind != "dep_pattern" and ("span" in record or "actor_nodes" in record):
        raise ValueError(DeviceErrors.E156)
    if kind == "dep_pattern":
        pattern = record["dep_pattern"]
        if not (isinstance(pattern, list) and pattern
                and all(isinstance(node, dict) for node in pattern)):
            raise ValueError(DeviceErrors.E155.format(key="dep_pattern"))
        names = node_names(pattern)
        for key in ("span", "actor_nodes"):
            if key in record:
                unknown = [name for name in strings(record[key], key) if name not in names]
                if unknown:
                    raise ValueError(DeviceErrors.E157.format(key=key, unknown=unknown,
                                                              names=names))
    if "forms" in record:
        forms = record["forms"]
        if not isinstance(forms, dict) or not all(
            isinstance(lemma, str) and isinstance(values, list)
            and all(isinstance(value, str) for value in values)
            for lemma, values in forms.items()
        ):
            raise ValueError(DeviceErrors.E158)
    for key in WORD_LIST_KEYS:
        if key in record:
            words = strings(record[key], key)
            if any(word != word.lower() or " " in word.strip() for word in words):
                raise ValueError(DeviceErrors.E159.format(key=key))


def _record_problem(record: Mapping[str, Any]) -> str | None:
    try:
        _check_record(record)
    except ValueError as err:
        return str(err)
    return None


DEVICE_SCHEMA = RuleSchema(name="framing_devices", required=_REQUIRED_KEYS,
                           allowed=_ALLOWED_KEYS, check=_record_problem)
