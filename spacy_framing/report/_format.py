"""Small formatting helpers shared by the renderers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

TEXT_EVIDENCE_PER_LABEL = 3
"""Evidence spans shown per label and outlet in text and markdown (JSON has them all)."""


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def share_cell(stats: Mapping[str, Any]) -> str:
    """``4  18% [5–32]``: count, share and its confidence interval in percent."""
    low, high = stats["ci"]
    return f"{stats['count']}  {pct(stats['share'])} [{100 * low:.0f}–{100 * high:.0f}]"


def number(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def active_labels(outlets: Sequence[Mapping[str, Any]]) -> list[str]:
    """Labels with at least one hit in some outlet, in report order (all when none)."""
    if not outlets:
        return []
    labels = list(outlets[0]["devices"])
    active = [label for label in labels if any(o["devices"][label]["count"] for o in outlets)]
    return active or labels


def top_items(counts: Mapping[str, int], n: int = 3) -> str:
    items = sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{k} {v}" for k, v in items) or "–"


def agency_cell(agency: Mapping[str, int]) -> str:
    return f"{agency['agent']} / {agency['affected']} / {agency['other']}"


def evidence_by_label(outlet: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for item in outlet["evidence"]:
        grouped.setdefault(item["label"], []).append(item)
    return grouped


def marked_sentence(item: Mapping[str, Any], left: str, right: str) -> str:
    """The evidence sentence with the span wrapped in ``left``/``right`` markers."""
    text = item["text"]
    start, end = item["span"]
    return " ".join((text[:start] + left + text[start:end] + right + text[end:]).split())


TREND_LABELS = 4
"""Device columns in the text and markdown trend tables (the most used; JSON has all)."""


def trend_labels(rows: Sequence[Mapping[str, Any]], n: int | None = TREND_LABELS) -> list[str]:
    """The labels most used over the trend rows, in descending order of use."""
    if not rows:
        return []
    totals: dict[str, int] = {}
    for row in rows:
        for label, stats in row["devices"].items():
            totals[label] = totals.get(label, 0) + stats["count"]
    ranked = [label for label, count in sorted(totals.items(), key=lambda kv: -kv[1])
              if count]
    return ranked[:n] if n is not None else ranked


def trend_cell(stats: Mapping[str, Any]) -> str:
    """``18% [5–32]``: a trend share and its interval in percent."""
    low, high = stats["ci"]
    return f"{pct(stats['share'])} [{100 * low:.0f}–{100 * high:.0f}]"


def target_heading(result: Mapping[str, Any]) -> str:
    """The target as report headers name it: "China", or, for a person,
    "Barack Obama (person; United States)"."""
    info = result.get("target_info") or {}
    if info.get("kind") != "person":
        return str(result["target"])
    actors = ", ".join(info.get("actors") or ()) or "no actor known"
    return f"{result['target']} (person; {actors})"
