"""Is `framing compare` calibrated under the null? Outlet labels shuffled over real documents.

Reads an analyze output (e.g. of the issue-12 set: ``python benchmarks/allsides_subset.py
three-outlets /tmp/china120.jsonl`` then ``framing analyze``), shuffles the documents'
outlet labels ``--shuffles`` times (group sizes kept) and reports how often the divergence
test rejects at 5%, with and without ``--stratify``, its median p, and the median balanced
accuracy of the framing, lexical and combined contrast models against chance.

    python benchmarks/compare_null_calibration.py /tmp/china120_out --shuffles 40 --json
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def main(argv: Sequence[str] | None = None) -> int:
    from spacy_framing.analyze import iter_facts
    from spacy_framing.compare import _divergence, compare_facts
    from spacy_framing.compare.profiles import collect

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--target", default="China")
    parser.add_argument("--stratify", default="topic")
    parser.add_argument("--shuffles", type=int, default=40)
    parser.add_argument("--model-shuffles", type=int, default=None,
                        help="shuffles with the contrast models fitted (default: all)")
    parser.add_argument("--permutations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    docs = list(iter_facts(args.directory))
    outlets = [doc["outlet"] for doc in docs]
    rng = random.Random(args.seed)
    p_values: dict[str, list[float]] = {"plain": [], "stratified": []}
    accuracy: dict[str, list[float]] = {"combined": [], "framing": [], "lexical": []}
    chance = None
    model_shuffles = args.shuffles if args.model_shuffles is None else args.model_shuffles
    for shuffle in range(args.shuffles):
        labels = outlets[:]
        rng.shuffle(labels)
        shuffled = [{**doc, "outlet": label} for doc, label in zip(docs, labels, strict=True)]
        for key, stratify in (("plain", None), ("stratified", args.stratify)):
            data = collect(shuffled, args.target, keep_documents=False, stratify=stratify)
            divergence = _divergence(data, n_permutations=args.permutations,
                                     rng=np.random.default_rng(shuffle),
                                     label_rng=np.random.default_rng(10_000 + shuffle))
            p_values[key].append(divergence["p_value"])
        if shuffle < model_shuffles:
            model = compare_facts(shuffled, target=args.target, n_bootstrap=1,
                                  n_permutations=0, keep_documents=False,
                                  seed=shuffle).contrast_model
            chance = model["chance"]
            accuracy["combined"].append(model["cv_balanced_accuracy"])
            accuracy["framing"].append(model["framing"]["cv_balanced_accuracy"])
            accuracy["lexical"].append(model["lexical"]["cv_balanced_accuracy"])
    result: dict[str, Any] = {
        "documents": len(docs),
        "shuffles": args.shuffles,
        "permutations": args.permutations,
        "rejections_at_5pct": {k: sum(p < 0.05 for p in v) for k, v in p_values.items()},
        "median_p": {k: round(statistics.median(v), 3) for k, v in p_values.items()},
        "model_shuffles": model_shuffles,
        "median_balanced_accuracy": {k: round(statistics.median(v), 3)
                                     for k, v in accuracy.items() if v},
        "chance": chance,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key in p_values:
            print(f"{key}: p < 0.05 in {result['rejections_at_5pct'][key]} of {args.shuffles} "
                  f"shuffles, median p {result['median_p'][key]}")
        print(f"median balanced accuracy {result['median_balanced_accuracy']} vs chance "
              f"{chance}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
