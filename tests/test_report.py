"""Report renderers (text, json, markdown, html) on constructed comparisons, and the HTML
report in a real headless Chromium: highlights and chart render, planted scripts do not
run, nothing is fetched from the network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _facts_factory import document, sentence, two_outlet_corpus

from spacy_framing.compare import Comparison, compare_facts
from spacy_framing.report import FORMATS, render
from spacy_framing.report.html_report import _manual_paragraph, device_chart_svg

FAST = {"n_bootstrap": 100, "n_permutations": 100}
PLANTED = ("<script>document.title='PWNED';"
           "document.body.appendChild(document.createElement('planted-marker'));</script>"
           "<img src=x onerror=\"document.title='PWNED-IMG'\">")


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare_facts(two_outlet_corpus(), target="China", seed=2, **FAST)


@pytest.fixture(scope="module")
def hostile() -> Comparison:
    """Article text, outlet names and titles that try to inject markup and script."""
    docs = [
        document("Ledger <b>", "ledger-1", [
            sentence(f"Beijing {PLANTED} is cornered and losing ground.", actors=["China"],
                     devices=["LOSS_OF_INFLUENCE"], hedges=1),
            sentence("China | pipes * stars [link](javascript:alert(1)) _under_.",
                     actors=["China"], devices=["DILEMMA"]),
        ], title="<script>document.title='PWNED-TITLE'</script>"),
        document("Dispatch", "dispatch-1", [
            sentence("China keeps the balance & the law.", actors=["China"],
                     devices=["STABILITY"], sources=[("official", "China")]),
        ]),
    ]
    return compare_facts(docs, target="China", seed=0, **FAST)


# --- text, json, markdown ------------------------------------------------------------------


def test_text_report_tables_and_colour(comparison: Comparison) -> None:
    plain = comparison.to_text()
    assert "framing compare — target: China" in plain
    assert re.search(r"DILEMMA\s+8\s+33% \[33–33\]\s+0\s+0%", plain)
    assert "hedges /100 tokens" in plain and "Summary" in plain and "Evidence" in plain
    assert "\x1b[" not in plain
    coloured = comparison.to_text(colour=True)
    assert "\x1b[" in coloured
    # Colour replaces the evidence markers and changes nothing else.
    assert "«Beijing»" in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain.replace("«", "").replace("»", "")


def test_text_report_wraps_evidence_and_highlights_across_lines(
        comparison: Comparison) -> None:
    data = json.loads(comparison.to_json())
    words = [f"word{i}" for i in range(60)]
    text = " ".join(words)
    start = text.index("word10")
    end = text.index("word25") + len("word25")
    item = data["outlets"][0]["evidence"][0]
    item.update(text=text, span=[start, end], span_text=text[start:end])
    plain = render(data, "text")
    coloured = render(data, "text", colour=True)
    assert max(len(line) for line in plain.splitlines()) <= 100
    marked = plain[plain.index("«word10"):plain.index("word25»") + len("word25»")]
    assert "\n" in marked  # the highlighted span runs over a line break
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain.replace("«", "").replace("»", "")
    highlighted = re.findall(r"\x1b\[[0-9;]*m([^\x1b]*)\x1b\[0m", coloured)
    assert any(h.startswith("word10") for h in highlighted)
    assert any(h.endswith("word25") for h in highlighted)


def test_json_report_round_trips(comparison: Comparison) -> None:
    data = json.loads(render(comparison.to_dict(), "json"))
    assert data["outlets"][0]["devices"]["DILEMMA"]["count"] == 8
    assert data == json.loads(comparison.to_json(indent=None))


def test_markdown_report(comparison: Comparison) -> None:
    markdown = comparison.to_markdown()
    assert markdown.startswith("# How outlets frame China")
    assert "| label | Ledger | Dispatch |" in markdown
    assert "| DILEMMA | 8  33% [33–33] | 0  0% [0–0] |" in markdown
    assert "## Evidence" in markdown and "**Beijing**" in markdown


def test_markdown_escapes_article_text(hostile: Comparison) -> None:
    markdown = hostile.to_markdown()
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    assert "Ledger \\<b\\>" in markdown
    # A pipe in article text must not split a table row or start a link.
    assert "**China** \\| pipes \\* stars \\[link\\](javascript" in markdown
    assert "\\_under\\_" in markdown and "LOSS_OF_INFLUENCE" in markdown


def test_unknown_format(comparison: Comparison) -> None:
    assert set(FORMATS) == {"text", "json", "markdown", "html"}
    with pytest.raises(ValueError, match="unknown format"):
        render(comparison.to_dict(), "pdf")


# --- html (static checks) ---------------------------------------------------------------


def test_html_is_self_contained(comparison: Comparison) -> None:
    html = comparison.to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert "<svg" in html and 'class="spans"' in html
    assert html.count('class="article"') == len(comparison.documents) == 8


def test_html_escapes_everything_from_articles(hostile: Comparison) -> None:
    html = hostile.to_html()
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "Ledger &lt;b&gt;" in html


def test_chart_has_a_bar_and_interval_per_outlet_and_label(comparison: Comparison) -> None:
    svg = device_chart_svg(comparison.to_dict())
    active = [label for label in comparison.outlets[0]["devices"]
              if any(o["devices"][label]["count"] for o in comparison.outlets)]
    assert sorted(active) == ["DILEMMA", "EMOTION", "LEGALITY", "STABILITY"]
    assert svg.count('<g class="bar"') == len(active) * 2
    assert 'data-outlet="Ledger" data-label="DILEMMA" data-share="0.3333"' in svg


def test_manual_paragraph_tokens_cover_spans() -> None:
    text = "Beijing, clearly, is in an awkward position."
    start = text.index("awkward position")
    paragraph = _manual_paragraph(text, 0, len(text), [(0, 7, "TARGET"),
                                                       (start, start + 16, "DILEMMA")])
    tokens, spans = paragraph["tokens"], paragraph["spans"]
    assert tokens[0] == "Beijing" and tokens[1] == ","
    dilemma = next(s for s in spans if s["label"] == "DILEMMA")
    assert " ".join(tokens[dilemma["start_token"]:dilemma["end_token"]]) == "awkward position"


# --- html in a real browser ------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium); "
                "the HTML report is checked in a real browser only where it is")


def _browser(tmp_path: Path, page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={tmp_path / 'profile'}", *extra, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_html_report_in_headless_chromium(tmp_path: Path, hostile: Comparison) -> None:
    # Control page: scripts do run in this browser, so the check below can fail.
    control = tmp_path / "control.html"
    control.write_text("<!DOCTYPE html><html><head><title>before</title></head><body>"
                       "<script>document.title='RAN';</script></body></html>",
                       encoding="utf-8")
    dumped = _browser(tmp_path, control, "--dump-dom")
    assert "<title>RAN</title>" in dumped.stdout, dumped.stderr[-2000:]

    page = tmp_path / "report.html"
    page.write_text(hostile.to_html(), encoding="utf-8")
    dumped = _browser(tmp_path, page, "--dump-dom")
    dom = dumped.stdout
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert "<title>How outlets frame China</title>" in dom
    assert "PWNED" not in re.sub(r"&lt;.*?&gt;", "", dom.split("<body", 1)[0])
    assert "<planted-marker" not in dom
    assert "<title>PWNED" not in dom and "<img" not in dom
    # The planted markup is shown as text in the article instead.
    assert "&lt;script&gt;document.title='PWNED';" in dom
    # Highlights: displaCy span markup with its labels (each article is one paragraph).
    assert dom.count('class="spans"') == len(hostile.documents)
    article_part = dom.split("<h2>Articles</h2>", 1)[1]
    for label in ("LOSS_OF_INFLUENCE", "DILEMMA", "STABILITY", "HEDGE", "SOURCE", "TARGET"):
        assert label in article_part, label
    # The chart: one bar group per active label and outlet.
    assert dom.count('class="bar"') == 3 * 2

    screenshot = tmp_path / "report.png"
    shot = _browser(tmp_path, page, f"--screenshot={screenshot}", "--window-size=1200,1800",
                    "--hide-scrollbars")
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
