"""Corpus-scale throughput and memory of `framing analyze` over the BASIL articles.

    python benchmarks/scale.py [--shared DIR] [--batch-size 32] [--memory-docs 40]
                               [--skip-dask] [--json]

Measures, each in a fresh process, over the BASIL articles (``DIR/data/basil``; DIR is
``--shared``, else ``$FRAMING_SHARED``, else the ``shared`` folder beside this checkout):

* plain ``en_core_web_sm`` (``nlp.pipe``, no framing components, no output);
* ``framing analyze`` in one process, with ``--n-process 2`` and with ``--workers 2``
  (a local Dask cluster);
* peak resident memory (the analyze process and its children) of one-process runs over
  a corpus and over the same corpus repeated ten times (new ids).

Throughput is documents/s and words/s over the processing time that ``analyze`` reports
in ``run.json`` (model loading excluded, as for the plain run). Targets: two processes
>= 1.6x one process; analyze <= 1.15x the time of plain en_core_web_sm; peak RSS of the
10x corpus <= 1.3x that of the 1x corpus. The machine's load average is printed with
every figure: on a machine shared with other work, wall-clock ratios are only as good as
the idle cores were; the CPU-time ratio of analyze to plain does not depend on them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from spacy_framing.texts import basil_text

TARGETS = {"two_process_speedup": 1.6, "analyze_over_plain": 1.15, "memory_10x_over_1x": 1.3}


def default_shared() -> Path:
    configured = os.environ.get("FRAMING_SHARED")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared"


def write_corpus(basil: Path, path: Path, *, limit: int | None = None,
                 repeat: int = 1) -> int:
    """BASIL articles as JSONL records (id = file stem; the files' own uuid field is not
    unique); ``repeat`` copies the corpus with new ids. Returns the number of records."""
    files = sorted(basil.glob("articles/*/*.json"))
    if not files:
        sys.exit(f"scale.py: no BASIL articles under {basil}")
    files = files[:limit] if limit else files
    records = []
    for file in files:
        article = json.loads(file.read_text(encoding="utf-8"))
        records.append({"doc_id": file.stem, "outlet": article.get("source"),
                        "title": article.get("title"), "date": article.get("date"),
                        "text": basil_text(article)})
    with path.open("w", encoding="utf-8") as out:
        for copy in range(repeat):
            for record in records:
                row = dict(record, doc_id=f"{record['doc_id']}#{copy}" if repeat > 1
                           else record["doc_id"])
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(records) * repeat


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_measured(command: list[str]) -> tuple[subprocess.CompletedProcess[str], int, float]:
    """Run ``command``; return its result, the peak RSS of its process tree and wall time.
    The CPU time of the whole tree (loading included) is added to the result as
    ``cpu_tree``."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, tree_rss(watched))
        time.sleep(0.05)
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"scale.py: {' '.join(command)} failed:\n{stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    result.cpu_tree = (after.ru_utime + after.ru_stime  # type: ignore[attr-defined]
                       - usage.ru_utime - usage.ru_stime)
    return result, peak, time.perf_counter() - started


def plain_run(corpus: Path, batch_size: int) -> None:
    """(Child process) plain en_core_web_sm over the corpus; prints one JSON object."""
    from spacy_framing._loader import load_base

    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    texts = [t for t in texts if t.strip()]
    nlp = load_base()
    list(nlp.pipe(texts[:2]))  # warm-up, as analyze does when it loads the pipeline
    started, started_cpu = time.perf_counter(), time.process_time()
    words = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        words += sum(1 for t in doc if not (t.is_punct or t.is_space))
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "cpu_seconds": time.process_time() - started_cpu,
                      "documents": len(texts), "words": words}))


def figures(seconds: float, documents: int, words: int) -> dict[str, float]:
    return {"seconds": round(seconds, 2), "documents": documents, "words": words,
            "documents_per_s": round(documents / seconds, 2) if seconds else 0.0,
            "words_per_s": round(words / seconds, 1) if seconds else 0.0}


