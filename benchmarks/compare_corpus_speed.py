"""How long and how much memory does `framing compare --from` take on a corpus?

Budget (issue 12): on an analyze output of all 7,946 AllSides articles,
``framing compare --from DIR --target China --period year --stratify topic`` takes at most
15 s and 2 GB. Each round runs the command in a fresh process (interpreter start and
imports count) and reads its peak resident memory from the operating system; the median
time and the largest peak are compared with the budget.

    python benchmarks/allsides_subset.py china /tmp/china.jsonl
    framing analyze /tmp/china.jsonl --output /tmp/china_out --id-field id
    python benchmarks/compare_corpus_speed.py /tmp/china_out --rounds 3 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SECONDS_BUDGET = 15.0
MEMORY_BUDGET_MB = 2048.0


def run_once(command: Sequence[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MB) of one run of ``command``."""
    start = time.perf_counter()
    # A child of its own per run: RUSAGE_CHILDREN keeps the largest peak of all children,
    # so each run is measured in a wrapper process that reports only its own child.
    wrapper = ("import resource, subprocess, sys\n"
               "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
               "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss); sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"compare failed ({done.returncode}): {done.stderr.strip()}")
    cpu, peak_kb = (float(x) for x in done.stdout.strip().splitlines()[-1].split())
    return seconds, cpu, peak_kb / 1024.0


def count_documents(directory: Path) -> int:
    run = json.loads((directory / "run.json").read_text(encoding="utf-8"))
    for key in ("documents", "documents_written", "written"):
        if isinstance(run.get(key), int):
            return int(run[key])
    import pyarrow.parquet as pq

    return pq.ParquetFile(directory / "documents.parquet").metadata.num_rows


def measure(directory: Path, *, target: str = "China", period: str = "year",
            stratify: str = "topic", by: str = "outlet", rounds: int = 3) -> dict[str, Any]:
    """Time ``framing compare --from directory`` ``rounds`` times in fresh processes.

    RETURNS (dict[str, Any]): Median wall and CPU seconds, peak memory, the budget verdict.
    """
    framing = Path(sys.executable).with_name("framing")
    command = [str(framing) if framing.exists() else "framing", "compare", "--from",
               str(directory), "--target", target, "--by", by,
               "--period", period, "--stratify", stratify, "--format", "json",
               "--output", os.devnull, "--force"]
    runs = [run_once(command) for _ in range(rounds)]
    seconds = statistics.median(s for s, _, _ in runs)
    cpu = statistics.median(c for _, c, _ in runs)
    peak = max(m for _, _, m in runs)
    result: dict[str, Any] = {
        "command": " ".join(command[1:]),
        "documents": count_documents(directory),
        "rounds": rounds,
        "seconds": [round(s, 2) for s, _, _ in runs],
        "median_seconds": round(seconds, 2),
        # On a shared machine the wall time includes waiting for a core; CPU time does not.
        "median_cpu_seconds": round(cpu, 2),
        "peak_mb": round(peak, 1),
        "budget": {"seconds": SECONDS_BUDGET, "mb": MEMORY_BUDGET_MB},
        "within_budget": seconds <= SECONDS_BUDGET and peak <= MEMORY_BUDGET_MB,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, help="a `framing analyze` output")
    parser.add_argument("--target", default="China")
    parser.add_argument("--period", default="year")
    parser.add_argument("--stratify", default="topic")
    parser.add_argument("--by", default="outlet")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = measure(args.directory, target=args.target, period=args.period,
                     stratify=args.stratify, by=args.by, rounds=args.rounds)
    seconds, cpu, peak = (result["median_seconds"], result["median_cpu_seconds"],
                          result["peak_mb"])
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['documents']} documents: median {seconds:.2f} s ({cpu:.2f} s CPU) over "
              f"{args.rounds} "
              f"rounds, peak {peak:.0f} MB (budget {SECONDS_BUDGET:.0f} s, "
              f"{MEMORY_BUDGET_MB:.0f} MB): "
              f"{'within' if result['within_budget'] else 'OVER'} budget")
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
