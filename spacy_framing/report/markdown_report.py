"""The ``--format markdown`` output: GitHub-flavoured Markdown tables."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

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

_EDGE_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")


def _escape(text: str) -> str:
    # Article text can hold anything; keep it from breaking the table or the markup.
    for char in ("\\", "|", "*", "`", "<", ">", "[", "]", "#"):
        text = text.replace(char, "\\" + char)
    # Underscores inside words (LOSS_OF_INFLUENCE) are literal in CommonMark; only those
    # at a word edge could start emphasis.
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    return text.replace("\n", " ")


class _Safe(str):
    """A cell made by this module from numbers (e.g. ``3  18% [5–32]``): not escaped."""


def _cell(text: Any) -> str:
    if isinstance(text, _Safe):
        return str(text)
    return _escape(" ".join(str(text).split()))


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(result: Mapping[str, Any]) -> str:
    target = result["target"]
    outlets: Sequence[Mapping[str, Any]] = result["outlets"]
    names = [o["name"] for o in outlets]
    out = [f"# How outlets frame {_cell(target_heading(result))}", "", "## Summary", ""]
    out += [f"- {_cell(sentence)}" for sentence in result.get("summary", [])]
    out += ["", "## Profiles", ""]
    out += _table(["", *names], [
        ["documents", *[o["documents"] for o in outlets]],
        [f"{target} sentences", *[f"{o['target_sentences']} of {o['sentences']}"
                                  for o in outlets]],
        ["CI resampling", *[o["ci_resampling"] for o in outlets]],
    ])
    out += ["", f"### Devices in {_cell(target)} sentences (count, share [95% CI, %])", ""]
    out += _table(["label", *names], [
        [label, *[_Safe(share_cell(o["devices"][label])) for o in outlets]]
        for label in active_labels(outlets)
    ])
    out += ["", "### Epistemic markers, voices and agency", ""]
    rows: list[list[Any]] = [
        ["hedges per 100 tokens", *[number(o["hedge_density"]) for o in outlets]],
        ["boosters per 100 tokens", *[number(o["booster_density"]) for o in outlets]],
        ["uncertain sentences", *[pct(o["uncertain_share"]) for o in outlets]],
    ]
    if outlets:
        rows += [[f"sources: {kind}", *[o["sources"].get(kind, 0) for o in outlets]]
                 for kind in outlets[0]["sources"]]
    rows += [["source actors", *[top_items(o["source_actors"]) for o in outlets]],
             ["agent / affected / other", *[agency_cell(o["agency"]) for o in outlets]]]
    out += _table(["", *names], rows)

    divergence = result.get("divergence") or {}
    out += ["", "## Across outlets", ""]
    matrix_names = divergence.get("outlets") or []
    if len(matrix_names) >= 2:
        out += [f"Jensen–Shannon divergence of the device distributions (0 = identical, "
                f"1 = disjoint; mean {number(divergence.get('statistic'))}, permutation test "
                f"over {divergence.get('permutation_unit')}: "
                f"p = {number(divergence.get('p_value'), 3)}).", ""]
        out += _table(["", *matrix_names], [
            [name, *[number(v) for v in row]]
            for name, row in zip(matrix_names, divergence["jensen_shannon"], strict=True)
        ])
    model = result.get("contrast_model") or {}
    out.append("")
    if model.get("cv_balanced_accuracy") is not None:
        out.append(f"Contrast model: balanced accuracy **{number(model['cv_balanced_accuracy'])}"
                   f"** against chance {number(model['chance'])} ({model['cv_folds']}-fold "
                   f"cross-validation {_cv_unit(model)}, {model['n_sentences']} sentences).")
    else:
        out.append("Contrast model: not cross-validated (see notes).")
    features = model.get("top_features") or {}
    if features:
        out += ["", "Strongest features per outlet:", ""]
        for outlet, items in features.items():
            listed = ", ".join(f"`{name}` ({weight:+.2f})" for name, weight in items)
            out.append(f"- **{_cell(outlet)}**: {listed or '–'}")
    for kind in ("framing", "lexical"):
        sub = model.get(kind) or {}
        if sub.get("cv_balanced_accuracy") is not None:
            what = "framing features only" if kind == "framing" else \
                "words only, outlet names masked"
            out += ["", f"{kind.capitalize()} model ({what}): balanced accuracy "
                    f"**{number(sub['cv_balanced_accuracy'])}** against chance "
                    f"{number(sub['chance'])}."]
            for outlet, items in (sub.get("top_features") or {}).items():
                listed = ", ".join(f"`{name}` ({weight:+.2f})" for name, weight in items[:5])
                out.append(f"- **{_cell(outlet)}**: {listed or '–'}")
    stratification = result.get("stratification")
    if stratification:
        field = stratification["field"]
        out += ["", f"## Within strata ({_cell(field)})", "",
                f"{stratification['strata']} strata, {stratification['informative_strata']} "
                f"with target sentences from several groups; divergence permutation p = "
                f"{number(stratification.get('divergence_p_value_unstratified'), 3)} overall, "
                f"{number(stratification.get('divergence_p_value'), 3)} within "
                f"{_cell(field)}.", ""]
        out += _table(["label", "p overall (Holm)", f"p within {field} (Holm)", "verdict"],
                      [[label, number(v["p_value"], 3), number(v["p_value_stratified"], 3),
                        v["verdict"]]
                       for label, v in (stratification.get("labels") or {}).items()])
    trend = result.get("trend")
    if trend is not None:
        period = (result.get("settings") or {}).get("period") or "period"
        labels = trend_labels(trend)
        out += ["", f"## Trend by {period}", "",
                "Share of target sentences with each device [95% CI, %].", ""]
        out += _table(["group", period, "documents", "sentences", *labels],
                      [[row["group"], row["period"], row["documents"], row["sentences"],
                        *[_Safe(trend_cell(row["devices"][label])) for label in labels]]
                       for row in trend])
    notes = result.get("notes") or []
    if notes:
        out += ["", "## Notes", ""] + [f"- {_cell(note)}" for note in notes]
    out += ["", "## Evidence", ""]
    for outlet in outlets:
        grouped = evidence_by_label(outlet)
        if not grouped:
            continue
        out += [f"### {_cell(outlet['name'])}", ""]
        for label, items in grouped.items():
            out.append(f"- **{label}** ({len(items)})")
            for item in items[:TEXT_EVIDENCE_PER_LABEL]:
                sentence = marked_sentence(item, "\x00", "\x01")
                before, rest = sentence.split("\x00", 1)
                inside, after = rest.split("\x01", 1)
                voice = "quoted" if item["voice"] == "quoted" else "outlet's voice"
                out.append(f"  - {_cell(item['doc_id'])}: {_escape(before)}**{_escape(inside)}**"
                           f"{_escape(after)} ({voice})")
            if len(items) > TEXT_EVIDENCE_PER_LABEL:
                out.append(f"  - … {len(items) - TEXT_EVIDENCE_PER_LABEL} more in the JSON "
                           "report")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _cv_unit(model: Mapping[str, Any]) -> str:
    return {"documents": "grouped by document",
            "strata": "holding out whole strata"}.get(model.get("cv_grouping") or "",
                                                      "over sentences")
