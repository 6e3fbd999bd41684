"""Throughput of the framing components relative to plain en_core_web_sm, in one run.

    python benchmarks/speed.py [--texts DIR] [--rounds 5] [--json]

DIR is the BASIL corpus (``../shared/data/basil`` by default: every ``articles/*/*.json``
is one text) or any folder of ``.txt`` files. Both pipelines are the same loaded model —
the framing pipes are disabled for the plain runs — and the rounds alternate between them so
that machine noise hits both alike. The ratio is the median plain words/s over the median
framing words/s (target: at most 1.10).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from spacy_framing import FRAMING_PIPES, load
from spacy_framing.texts import basil_text


def read_texts(root: Path) -> list[str]:
    basil = sorted(root.glob("articles/*/*.json"))
    if basil:
        return [basil_text(json.loads(p.read_text(encoding="utf-8"))) for p in basil]
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.txt"))]
    if not texts:
        sys.exit(f"speed.py: no BASIL articles or .txt files under {root}")
    return texts


def words_per_second(nlp, texts: list[str], *, disable: tuple[str, ...]) -> tuple[float, int]:
    started = time.perf_counter()
    words = 0
    with nlp.select_pipes(disable=list(disable)):
        for doc in nlp.pipe(texts, batch_size=32):
            words += sum(1 for t in doc if not (t.is_punct or t.is_space))
    return words / (time.perf_counter() - started), words


def main() -> None:
    # The team's shared corpora sit beside the checkout unless $FRAMING_SHARED says otherwise.
    shared = Path(os.environ.get("FRAMING_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    default_root = shared / "data" / "basil"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, default=default_root)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    texts = read_texts(args.texts)
    nlp = load(args.model)
    framing = tuple(p for p in FRAMING_PIPES if p in nlp.pipe_names)
    words_per_second(nlp, texts[:20], disable=())  # warm-up: caches, lazy loads
    plain: list[float] = []
    with_framing: list[float] = []
    words = 0
    for _ in range(args.rounds):
        rate, words = words_per_second(nlp, texts, disable=framing)
        plain.append(rate)
        rate, _ = words_per_second(nlp, texts, disable=())
        with_framing.append(rate)
    result = {
        "texts": len(texts),
        "words": words,
        "rounds": args.rounds,
        "model": nlp.meta.get("name"),
        "plain_words_per_second": round(statistics.median(plain), 1),
        "framing_words_per_second": round(statistics.median(with_framing), 1),
    }
    result["ratio"] = round(result["plain_words_per_second"]
                            / result["framing_words_per_second"], 3)
    result["target"] = 1.10
    result["meets_target"] = result["ratio"] <= 1.10
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['texts']} texts, {words} words, {args.rounds} rounds")
        print(f"en_core_web_sm alone:        {result['plain_words_per_second']:>10,.0f} words/s")
        print(f"with framing components:     {result['framing_words_per_second']:>10,.0f} "
              "words/s")
        print(f"ratio (time with / without):  {result['ratio']:.3f}  (target <= 1.10)")


if __name__ == "__main__":
    main()
