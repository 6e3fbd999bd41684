"""Throughput of the framing components relative to plain en_core_web_sm, in one run.

    python benchmarks/speed.py [--texts DIR] [--rounds 5] [--json]

DIR is the BASIL corpus (``../shared/data/basil`` by default: every ``articles/*/*.json``
is one text) or any folder of ``.txt`` files. Both pipelines are the same loaded model —
the framing pipes are disabled for the plain runs — and the rounds alternate between them so
that machine noise hits both alike. The ratio is the median plain words/s over the median
framing words/s, for the rules-only profile (target: at most 1.10) and the default
pipeline with the trained device model (target: at most 1.30).
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

RULES_TARGET = 1.10
DEFAULT_TARGET = 1.30


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
    framing = tuple(p for p in nlp.pipe_names if p.startswith("framing_"))
    trained = tuple(p for p in framing if p not in FRAMING_PIPES)
    words_per_second(nlp, texts[:20], disable=())  # warm-up: caches, lazy loads
    # One loaded pipeline, three configurations, alternating every round so that machine
    # noise hits all of them alike: plain en_core_web_sm, the rules profile, the default.
    runs: dict[str, list[float]] = {"plain": [], "rules": [], "default": []}
    disabled = {"plain": framing, "rules": trained, "default": ()}
    words = 0
    for _ in range(args.rounds):
        for name, rates in runs.items():
            rate, words = words_per_second(nlp, texts, disable=disabled[name])
            rates.append(rate)
    result: dict[str, object] = {
        "texts": len(texts),
        "words": words,
        "rounds": args.rounds,
        "model": nlp.meta.get("name"),
        "trained_components": list(trained),
        "plain_words_per_second": round(statistics.median(runs["plain"]), 1),
        "rules_words_per_second": round(statistics.median(runs["rules"]), 1),
        "default_words_per_second": round(statistics.median(runs["default"]), 1),
    }
    plain = float(result["plain_words_per_second"])  # type: ignore[arg-type]
    for name, target in (("rules", RULES_TARGET), ("default", DEFAULT_TARGET)):
        ratio = round(plain / float(result[f"{name}_words_per_second"]), 3)  # type: ignore[arg-type]
        result[f"{name}_ratio"] = ratio
        result[f"{name}_target"] = target
        result[f"{name}_meets_target"] = ratio <= target
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['texts']} texts, {words} words, {args.rounds} rounds")
        for name, label in (("plain", "en_core_web_sm alone"),
                            ("rules", "profile='rules'"),
                            ("default", "default (rules + model)")):
            print(f"{label + ':':<28}{result[f'{name}_words_per_second']:>10,.0f} words/s")
        for name in ("rules", "default"):
            print(f"ratio {name} (time with / without): {result[f'{name}_ratio']:.3f}  "
                  f"(target <= {result[f'{name}_target']:.2f})")

if __name__ == "__main__":
    main()
