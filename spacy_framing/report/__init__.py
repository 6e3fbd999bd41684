"""Renderers for a comparison: text (terminal), json, markdown and html.

Every renderer takes the plain comparison dict (``Comparison.to_dict()``) and returns a
string; nothing here imports spaCy or scikit-learn (the HTML renderer borrows displaCy's
span style, which is only a renderer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

FORMATS: tuple[str, ...] = ("text", "json", "markdown", "html")


def render(
    result: Mapping[str, Any],
    fmt: str,
    *,
    documents: Sequence[Mapping[str, Any]] = (),
    colour: bool = False,
    indent: int | None = 2,
) -> str:
    """``result`` rendered as ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        from .json_report import render_json

        return render_json(result, indent=indent)
    if fmt == "text":
        from .text_report import render_text

        return render_text(result, colour=colour)
    if fmt == "markdown":
        from .markdown_report import render_markdown

        return render_markdown(result)
    if fmt == "html":
        from .html_report import render_html

        return render_html(result, documents=documents)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
