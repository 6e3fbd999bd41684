"""Where the shared texts are, and the paragraphs of an article, for the corpus scripts.

Kept free of heavy imports: the annotation script runs once per saved article.
"""

from __future__ import annotations

import os
from pathlib import Path


def shared_root() -> Path:
    """The shared texts root: ``$FRAMING_SHARED`` or ``../shared`` beside the repository."""
    env = os.environ.get("FRAMING_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared"


def paragraphs(text: str, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every non-empty paragraph (blank-line separated, surrounding
    whitespace excluded) in ``text[:end]``."""
    ranges: list[tuple[int, int]] = []
    position = 0
    for chunk in text[:end].split("\n\n"):
        stripped = chunk.strip()
        if stripped:
            start = position + chunk.index(stripped)
            ranges.append((start, start + len(stripped)))
        position += len(chunk) + 2
    return ranges