def analyze_run(corpus: Path, out: Path, batch_size: int, extra: list[str]) -> dict[str, Any]:
    framing = Path(sys.executable).parent / "framing"
    command = [str(framing), "analyze", str(corpus), "--output", str(out), "--batch-size",
               str(batch_size), *extra]
    load_before = os.getloadavg()[0]
    done, peak, wall = run_measured(command)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    shutil.rmtree(out)
    return {**figures(run["seconds"], run["documents_written"], run["words"]),
            "cpu_seconds": run["cpu_seconds"], "load_seconds": run["load_seconds"],
            "errors": run["errors"], "wall_with_startup": round(wall, 2),
            "cpu_all_processes_with_startup": round(done.cpu_tree, 2),  # type: ignore[attr-defined]
            "peak_rss_mb": round(peak / 2**20, 1), "mode": run["mode"],
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=None,
                        help="the shared folder (default: $FRAMING_SHARED, else ../shared "
                        "beside this checkout)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--memory-docs", type=int, default=40,
                        help="articles in the 1x corpus of the memory test (0: all)")
    parser.add_argument("--limit", type=int, default=0,
                        help="use only the first N articles (0: all; for a quick check)")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--plain-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_child:
        plain_run(args.plain_child, args.batch_size)
        return

    basil = (args.shared or default_shared()) / "data" / "basil"
    results: dict[str, Any] = {"cpu_count": os.cpu_count(), "batch_size": args.batch_size}
    with tempfile.TemporaryDirectory(prefix="framing-scale-") as tmp:
        work = Path(tmp)
        corpus = work / "basil.jsonl"
        results["records"] = write_corpus(basil, corpus, limit=args.limit or None)

        load_before = os.getloadavg()[0]
        child, _, _ = run_measured([sys.executable, str(Path(__file__).resolve()),
                                    "--plain-child", str(corpus), "--batch-size",
                                    str(args.batch_size)])
        plain = json.loads(child.stdout)
        results["plain_en_core_web_sm"] = {
            **figures(plain["seconds"], plain["documents"], plain["words"]),
            "cpu_seconds": round(plain["cpu_seconds"], 2),
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]}

        results["analyze_1_process"] = analyze_run(corpus, work / "one", args.batch_size, [])
        results["analyze_2_processes"] = analyze_run(corpus, work / "two", args.batch_size,
                                                     ["--n-process", "2"])
        if not args.skip_dask:
            results["analyze_dask_2_workers"] = analyze_run(
                corpus, work / "dask", args.batch_size, ["--workers", "2"])

        small, large = work / "x1.jsonl", work / "x10.jsonl"
        limit = args.memory_docs or None
        write_corpus(basil, small, limit=limit)
        write_corpus(basil, large, limit=limit, repeat=10)
        results["memory_1x"] = analyze_run(small, work / "m1", args.batch_size, [])
        results["memory_10x"] = analyze_run(large, work / "m10", args.batch_size, [])

    one, two = results["analyze_1_process"], results["analyze_2_processes"]
    plain_figures = results["plain_en_core_web_sm"]
    ratios = {
        "two_process_speedup": round(one["seconds"] / two["seconds"], 3),
        "analyze_over_plain": round(one["seconds"] / plain_figures["seconds"], 3),
        "analyze_over_plain_cpu": round(one["cpu_seconds"] / plain_figures["cpu_seconds"], 3),
        "memory_10x_over_1x": round(results["memory_10x"]["peak_rss_mb"]
                                    / results["memory_1x"]["peak_rss_mb"], 3),
    }
    if "analyze_dask_2_workers" in results:
        ratios["dask_2_workers_speedup"] = round(
            one["seconds"] / results["analyze_dask_2_workers"]["seconds"], 3)
    results["ratios"] = ratios
    results["targets"] = TARGETS
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"BASIL: {results['records']} records, batch size {args.batch_size}, "
          f"{results['cpu_count']} CPUs")
    for name in ("plain_en_core_web_sm", "analyze_1_process", "analyze_2_processes",
                 "analyze_dask_2_workers", "memory_1x", "memory_10x"):
        if name not in results:
            continue
        r = results[name]
        rss = f", peak RSS {r['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in r else ""
        print(f"  {name:<24} {r['documents']:>5} docs {r['seconds']:>7.1f} s  "
              f"{r['documents_per_s']:>6.2f} docs/s {r['words_per_s']:>8.0f} words/s  "
              f"cpu {r['cpu_seconds']:.1f} s{rss}  load {r['load_average']}")
    for name, value in ratios.items():
        target = TARGETS.get(name.removesuffix("_cpu"))
        verdict = ""
        if target is not None:
            good = value >= target if name == "two_process_speedup" else value <= target
            verdict = f"  (target {'>=' if name == 'two_process_speedup' else '<='} "\
                      f"{target}: {'met' if good else 'NOT met'})"
        print(f"  {name:<26} {value:.3f}{verdict}")


if __name__ == "__main__":
    main()
