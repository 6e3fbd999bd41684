"""The ``--format html`` output: one self-contained, offline HTML file.

It holds the summary, the profiles table, an inline SVG chart of device shares per
outlet with their confidence intervals, the cross-outlet statistics, the evidence and
every article with its spans highlighted in displaCy's span style. No external script,
style sheet or font is referenced, and every piece of article text is HTML-escaped
(Jinja2 autoescaping for the page, displaCy's escaping for the highlighted articles,
``html.escape`` for the SVG), so an article cannot inject markup or script.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources
from itertools import pairwise
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from ._format import (
    active_labels,
    agency_cell,
    number,
    pct,
    share_cell,
    target_heading,
    top_items,
    trend_labels,
)

OUTLET_COLOURS: tuple[str, ...] = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
)
SPAN_COLOURS: dict[str, str] = {
    "LOSS_OF_INFLUENCE": "#f4a582", "FAIT_ACCOMPLI": "#d6604d", "BARGAINING_CHIP": "#fddbc7",
    "DILEMMA": "#92c5de", "STRATEGIC_GAME": "#c2a5cf", "DEPENDENCY": "#a6dba0",
    "STABILITY": "#b8e186", "ESCALATION": "#f1b6da", "LEGALITY": "#dfc27d",
    "EMOTION": "#fdb863", "SILENCE": "#bababa", "HEDGE": "#e0e0e0", "BOOSTER": "#ffffbf",
    "SOURCE": "#80cdc1", "TARGET": "#fee08b",
}
_TEMPLATE = "report.html"
MAX_SHOWN_GROUPS = 8
"""Groups shown in the HTML chart and profile table (those with most target sentences)."""


def render_html(result: Mapping[str, Any], *,
                documents: Sequence[Mapping[str, Any]] = ()) -> str:
    environment = Environment(autoescape=select_autoescape(default=True,
                                                           default_for_string=True))
    template_text = resources.files("spacy_framing.report").joinpath(
        "templates", _TEMPLATE).read_text(encoding="utf-8")
    template = environment.from_string(template_text)
    outlets = result["outlets"]
    names = [o["name"] for o in outlets]
    labels = active_labels(outlets)
    # Dozens of groups (--by date) make the chart and table unreadable: they show the
    # groups with the most target sentences, in report order; the JSON has them all.
    shown = outlets
    if len(outlets) > MAX_SHOWN_GROUPS:
        largest = {o["name"] for o in sorted(outlets, key=lambda o: -o["target_sentences"])
                   [:MAX_SHOWN_GROUPS]}
        shown = [o for o in outlets if o["name"] in largest]
    divergence = result.get("divergence") or {}
    model = result.get("contrast_model") or {}
    return template.render(
        target=result["target"],
        heading=target_heading(result),
        summary=result.get("summary", []),
        notes=result.get("notes", []),
        names=names,
        outlets=outlets,
        colours={name: OUTLET_COLOURS[i % len(OUTLET_COLOURS)] for i, name in enumerate(names)},
        shown_names=[o["name"] for o in shown],
        hidden_groups=len(outlets) - len(shown),
        profile_rows=_profile_rows(shown, labels),
        chart=Markup(device_chart_svg({**result, "outlets": shown})),
        trend_chart=Markup(trend_chart_svg(result)) if result.get("trend") else None,
        trend_period=(result.get("settings") or {}).get("period"),
        stratification=result.get("stratification"),
        divergence=divergence,
        divergence_rows=_divergence_rows(divergence, {o["name"] for o in shown}),
        p_value=number(divergence.get("p_value"), 3),
        statistic=number(divergence.get("statistic")),
        model=model,
        accuracy=number(model.get("cv_balanced_accuracy")),
        chance=number(model.get("chance")),
        evidence=_evidence_rows(outlets),
        articles=[_article(doc, result["target"],
                           person=(result.get("target_info") or {}).get("kind") == "person")
                  for doc in documents],
        legend=[(label, SPAN_COLOURS.get(label, "#dddddd"))
                for label in [*labels, "HEDGE", "BOOSTER", "SOURCE", "TARGET"]],
    )


def _divergence_rows(divergence: Mapping[str, Any],
                     shown: set[str]) -> list[tuple[str, list[str]]]:
    names = divergence.get("outlets") or []
    keep = [i for i, name in enumerate(names) if name in shown]
    matrix = divergence.get("jensen_shannon") or []
    return [(names[i], [number(matrix[i][j]) for j in keep]) for i in keep if i < len(matrix)]


def _profile_rows(outlets: Sequence[Mapping[str, Any]],
                  labels: Sequence[str]) -> list[tuple[str, list[str]]]:
    rows: list[tuple[str, list[str]]] = [
        ("documents", [str(o["documents"]) for o in outlets]),
        ("target sentences", [f"{o['target_sentences']} of {o['sentences']}" for o in outlets]),
        ("CI resampling", [o["ci_resampling"] for o in outlets]),
    ]
    rows += [(label, [share_cell(o["devices"][label]).replace("  ", " · ") for o in outlets])
             for label in labels]
    rows += [
        ("hedges / 100 tokens", [number(o["hedge_density"]) for o in outlets]),
        ("boosters / 100 tokens", [number(o["booster_density"]) for o in outlets]),
        ("uncertain sentences", [pct(o["uncertain_share"]) for o in outlets]),
    ]
    if outlets:
        rows += [(f"sources: {kind}", [str(o["sources"].get(kind, 0)) for o in outlets])
                 for kind in outlets[0]["sources"]]
    rows += [
        ("source actors", [top_items(o["source_actors"]) for o in outlets]),
        ("agent / affected / other", [agency_cell(o["agency"]) for o in outlets]),
    ]
    return rows


def _evidence_rows(outlets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for outlet in outlets:
        for item in outlet["evidence"]:
            start, end = item["span"]
            text = item["text"]
            rows.append({"outlet": outlet["name"], "label": item["label"],
                         "doc_id": item["doc_id"], "voice": item["voice"],
                         "before": text[:start], "span": text[start:end], "after": text[end:]})
    return rows


# --- the chart ----------------------------------------------------------------------


def device_chart_svg(result: Mapping[str, Any]) -> str:
    """Grouped horizontal bars: each active label's share per outlet, with its 95% CI."""
    outlets = result["outlets"]
    labels = active_labels(outlets)
    names = [o["name"] for o in outlets]
    if not outlets or not labels:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    bar, gap, label_width, plot_width = 12, 10, 190, 440
    group = bar * len(outlets) + gap
    legend_height = 18 * len(outlets) + 8
    top = 20
    height = top + group * len(labels) + 30 + legend_height
    width = label_width + plot_width + 40
    highest = max((o["devices"][label]["ci"][1] for o in outlets for label in labels),
                  default=0.0)
    scale_max = max(0.1, min(1.0, (int(highest * 10) + 1) / 10))

    def x(value: float) -> float:
        return label_width + plot_width * min(max(value, 0.0), scale_max) / scale_max

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Device shares per outlet with 95% confidence intervals">']
    ticks = 5
    for k in range(ticks + 1):
        value = scale_max * k / ticks
        tx = x(value)
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" '
                     f'y2="{top + group * len(labels)}" stroke="#ddd"/>')
        parts.append(f'<text x="{tx:.1f}" y="{top - 8}" font-size="10" '
                     f'text-anchor="middle" fill="#555">{100 * value:.0f}%</text>')
    for i, label in enumerate(labels):
        y0 = top + i * group
        parts.append(f'<text x="{label_width - 8}" y="{y0 + group / 2:.1f}" font-size="11" '
                     f'text-anchor="end" dominant-baseline="middle">{escape(label)}</text>')
        for j, outlet in enumerate(outlets):
            stats = outlet["devices"][label]
            colour = OUTLET_COLOURS[j % len(OUTLET_COLOURS)]
            y = y0 + j * bar
            share, (low, high) = stats["share"], stats["ci"]
            title = escape(f"{outlet['name']} {label}: {stats['count']} of "
                           f"{outlet['target_sentences']} sentences, {100 * share:.0f}% "
                           f"(95% CI {100 * low:.0f}–{100 * high:.0f}%)")
            parts.append(f'<g class="bar" data-outlet="{escape(outlet["name"])}" '
                         f'data-label="{escape(label)}" data-share="{share}">'
                         f'<title>{title}</title>'
                         f'<rect x="{label_width}" y="{y + 1}" '
                         f'width="{x(share) - label_width:.1f}" '
                         f'height="{bar - 2}" fill="{colour}" fill-opacity="0.8"/>'
                         f'<line x1="{x(low):.1f}" y1="{y + bar / 2:.1f}" x2="{x(high):.1f}" '
                         f'y2="{y + bar / 2:.1f}" stroke="#222" stroke-width="1.2"/>'
                         f'<line x1="{x(low):.1f}" y1="{y + 2}" x2="{x(low):.1f}" '
                         f'y2="{y + bar - 2}" stroke="#222"/>'
                         f'<line x1="{x(high):.1f}" y1="{y + 2}" x2="{x(high):.1f}" '
                         f'y2="{y + bar - 2}" stroke="#222"/></g>')
    legend_top = top + group * len(labels) + 24
    for j, name in enumerate(names):
        ly = legend_top + 18 * j
        parts.append(f'<rect x="{label_width}" y="{ly}" width="12" height="12" '
                     f'fill="{OUTLET_COLOURS[j % len(OUTLET_COLOURS)]}"/>'
                     f'<text x="{label_width + 18}" y="{ly + 10}" font-size="11">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def trend_chart_svg(result: Mapping[str, Any], *, max_panels: int = 6) -> str:
    """Small multiples: one panel per device (the most used first), the share of target
    sentences per period as one line per group, with 95% CI whiskers."""
    rows = result.get("trend") or []
    labels = trend_labels(rows, max_panels)
    periods = sorted({row["period"] for row in rows})
    groups = list(dict.fromkeys(row["group"] for row in rows))
    if not labels or not periods:
        return '<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="10" ' \
               'height="10"></svg>'
    colours = {g: OUTLET_COLOURS[i % len(OUTLET_COLOURS)] for i, g in enumerate(groups)}
    columns = min(3, len(labels))
    panel_w, panel_h, pad_l, pad_b, pad_t = 250, 150, 38, 34, 22
    panels_h = (len(labels) + columns - 1) // columns
    legend_h = 18 * ((len(groups) + 3) // 4) + 10
    width = columns * panel_w + 10
    height = panels_h * panel_h + legend_h + 10
    cells = {(row["group"], row["period"]): row for row in rows}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Device shares per period and group with 95% confidence intervals">']
    plot_w = panel_w - pad_l - 12
    plot_h = panel_h - pad_t - pad_b

    def px(index: int) -> float:
        return pad_l + (plot_w * (index + 0.5) / len(periods))

    for k, label in enumerate(labels):
        ox, oy = (k % columns) * panel_w, (k // columns) * panel_h
        highest = max((cells[key]["devices"][label]["ci"][1] for key in cells), default=0.0)
        top = max(0.05, min(1.0, (int(highest * 20) + 1) / 20))

        def py(value: float, oy: float = oy, top: float = top) -> float:
            return oy + pad_t + plot_h * (1 - min(max(value, 0.0), top) / top)

        parts.append(f'<g class="panel" data-label="{escape(label)}">'
                     f'<text x="{ox + pad_l}" y="{oy + 14}" font-size="11" '
                     f'font-weight="bold">{escape(label)}</text>'
                     f'<rect x="{ox + pad_l}" y="{oy + pad_t}" width="{plot_w}" '
                     f'height="{plot_h}" fill="none" stroke="#ccc"/>')
        for tick in (0.0, top / 2, top):
            parts.append(f'<text x="{ox + pad_l - 4}" y="{py(tick) + 3:.1f}" font-size="9" '
                         f'text-anchor="end" fill="#555">{100 * tick:.0f}%</text>')
        step = max(1, (len(periods) + 5) // 6)
        for i, period in enumerate(periods):
            if i % step == 0:
                parts.append(f'<text x="{ox + px(i):.1f}" y="{oy + pad_t + plot_h + 12}" '
                             f'font-size="9" text-anchor="middle" fill="#555">'
                             f'{escape(period)}</text>')
        for group in groups:
            points = [(i, cells[(group, period)]) for i, period in enumerate(periods)
                      if (group, period) in cells and cells[(group, period)]["sentences"]]
            if not points:
                continue
            colour = colours[group]
            line = " ".join(f"{ox + px(i):.1f},{py(row['devices'][label]['share']):.1f}"
                            for i, row in points)
            parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" '
                         f'stroke-width="1.5"/>')
            for i, row in points:
                stats = row["devices"][label]
                low, high = stats["ci"]
                x = ox + px(i)
                title = escape(f"{group} {row['period']} {label}: {stats['count']} of "
                               f"{row['sentences']} sentences, {100 * stats['share']:.0f}% "
                               f"(95% CI {100 * low:.0f}–{100 * high:.0f}%)")
                parts.append(f'<g class="point"><title>{title}</title>'
                             f'<line x1="{x:.1f}" y1="{py(low):.1f}" x2="{x:.1f}" '
                             f'y2="{py(high):.1f}" stroke="{colour}" stroke-opacity="0.5"/>'
                             f'<circle cx="{x:.1f}" cy="{py(stats["share"]):.1f}" r="2.5" '
                             f'fill="{colour}"/></g>')
        parts.append("</g>")
    legend_top = panels_h * panel_h + 4
    for j, group in enumerate(groups):
        lx = 10 + (j % 4) * (width // 4)
        ly = legend_top + 18 * (j // 4)
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" '
                     f'fill="{colours[group]}"/><text x="{lx + 18}" y="{ly + 10}" '
                     f'font-size="11">{escape(group)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- the articles -------------------------------------------------------------------


def highlighted_markup(text: str, spans: Sequence[tuple[int, int, str]],
                       colours: Mapping[str, str]) -> str:
    """``text`` with ``spans`` (start, end, label) in displaCy's span style, one block per
    line of text; labels are escaped, the text is escaped by displaCy."""
    from spacy import displacy

    paragraphs = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        if not text[start:end].strip():
            continue
        inside = [(max(s, start), min(e, end), label) for s, e, label in spans
                  if s < end and e > start]
        paragraphs.append(_manual_paragraph(text, start, end, inside))
    if not paragraphs:
        return ""
    # No minify: the newlines in displaCy's templates are the spaces between tokens.
    return displacy.render(paragraphs, style="span", manual=True, page=False, minify=False,
                           options={"colors": {escape(label): colour
                                               for label, colour in colours.items()}})


def _article(doc: Mapping[str, Any], target: str, *, person: bool = False) -> dict[str, Any]:
    markup = highlighted_markup(doc["text"], _highlight_spans(doc, target, person=person),
                                SPAN_COLOURS)
    return {
        "doc_id": doc.get("doc_id"),
        "outlet": doc.get("outlet"),
        "title": doc.get("title"),
        "date": doc.get("date"),
        "markup": Markup(markup),
    }


def _highlight_spans(doc: Mapping[str, Any], target: str, *,
                     person: bool = False) -> list[tuple[int, int, str]]:
    spans = [(s["start_char"], s["end_char"], s["label"]) for s in doc["spans"]
             if s["group"] in ("framing", "hedges")]
    # A person target: the actor mentions that name them ("person" on the span fact).
    key = "person" if person else "actor"
    spans += [(s["start_char"], s["end_char"], "TARGET") for s in doc["spans"]
              if s["group"] == "actors" and s.get(key) == target]
    spans += [(s["start_char"], s["end_char"], "SOURCE") for s in doc["sources"]]
    return sorted(spans)


def _manual_paragraph(text: str, start: int, end: int,
                      spans: Sequence[tuple[int, int, str]]) -> dict[str, Any]:
    """displaCy's manual span format for one paragraph: whitespace-separated pieces cut
    further at span boundaries, so that every span covers whole pieces."""
    cuts = sorted({b for s, e, _ in spans for b in (s, e)})
    tokens: list[str] = []
    token_starts: list[int] = []
    for match in re.finditer(r"\S+", text[start:end]):
        piece_start = start + match.start()
        piece_end = start + match.end()
        bounds = [piece_start, *[c for c in cuts if piece_start < c < piece_end], piece_end]
        for a, b in pairwise(bounds):
            tokens.append(text[a:b])
            token_starts.append(a)
    manual_spans = []
    for s, e, label in spans:
        first = next((i for i, t in enumerate(token_starts) if t >= s), None)
        last = next((i for i in range(len(token_starts) - 1, -1, -1) if token_starts[i] < e),
                    None)
        if first is None or last is None or last < first:
            continue
        # displaCy writes labels into markup unescaped; labels may come from user rules.
        manual_spans.append({"start_token": first, "end_token": last + 1,
                             "label": escape(label)})
    return {"text": text[start:end], "tokens": tokens, "spans": manual_spans}
