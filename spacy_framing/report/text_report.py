"""The ``--format text`` output: readable terminal tables (coloured on a terminal)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click

from ._format import (
    TEXT_EVIDENCE_PER_LABEL,
    active_labels,
    agency_cell,
    evidence_by_label,
    marked_sentence,
    number,
    pct,
    share_cell,
    target_heading,
    top_items,
    trend_cell,
    trend_labels,
)

WIDTH = 100
"""Summary, notes and feature lists are wrapped to this many columns."""
WIDE_GROUPS = 6
"""With more groups than this, profiles are printed one row per group (not per column)."""
WIDE_LABELS = 6


def render_text(result: Mapping[str, Any], *, colour: bool = False) -> str:
    def style(text: str, **kwargs: Any) -> str:
        return click.style(text, **kwargs) if colour else text

    target = result["target"]
    outlets: Sequence[Mapping[str, Any]] = result["outlets"]
    names = [o["name"] for o in outlets]
    lines = [style(f"framing compare — target: {target_heading(result)}", bold=True), ""]

    if len(outlets) > WIDE_GROUPS:
        lines += _wide_lines(result, style)
    else:
        rows: list[tuple[str, list[str], bool]] = [
            ("documents", [str(o["documents"]) for o in outlets], False),
            (f"{target} sentences", [f"{o['target_sentences']} of {o['sentences']}"
                                     for o in outlets], False),
            ("CI resampling", [o["ci_resampling"] for o in outlets], False),
        ]
        lines += _table("", names, rows, style)
        lines += ["", style(f"Devices in {target} sentences: count  share [95% CI, %]", bold=True)]
        device_rows = [(label, [share_cell(o["devices"][label]) for o in outlets],
                        any(o["devices"][label]["count"] for o in outlets))
                       for label in active_labels(outlets)]
        lines += _table("label", names, device_rows, style)
        lines += ["", style("Epistemic markers, voices and agency", bold=True)]
        other_rows = [
            ("hedges /100 tokens", [number(o["hedge_density"]) for o in outlets], False),
            ("boosters /100 tokens", [number(o["booster_density"]) for o in outlets], False),
            ("uncertain sentences", [pct(o["uncertain_share"]) for o in outlets], False),
            *[(f"sources: {kind}", [str(o["sources"].get(kind, 0)) for o in outlets], False)
              for kind in outlets[0]["sources"]],
            ("source actors", [top_items(o["source_actors"]) for o in outlets], False),
            ("agent / affected / other", [agency_cell(o["agency"]) for o in outlets], False),
        ] if outlets else []
        lines += _table("", names, other_rows, style)

    lines += ["", style("Across outlets", bold=True)]
    minimum = (result.get("settings") or {}).get("min_target_sentences", 0)
    solid = {o["name"] for o in outlets if o["target_sentences"] >= minimum}
    lines += _divergence_lines(result.get("divergence") or {}, solid)
    lines += _model_lines(result.get("contrast_model") or {})
    if result.get("stratification"):
        lines += ["", style(f"Within strata ({result['stratification']['field']})", bold=True)]
        lines += _stratification_lines(result["stratification"], style)
    if result.get("trend") is not None:
        period = (result.get("settings") or {}).get("period") or "period"
        lines += ["", style(f"Trend by {period}: {target} sentences and device shares "
                            "[95% CI, %]", bold=True)]
        lines += _trend_lines(result["trend"], style)

    lines += ["", style("Summary", bold=True)]
    for sentence in result.get("summary", []):
        lines += _wrap(sentence, "  - ")
    notes = result.get("notes") or []
    if notes:
        lines += ["", style("Notes", bold=True)]
        lines += [style(line, fg="yellow") for note in notes for line in _wrap(note, "  ! ")]

    marks = ("\x00", "\x01") if colour else ("«", "»")
    lines += ["", style("Evidence (the device's span marked; all of it in --format json)",
                        bold=True)]
    # With many groups the evidence of the largest ones stands for all (JSON has it all).
    shown = outlets if len(outlets) <= WIDE_GROUPS else sorted(
        outlets, key=lambda o: -o["target_sentences"])[:WIDE_GROUPS]
    for outlet in shown:
        grouped = evidence_by_label(outlet)
        if not grouped:
            continue
        lines.append(style(f"  {outlet['name']}", bold=True))
        # With one article per outlet the document id only repeats the outlet's name.
        several = outlet.get("documents", 0) > 1
        for label, items in grouped.items():
            lines.append(f"    {style(label, fg='cyan')} ({len(items)})")
            for item in items[:TEXT_EVIDENCE_PER_LABEL]:
                voice = "quoted" if item["voice"] == "quoted" else "outlet's voice"
                prefix = f"{item['doc_id']}: " if several else ""
                # Wrapped with the markers in place (one column each in both modes), so
                # the coloured report breaks its lines where the plain one does.
                wrapped = _wrap(f"{prefix}{marked_sentence(item, *marks)}  ({voice})",
                                "      - ", " " * 8)
                lines += _style_marked(wrapped, marks, style) if colour else wrapped
            if len(items) > TEXT_EVIDENCE_PER_LABEL:
                lines.append(f"      … {len(items) - TEXT_EVIDENCE_PER_LABEL} more")
    return "\n".join(lines) + "\n"


def _wide_lines(result: Mapping[str, Any], style: Callable[..., str]) -> list[str]:
    """Profiles with one row per group: readable with dozens of groups (``--by date``)."""
    target = result["target"]
    outlets = result["outlets"]
    labels = [label for label in active_labels(outlets)
              if any(o["devices"][label]["count"] for o in outlets)]
    labels = sorted(labels, key=lambda label: -sum(o["devices"][label]["count"]
                                                   for o in outlets))[:WIDE_LABELS]
    lines = [style(f"{len(outlets)} groups: documents, {target} sentences, most used devices "
                   "[95% CI, %]", bold=True)]
    rows = [(o["name"], [str(o["documents"]), str(o["target_sentences"]),
                         *[trend_cell(o["devices"][label]) for label in labels]], False)
            for o in outlets]
    lines += _table("group", ["docs", "sentences", *labels], rows, style)
    lines += ["", style("Epistemic markers and agency", bold=True)]
    rows = [(o["name"], [number(o["hedge_density"]), number(o["booster_density"]),
                         pct(o["uncertain_share"]), agency_cell(o["agency"])], False)
            for o in outlets]
    lines += _table("group", ["hedges/100", "boosters/100", "uncertain",
                              "agent/affected/other"], rows, style)
    return lines


def _table(corner: str, names: Sequence[str], rows: Sequence[tuple[str, list[str], bool]],
           style: Callable[..., str]) -> list[str]:
    if not rows:
        return []
    first = max(len(corner), *(len(label) for label, _, _ in rows))
    widths = [max(len(name), *(len(cells[i]) for _, cells, _ in rows))
              for i, name in enumerate(names)]
    # Pad before styling: escape codes would otherwise count towards the width.
    last = len(names) - 1
    header = "  " + corner.ljust(first) + "".join(
        "  " + style(name if i == last else name.ljust(width), bold=True)
        for i, (name, width) in enumerate(zip(names, widths, strict=True)))
    out = [header if names else header.rstrip()]
    for label, cells, highlight in rows:
        label_cell = label.ljust(first)
        out.append(("  " + (style(label_cell, fg="cyan") if highlight else label_cell)
                    + "".join("  " + cell.ljust(width)
                              for cell, width in zip(cells, widths, strict=True))).rstrip())
    return out


def _divergence_lines(divergence: Mapping[str, Any], solid: set[str]) -> list[str]:
    """The divergence matrix; with many groups the most distinct pairs of ``solid`` groups
    (those with enough target sentences: tiny groups are trivially disjoint)."""
    names = divergence.get("outlets") or []
    matrix = divergence.get("jensen_shannon") or []
    if len(names) < 2:
        return ["  Jensen–Shannon divergence: needs two outlets."]
    within = f" within {divergence['permutation_strata']}" \
        if divergence.get("permutation_strata") else ""
    lines = ["  Jensen–Shannon divergence of the device distributions (0 = same, 1 = disjoint),",
             f"  permutation test over {divergence.get('permutation_unit')}{within} "
             f"({divergence.get('n_permutations')} permutations):"]
    if len(names) > WIDE_GROUPS:
        # A matrix of dozens of groups is unreadable: the most distinct pairs instead.
        pairs = sorted(((v, a, b) for i, (a, row) in enumerate(zip(names, matrix, strict=True))
                        for b, v in zip(names[i + 1:], row[i + 1:], strict=True)
                        if v is not None and a in solid and b in solid),
                       key=lambda item: -item[0])[:5]
        lines.append("    most distinct pairs of groups with enough target sentences:")
        lines += [f"      {a} vs {b}: {number(v)}" for v, a, b in pairs]
        lines.append(f"    mean divergence {number(divergence.get('statistic'))}, "
                     f"p = {number(divergence.get('p_value'), 3)} (all pairs in --format json)")
        return lines
    width = max(len(n) for n in names)
    lines.append("    " + " " * width + "".join(f"  {n:>{max(len(n), 5)}}" for n in names))
    for name, row in zip(names, matrix, strict=True):
        lines.append(f"    {name:<{width}}" + "".join(
            f"  {number(v):>{max(len(n), 5)}}" for n, v in zip(names, row, strict=True)))
    lines.append(f"    mean divergence {number(divergence.get('statistic'))}, "
                 f"p = {number(divergence.get('p_value'), 3)}")
    return lines


def _model_lines(model: Mapping[str, Any]) -> list[str]:
    accuracy = model.get("cv_balanced_accuracy")
    if accuracy is None:
        lines = ["  Contrast model: not cross-validated (see notes)."]
    else:
        folds = f"{model['cv_folds']}-fold CV {_cv_unit(model)}"
        lines = ["  Contrast model: logistic regression guessing the outlet of a target sentence",
                 f"    balanced accuracy {number(accuracy)} vs chance {number(model['chance'])} "
                 f"({folds}, {model['n_sentences']} sentences)"]
    top = model.get("top_features") or {}
    if top:
        lines.append("    strongest features:")
    for outlet, features in top.items():
        items = [f"{name} {weight:+.2f}" for name, weight in features[:6]] or ["–"]
        lines += _wrap_items(f"      {outlet}: ", items, " " * 8)
    for kind, what in (("framing", "framing features only"),
                       ("lexical", "words only, outlet names masked")):
        sub = model.get(kind)
        if not sub:
            continue
        lines.append(f"  {kind.capitalize()} model ({what}): balanced accuracy "
                     f"{number(sub.get('cv_balanced_accuracy'))} vs chance "
                     f"{number(sub.get('chance'))}")
        for outlet, features in (sub.get("top_features") or {}).items():
            items = [f"{name} {weight:+.2f}" for name, weight in features[:4]] or ["–"]
            lines += _wrap_items(f"      {outlet}: ", items, " " * 8)
    return lines


def _stratification_lines(stratification: Mapping[str, Any],
                          style: Callable[..., str]) -> list[str]:
    field = stratification["field"]
    lines = [f"  {stratification['strata']} strata, {stratification['informative_strata']} "
             f"with target sentences from several groups; outlets shuffled within {field}.",
             f"  divergence p = {number(stratification.get('divergence_p_value_unstratified'), 3)}"
             f" overall, {number(stratification.get('divergence_p_value'), 3)} within {field}"]
    adjusted = stratification.get("adjusted_shares") or {}
    # Shares standardised to the corpus's mix of strata: the profiles compared within strata.
    groups = list(adjusted) if len(adjusted) <= 4 else []
    rows = [(label, [number(v["p_value"], 3), number(v["p_value_stratified"], 3),
                     v["verdict"], *[pct(adjusted[g].get(label, 0.0)) for g in groups]],
             v["verdict"] == "survives")
            for label, v in (stratification.get("labels") or {}).items()]
    if groups:
        lines.append(f"  (group columns: shares standardised to the corpus's mix of {field})")
    lines += _table("label (Holm p)", ["overall", f"within {field}", "verdict", *groups], rows,
                    style)
    return lines


def _trend_lines(rows: Sequence[Mapping[str, Any]], style: Callable[..., str]) -> list[str]:
    if not rows:
        return ["  No dated target sentences."]
    labels = trend_labels(rows)
    table = [(f"{row['group']}  {row['period']}",
              [str(row["documents"]), str(row["sentences"]),
               *[trend_cell(row["devices"][label]) for label in labels]], False)
             for row in rows]
    return _table("group  period", ["docs", "sentences", *labels], table, style)


def _style_marked(lines: Sequence[str], marks: tuple[str, str],
                  style: Callable[..., str]) -> list[str]:
    """Lines with the text between the markers highlighted (it may span lines)."""
    out: list[str] = []
    inside = False
    for line in lines:
        pieces: list[str] = []
        chunk = ""
        for char in line:
            if char in marks:
                if chunk:
                    pieces.append(style(chunk, fg="yellow", bold=True) if inside else chunk)
                chunk = ""
                inside = char == marks[0]
            else:
                chunk += char
        if chunk:
            pieces.append(style(chunk, fg="yellow", bold=True) if inside else chunk)
        out.append("".join(pieces))
    return out


def _wrap_items(first: str, items: Sequence[str], rest: str) -> list[str]:
    """Comma-separated ``items`` wrapped to the report's width, never inside an item."""
    lines, line = [], first
    for index, item in enumerate(items):
        piece = item + ("," if index < len(items) - 1 else "")
        if line not in (first, rest) and len(line) + 1 + len(piece) > WIDTH:
            lines.append(line)
            line = rest
        line += ("" if line in (first, rest) else " ") + piece
    lines.append(line)
    return lines


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    """``text`` wrapped to the report's width; names and numbers are never split."""
    return textwrap.wrap(text, width=WIDTH, initial_indent=first,
                         subsequent_indent=rest if rest is not None else " " * len(first),
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _cv_unit(model: Mapping[str, Any]) -> str:
    return {"documents": "grouped by document",
            "strata": "holding out whole strata"}.get(model.get("cv_grouping") or "",
                                                      "over sentences")
