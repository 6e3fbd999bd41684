"""`framing analyze` on the whole AllSides corpus against plain en_core_web_sm, and
`framing compare --from` on its output (issue 12's corpus budgets).

    python benchmarks/allsides_speed.py [--shared DIR] [--limit N] [--work DIR] [--json]

Every run is a fresh process started from the shell, timed from start to exit (imports,
model loading, reading the JSONL and, for analyze, writing its Parquet tables count):

* ``plain``: en_core_web_sm over the articles' text with ``nlp.pipe(n_process=2)``;
* ``rules``: ``framing analyze --n-process 2 --profile rules``;
* ``default``: ``framing analyze --n-process 2`` (rules plus the trained models);
* ``compare``: ``framing compare --from`` the default output with ``--period year
  --stratify topic`` (``compare_corpus_speed.py``: median of 3 runs, peak memory).

Budgets: analyze within 1.2x plain on 2 processes; compare at most 15 s and 2 GB. The
corpus is read in place (``DIR/data/allsides/international.jsonl``); nothing is copied
into the repository. Result: ``benchmarks/results/allsides_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from compare_corpus_speed import measure
from devices_model import shared_root

HERE = Path(__file__).resolve().parent
RATIO_BUDGET = 1.2
PLAIN = """
import json, sys, spacy
from spacy_framing._loader import resolve_model_name
nlp = spacy.load(resolve_model_name(None))
nlp.max_length = 2_000_000
texts = (json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")
         if line.strip())
words = sum(1 for doc in nlp.pipe(texts, n_process=2, batch_size=32) for t in doc
            if not (t.is_space or t.is_punct))
print(words)
"""


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed: {done.stderr[-2000:]}")
    return seconds, done.stdout


def save(result: dict[str, Any], limit: int | None) -> None:
    """Record what has been measured so far (not for a ``--limit`` check run)."""
    if not limit:
        (HERE / "results" / "allsides_speed.json").write_text(
            json.dumps(result, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N articles (a quick check; not the budget run)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/framing-allsides-speed"))
    parser.add_argument("--profiles", default="rules,default",
                        help="analyze profiles to time, comma-separated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    corpus = (args.shared or shared_root()) / "data" / "allsides" / "international.jsonl"
    if args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True)
    if args.limit:
        lines = [line for line in corpus.read_text(encoding="utf-8").splitlines()
                 if line.strip()][:args.limit]
        corpus = args.work / "corpus.jsonl"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    framing = str(Path(sys.executable).with_name("framing"))
    result: dict[str, Any] = {"corpus": str(corpus), "cpus": os.cpu_count(), "runs": {},
                              "ratio_budget": RATIO_BUDGET}
    seconds, out = timed([sys.executable, "-c", PLAIN, str(corpus)])
    result["words"] = int(out.strip().splitlines()[-1])
    result["runs"]["plain"] = {"seconds": round(seconds, 1),
                               "load_average": [round(x, 2) for x in os.getloadavg()]}
    for profile in profiles:
        output = args.work / profile
        seconds, _ = timed([framing, "analyze", str(corpus), "--output", str(output),
                            "--id-field", "id", "--n-process", "2", "--profile", profile])
        run = json.loads((output / "run.json").read_text(encoding="utf-8"))
        result["runs"][profile] = {
            "seconds": round(seconds, 1),
            "ratio": round(seconds / result["runs"]["plain"]["seconds"], 3),
            "documents": run.get("documents_written"),
            "errors": run.get("errors"),
            "processing_seconds": run.get("seconds"),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        result["runs"][profile]["within_budget"] = \
            result["runs"][profile]["ratio"] <= RATIO_BUDGET
        save(result, args.limit)  # a later failure then loses nothing measured
    result["compare"] = measure(args.work / profiles[-1])
    result["compare"]["profile"] = profiles[-1]
    save(result, args.limit)
    print(json.dumps(result, indent=1) if args.json else
          "\n".join(f"{name}: {run['seconds']} s" + (f" ({run['ratio']}x plain)"
                                                      if "ratio" in run else "")
                    for name, run in result["runs"].items())
          + f"\ncompare: {result['compare']['median_seconds']} s, "
            f"{result['compare']['peak_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
