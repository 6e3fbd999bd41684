"""Trends: how each group's framing of the target changes from period to period.

Documents are placed in a period (month, quarter or year) by their ``date``; per group
and period the report gives documents, target sentences and each device's share with a
bootstrap interval over documents, and per group a permutation test per device of
"the share differs between periods" (periods shuffled over the group's documents, Holm
adjustment over all groups and devices).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from .profiles import CI_LEVEL, TargetData, bootstrap_share_ci, unit_counts
from .stats import holm, label_tests

PERIODS: tuple[str, ...] = ("month", "quarter", "year")
SIGNIFICANCE = 0.05
_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2}))?")


def period_of(date: Any, period: str) -> str | None:
    """The period label of ``date`` ("2016", "2016-Q3", "2016-09"), or None when it has
    no date (or only a year and a finer period is asked for)."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")
    if date is None:
        return None
    if isinstance(date, dt.date | dt.datetime):
        year, month = date.year, date.month
    else:
        match = _DATE.match(str(date))
        if not match:
            return None
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        if month is not None and not 1 <= month <= 12:
            return None
    if period == "year":
        return f"{year:04d}"
    if month is None:
        return None
    if period == "quarter":
        return f"{year:04d}-Q{(month - 1) // 3 + 1}"
    return f"{year:04d}-{month:02d}"


def build_trend(data: TargetData, *, period: str, n_bootstrap: int, n_permutations: int,
                bootstrap_rng: np.random.Generator,
                permutation_rng: np.random.Generator) -> dict[str, Any]:
    """The trend rows, the per-group change tests and the undated-document count.

    Returns ``{"period", "rows", "changes", "undated_documents", "notes"}``; ``rows`` is
    the JSON ``trend`` list of ``{"group", "period", "documents", "sentences",
    "devices": {LABEL: {"count", "share", "ci"}}}``.
    """
    periods = [period_of(info.date, period) for info in data.document_info]
    undated = sum(1 for p in periods if p is None)
    rows: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    documents: dict[str, dict[str, int]] = {}
    for info, label in zip(data.document_info, periods, strict=True):
        if label is not None:
            per_period = documents.setdefault(info.group, {})
            per_period[label] = per_period.get(label, 0) + 1
    for outlet in data.outlets:
        documents_per_period = documents.get(outlet.name, {})
        by_period: dict[str, list[Any]] = {}
        for sentence in outlet.target:
            label = periods[sentence.document]
            if label is not None:
                by_period.setdefault(label, []).append(sentence)
        for label in sorted(documents_per_period):
            sentences = by_period.get(label, [])
            rows.append(_cell(outlet.name, label, documents_per_period[label], sentences,
                              data.labels, n_bootstrap=n_bootstrap, rng=bootstrap_rng))
        changes += _changes(outlet.name, by_period, data.labels, n_permutations=n_permutations,
                            rng=permutation_rng)
    if changes:
        adjusted = holm([c["p_value_raw"] for c in changes])
        for change, p_value in zip(changes, adjusted, strict=True):
            change["p_value"] = round(p_value, 4)
            change["p_value_raw"] = round(change["p_value_raw"], 4)
    notes = []
    if undated:
        notes.append(f"{undated} document(s) have no usable date and are left out of the "
                     f"trend by {period}.")
    return {"period": period, "rows": rows, "changes": changes,
            "undated_documents": undated, "notes": notes}


def _cell(group: str, period: str, documents: int, sentences: Sequence[Any],
          labels: Sequence[str], *, n_bootstrap: int,
          rng: np.random.Generator) -> dict[str, Any]:
    n = len(sentences)
    unit = "documents" if len({s.document for s in sentences}) >= 2 else "sentences"
    hits, totals, _ = unit_counts(sentences, labels, unit)
    counts = hits.sum(axis=0) if n else np.zeros(len(labels))
    ci = bootstrap_share_ci(hits, totals, n_resamples=n_bootstrap, rng=rng, level=CI_LEVEL)
    return {
        "group": group,
        "period": period,
        "documents": documents,
        "sentences": n,
        "devices": {label: {"count": int(counts[j]),
                            "share": round(float(counts[j]) / n, 4) if n else 0.0,
                            "ci": [round(float(ci[j, 0]), 4), round(float(ci[j, 1]), 4)]}
                    for j, label in enumerate(labels)},
    }


def _changes(group: str, by_period: dict[str, list[Any]], labels: Sequence[str], *,
             n_permutations: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    """Per label: does the group's share differ between periods? Units are documents."""
    names = sorted(p for p, sentences in by_period.items() if sentences)
    if len(names) < 2 or n_permutations <= 0:
        return []
    hits_rows, total_rows, owners = [], [], []
    for index, name in enumerate(names):
        hits, totals, _ = unit_counts(by_period[name], labels, "documents")
        hits_rows.append(hits)
        total_rows.append(totals)
        owners += [index] * len(totals)
    hits = np.vstack(hits_rows)
    totals = np.concatenate(total_rows)
    p_values = label_tests(hits, totals, owners, len(names), n_permutations=n_permutations,
                           rng=rng)
    if p_values is None:
        return []
    shares = {name: h.sum(axis=0) / max(1, t.sum())
              for name, h, t in zip(names, hits_rows, total_rows, strict=True)}
    changes = []
    for j, label in enumerate(labels):
        if not hits[:, j].any():
            continue
        low = min(names, key=lambda n: (shares[n][j], n))
        high = max(names, key=lambda n: (shares[n][j], n))
        changes.append({
            "group": group, "label": label, "p_value_raw": float(p_values[j]),
            "first": {"period": names[0], "share": round(float(shares[names[0]][j]), 4)},
            "last": {"period": names[-1], "share": round(float(shares[names[-1]][j]), 4)},
            "lowest": {"period": low, "share": round(float(shares[low][j]), 4)},
            "highest": {"period": high, "share": round(float(shares[high][j]), 4)},
        })
    return changes
