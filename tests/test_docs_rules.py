"""docs/rules.md: its Python example runs as written, and its JSON records are valid rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spacy_framing.components.devices import DEVICE_SCHEMA
from spacy_framing.components.rules import rules_from_dicts

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_rules_doc_python_example_runs(index: int, monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # the example writes my_devices.jsonl
    block = _blocks("python")[index]
    exec(compile(block, f"docs/rules.md python block {index}", "exec"), {})
    assert (tmp_path / "my_devices.jsonl").is_file()


def test_rules_doc_json_records_are_valid() -> None:
    records = [json.loads(line) for block in _blocks("json") for line in block.splitlines()
               if line.strip()]
    assert records
    rules = rules_from_dicts(records, schema=DEVICE_SCHEMA, origin="docs/rules.md")
    assert rules[0].data["pattern"][2] == {"LOWER": {"IN": ["angry", "furious", "irate",
                                                            "worried"]}}
