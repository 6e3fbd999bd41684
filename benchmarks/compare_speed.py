"""How much does `framing compare` cost beyond parsing with plain en_core_web_sm?

Budget (issue): comparing two articles costs at most 1.5x loading the model and parsing
the same texts with plain ``en_core_web_sm``. Both sides run in fresh Python processes
(interpreter start, imports, model load, parse; compare adds the framing components,
facts, bootstrap, permutation test, cross-validated model and the report), each
``--repeats`` times; the medians are compared and the ratio printed.

    python benchmarks/compare_speed.py                       # the two seed articles
    python benchmarks/compare_speed.py a.txt b.txt --target China --format json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUDGET = 1.5

BASELINE = """
import sys
from pathlib import Path
import spacy
from spacy_framing._loader import resolve_model_name
nlp = spacy.load(resolve_model_name(None))
for path in sys.argv[1:]:
    nlp(Path(path).read_text(encoding="utf-8"))
"""

COMPARE = """
import sys
import spacy_framing
files, target, fmt = sys.argv[3:], sys.argv[1], sys.argv[2]
result = spacy_framing.compare(files, target=target)
rendered = {"json": result.to_json, "text": result.to_text,
            "markdown": result.to_markdown, "html": result.to_html}[fmt]()
sys.stdout.write(str(len(rendered)))
"""

# Where the time goes, stage by stage, in one fresh process (printed with --breakdown).
BREAKDOWN = """
import json, sys, time
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
import spacy
mark("import spacy")
import spacy_framing
from spacy_framing._loader import load_base
from spacy_framing.compare import compare_facts, resolve_target
from spacy_framing.facts import doc_facts
mark("import spacy_framing")
import sklearn.compose, sklearn.linear_model, sklearn.model_selection  # noqa: E401
mark("import scikit-learn")
nlp = load_base()
mark("load en_core_web_sm")
for factory in spacy_framing.FRAMING_PIPES:
    nlp.add_pipe(factory)
    mark("add " + factory)
target = resolve_target(nlp, sys.argv[1])
mark("resolve target (actors gazetteer)")
files = sys.argv[2:]
texts = [open(f, encoding="utf-8").read() for f in files]
docs = list(nlp.pipe(texts))
mark("parse with framing pipeline")
facts = [doc_facts(d, {"outlet": str(i), "doc_id": str(i)}) for i, d in enumerate(docs)]
mark("facts")
result = compare_facts(facts, target=target)
mark("statistics, contrast model, summary")
result.to_json()
mark("render json")
base = load_base()
list(base.pipe(texts))
mark("(reference) load + parse plain model again")
print(json.dumps([[name, round(t - marks[i][1], 3)] for i, (name, t) in enumerate(marks[1:])]))
"""


def _default_files() -> list[Path]:
    shared = REPO.parent / "shared" / "articles"
    seeds = [shared / "seed_kontur.txt", shared / "seed_voa.txt"]
    if all(p.is_file() for p in seeds):
        return seeds
    return sorted((REPO / "examples").glob("*.txt"))[:2]


def _timed(code: str, args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=REPO,
                   capture_output=True, text=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="articles (default: seed articles)")
    parser.add_argument("--target", default="China")
    parser.add_argument("--format", default="json",
                        choices=["json", "text", "markdown", "html"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time each stage of a comparison in one process")
    options = parser.parse_args()
    files = [str(p) for p in (options.files or _default_files())]

    # One untimed run of each warms the OS file cache, so neither side pays for it alone.
    _timed(BASELINE, files)
    _timed(COMPARE, [options.target, options.format, *files])
    baseline, compared = [], []
    for _ in range(options.repeats):
        # Interleaved, so a slow moment of the machine hits both sides alike.
        baseline.append(_timed(BASELINE, files))
        compared.append(_timed(COMPARE, [options.target, options.format, *files]))
    base, comp = statistics.median(baseline), statistics.median(compared)
    ratio = comp / base
    figures = {
        "files": files,
        "baseline_seconds": round(base, 3),
        "compare_seconds": round(comp, 3),
        "ratio": round(ratio, 3),
        "budget": BUDGET,
        "within_budget": ratio <= BUDGET,
        "repeats": options.repeats,
    }
    if options.breakdown:
        done = subprocess.run([sys.executable, "-c", BREAKDOWN, options.target, *files],
                              check=True, cwd=REPO, capture_output=True, text=True)
        figures["breakdown_seconds"] = dict(json.loads(done.stdout.strip().splitlines()[-1]))
    if options.json:
        print(json.dumps(figures, indent=2))
        return
    for stage, seconds in figures.get("breakdown_seconds", {}).items():
        print(f"  {stage:<45} {seconds:6.2f} s")
    print(f"plain en_core_web_sm (load + parse): {base:.2f} s (median of {options.repeats})")
    print(f"framing compare ({options.format}):           {comp:.2f} s")
    print(f"ratio: {ratio:.2f} (budget {BUDGET}) -> "
          f"{'within budget' if ratio <= BUDGET else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
