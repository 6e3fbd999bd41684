"""Subsets of the shared AllSides corpus, written outside the repository at run time.

The articles stay in the shared folder (``$FRAMING_SHARED``, else ``../shared``); this
script only selects records and writes them where it is told, so that the README's real
example, the compare speed benchmark and the tests draw the same subsets.

    python benchmarks/allsides_subset.py china /tmp/allsides_china.jsonl
    python benchmarks/allsides_subset.py three-outlets /tmp/china120.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

THREE_OUTLETS: tuple[str, ...] = ("CNN (Web News)", "Fox Online News", "Reuters")
MIN_MENTIONS = 3


def shared_dir() -> Path:
    configured = os.environ.get("FRAMING_SHARED")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared"


def allsides_path(root: Path | None = None) -> Path:
    return (root or shared_dir()) / "data" / "allsides" / "international.jsonl"


def read_allsides(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def china_articles(path: Path, *, min_mentions: int = MIN_MENTIONS) -> list[dict[str, Any]]:
    """Every article that names China at least ``min_mentions`` times, in file order."""
    return [r for r in read_allsides(path) if r["text"].count("China") >= min_mentions]


def three_outlet_set(path: Path, *, per_outlet: int = 40, seed: int = 0,
                     outlets: Sequence[str] = THREE_OUTLETS) -> list[dict[str, Any]]:
    """The issue's 120-article set: ``per_outlet`` China articles from each of ``outlets``,
    drawn with ``seed`` from those that name China at least three times."""
    rng = random.Random(seed)
    candidates = china_articles(path)
    chosen: list[dict[str, Any]] = []
    for outlet in outlets:
        pool = sorted((r for r in candidates if r["outlet"] == outlet), key=lambda r: r["id"])
        chosen += rng.sample(pool, per_outlet)
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("subset", choices=["china", "three-outlets", "first"])
    parser.add_argument("output", type=Path)
    parser.add_argument("--n", type=int, default=1000, help="records for 'first'")
    args = parser.parse_args(argv)
    source = allsides_path()
    if args.subset == "china":
        records = china_articles(source)
    elif args.subset == "three-outlets":
        records = three_outlet_set(source)
    else:
        records = [r for _, r in zip(range(args.n), read_allsides(source), strict=False)]
    with args.output.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} records -> {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
