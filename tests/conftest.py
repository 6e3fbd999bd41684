"""Shared fixtures: one English model per session, a cheap blank pipeline, the shared data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

import spacy_framing
from spacy_framing._loader import load_base


def _shared_dir() -> Path:
    # The team's shared folder sits beside the repository; FRAMING_SHARED overrides it.
    configured = os.environ.get("FRAMING_SHARED")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_dir()
    if not (path / "codebook.md").is_file():
        pytest.skip(f"shared data folder not found at {path} (set FRAMING_SHARED)")
    return path


@pytest.fixture(scope="session")
def seed_texts(shared_dir: Path) -> dict[str, str]:
    return {
        name: (shared_dir / "articles" / f"seed_{name}.txt").read_text(encoding="utf-8")
        for name in ("kontur", "voa")
    }


@pytest.fixture(scope="session")
def nlp_sm() -> Language:
    """The plain English model, shared by the whole session; tests that add pipes to it
    must use ``added_pipes`` so they are removed again."""
    return load_base()


@pytest.fixture(scope="session")
def nlp_framing() -> Language:
    """The full framing pipeline (English model + all framing components)."""
    return spacy_framing.load()


@pytest.fixture
def blank_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.fixture
def added_pipes(nlp_sm: Language) -> Iterator[Callable[..., object]]:
    """Add pipes to the session model for one test, and remove them afterwards."""
    added: list[str] = []

    def add(factory: str, **kwargs: object) -> object:
        pipe = nlp_sm.add_pipe(factory, **kwargs)
        added.append(kwargs.get("name", factory))  # type: ignore[arg-type]
        return pipe

    yield add
    for name in reversed(added):
        if name in nlp_sm.pipe_names:
            nlp_sm.remove_pipe(name)
