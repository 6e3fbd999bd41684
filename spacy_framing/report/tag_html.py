"""The ``framing tag --format html`` page: one article's spans in displaCy's span style,
then a table of its sources (speaker, type, actor, cue and reported content).

Built from the plain facts of one document, like every other report. Article text reaches
the page only through displaCy's escaping or ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .html_report import SPAN_COLOURS, highlighted_markup

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}table{border-collapse:collapse;width:100%;margin-top:1rem}"
    "th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}"
    "th{background:#f3f3f3}.content{font-size:.92em}.cue{font-weight:600}"
)


def render_tag_html(facts: Mapping[str, Any], *, title: str) -> str:
    """A self-contained page for one tagged document."""
    spans = [(s["start_char"], s["end_char"], s["label"]) for s in facts["spans"]
             if s["group"] in ("framing", "hedges")]
    spans += [(s["start_char"], s["end_char"], f"SOURCE/{s['type']}")
              for s in facts["sources"]]
    colours = {**SPAN_COLOURS, **{f"SOURCE/{kind}": SPAN_COLOURS["SOURCE"]
                                  for kind in ("official", "expert", "media", "unnamed")}}
    markup = highlighted_markup(facts["text"], sorted(spans), colours)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1>{markup}<h2>Sources</h2>{_sources_table(facts)}"
            "</body></html>")


def _sources_table(facts: Mapping[str, Any]) -> str:
    sources = facts["sources"]
    if not sources:
        return "<p>No sources found.</p>"
    text: str = facts["text"]
    rows = ["<table><thead><tr><th>speaker</th><th>type</th><th>actor</th><th>cue</th>"
            "<th>content</th></tr></thead><tbody>"]
    for source in sources:
        content = " … ".join(text[start:end] for start, end in source["content"])
        rows.append(
            f"<tr class=\"source\"><td>{escape(source['text'])}</td>"
            f"<td>{escape(source['type'])}</td><td>{escape(source.get('actor') or '')}</td>"
            f"<td class=\"cue\">{escape(source.get('cue') or '')}</td>"
            f"<td class=\"content\">{escape(content)}</td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)
