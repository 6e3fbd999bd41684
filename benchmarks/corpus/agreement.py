"""Inter-annotator agreement on the articles of the training corpus annotated twice.

Each doubly annotated article has a primary annotation (``annotations/``) and an
independent second one (``second/``). Agreement per label is the F1 of one against the
other with the codebook's span-partial matching (one-to-one, largest overlap first), which
is symmetric; the sentence-level figure asks whether both mark the label in a sentence
(sentences split at ". ", "? ", "! " and paragraph breaks, so no parser's output is used).

    python benchmarks/corpus/agreement.py   # writes benchmarks/results/corpus_agreement.json
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from spacy_framing.benchmark import GoldDoc, match_partial, read_gold

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent / "results" / "corpus_agreement.json"
DEVICE_LABELS = ("LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP", "DILEMMA",
                 "STRATEGIC_GAME", "DEPENDENCY", "STABILITY", "ESCALATION", "LEGALITY",
                 "EMOTION", "SILENCE")
LABELS = (*DEVICE_LABELS, "HEDGE", "BOOSTER", "SOURCE")
_SENTENCE_END = re.compile(r"[.!?][\"”’]?\s+|\n\n")


def _sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def _sentence(offset: int, starts: list[int]) -> int:
    index = 0
    for number, start in enumerate(starts):
        if start <= offset:
            index = number
    return index


def pairs(root: Path, *, frozen: bool = False) -> list[tuple[GoldDoc, GoldDoc]]:
    """(primary, second) annotations of every article annotated twice (of the training
    corpus, or of the frozen test set before adjudication)."""
    folders = (("frozen/first", "frozen/second") if frozen else ("annotations", "second"))
    first, _ = read_gold([HERE / folders[0]], texts_root=root)
    second, _ = read_gold([HERE / folders[1]], texts_root=root)
    by_id = {g.doc_id: g for g in first}
    return [(by_id[g.doc_id], g) for g in second if g.doc_id in by_id]


def agreement(docs: list[tuple[GoldDoc, GoldDoc]]) -> dict[str, Any]:
    """Per-label and micro span-partial and sentence F1 between the two annotations."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(
        lambda: {"span": [0, 0, 0], "sentence": [0, 0, 0]})
    for a, b in docs:
        starts = _sentence_starts(a.text)
        for label in LABELS:
            sa = [(s.start, s.end) for s in a.spans if s.label == label]
            sb = [(s.start, s.end) for s in b.spans if s.label == label]
            matched = len(match_partial(sb, sa))
            span = counts[label]["span"]
            span[0] += matched
            span[1] += len(sb) - matched
            span[2] += len(sa) - matched
            ka = {_sentence(s, starts) for s, _ in sa}
            kb = {_sentence(s, starts) for s, _ in sb}
            sentence = counts[label]["sentence"]
            sentence[0] += len(ka & kb)
            sentence[1] += len(kb - ka)
            sentence[2] += len(ka - kb)

    def f1(tp: int, fp: int, fn: int) -> float:
        return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0

    result: dict[str, Any] = {"articles": len(docs), "labels": {}}
    for label in LABELS:
        span, sentence = counts[label]["span"], counts[label]["sentence"]
        result["labels"][label] = {
            "span_f1": f1(*span), "sentence_f1": f1(*sentence),
            "spans_first": span[0] + span[2], "spans_second": span[0] + span[1]}
    for name, group in (("devices", DEVICE_LABELS), ("hedges", ("HEDGE", "BOOSTER"))):
        total = {level: [sum(counts[lb][level][i] for lb in group) for i in range(3)]
                 for level in ("span", "sentence")}
        result[f"micro_{name}"] = {"span_f1": f1(*total["span"]),
                                   "sentence_f1": f1(*total["sentence"])}
    return result


def main() -> None:
    import argparse

    from regions import shared_root

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", action="store_true",
                        help="the frozen test set's two annotations (before adjudication)")
    args = parser.parse_args()
    docs = pairs(shared_root(), frozen=args.frozen)
    result = agreement(docs)
    target = RESULTS.with_name("frozen_agreement.json") if args.frozen else RESULTS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{result['articles']} articles annotated twice -> {target}")
    print(f"{'label':<20}{'span F1':>9}{'sent F1':>9}{'n1':>6}{'n2':>6}")
    for label, row in result["labels"].items():
        print(f"{label:<20}{row['span_f1']:>9.3f}{row['sentence_f1']:>9.3f}"
              f"{row['spans_first']:>6}{row['spans_second']:>6}")
    for name in ("devices", "hedges"):
        row = result[f"micro_{name}"]
        print(f"{'micro ' + name:<20}{row['span_f1']:>9.3f}{row['sentence_f1']:>9.3f}")


if __name__ == "__main__":
    main()
