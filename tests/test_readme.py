"""The README's Python examples run as written (from the repository root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _python_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_python_examples() -> None:
    assert len(_python_blocks()) >= 2


@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_python_example_runs(index: int, nlp_framing, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(REPO)
    block = _python_blocks()[index].replace('nlp.to_disk("my_pipeline")',
                                            f'nlp.to_disk("{tmp_path}/my_pipeline")')
    # The examples load the full pipeline; the session's copy keeps the test fast.
    block = block.replace("spacy_framing.load()", "__nlp__")
    namespace = {"__nlp__": nlp_framing, "nlp": nlp_framing}
    exec(compile(block, f"README.md python block {index}", "exec"), namespace)
    if "devices.add_patterns" in block:
        nlp_framing.get_pipe("framing_devices").initialize()
