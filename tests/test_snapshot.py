"""The rule components' outputs on 151 documents match the recorded digests.

Refactors of the components must leave every span and extension value byte-identical.
When this fails, the message lists the documents that differ; dump their full outputs
before and after the change to compare (``python tests/_snapshot.py --dump DIR``). When
a change of outputs is intended, regenerate the digests (``--write``) in the same commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _snapshot import SNAPSHOT_FILE, compute, differing

import spacy_framing


@pytest.mark.slow
def test_outputs_match_snapshot(shared_dir: Path) -> None:
    # A pipeline of its own: the session's may carry patterns other tests added.
    expected = json.loads(SNAPSHOT_FILE.read_text(encoding="utf-8"))
    actual = compute(shared_dir, nlp=spacy_framing.load(profile="rules"))
    changed = differing(expected, actual)
    assert not changed, (
        f"{len(changed)} of {len(expected)} documents differ from {SNAPSHOT_FILE.name}: "
        + ", ".join(changed[:20]) + (" ..." if len(changed) > 20 else "")
    )
