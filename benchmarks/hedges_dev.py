"""Development scorer for ``framing_hedges`` on codebook-format hedging gold (JSONL).

Scores HEDGE cues at two levels, beside a ~30-word keyword baseline:

* cue level: a predicted HEDGE span matches a gold HEDGE span when they overlap
  (partial match, codebook section 6); strict (same offsets) is shown too;
* sentence level: a line is uncertain when it has at least one HEDGE span.

Szeged files split by document so that rules can be developed on one half and measured on
the other: ``--split dev`` keeps documents whose ``md5(doc_id)`` starts with 0-7,
``--split heldout`` the rest, ``--split all`` everything.

    python benchmarks/hedges_dev.py ../shared/data/hedging/szeged_wiki_a.jsonl --split dev
    python benchmarks/hedges_dev.py FILE... --blank --errors 20
    python benchmarks/hedges_dev.py ../shared/data/hedging/szeged_wiki_a.jsonl --split heldout \
        --profile szeged

``--profile szeged`` scores the component's named Szeged setting (no approximator, hearsay,
weasel or conditional cues: the Szeged scheme files them outside semantic uncertainty).
Cue matching here is many-to-many; ``framing benchmark`` pairs spans one-to-one, so its
cue-level numbers can differ slightly (sentence level is the same).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

LABEL = "HEDGE"
SPANS_KEY = "hedges"

# The baseline a reader would try first: frequent hedge words, matched as whole words.
BASELINE_WORDS = frozenset({
    "may", "might", "could", "possibly", "probably", "perhaps", "maybe", "likely", "unlikely",
    "possible", "apparently", "reportedly", "allegedly", "alleged", "seems", "seem", "appears",
    "suggest", "suggests", "suggested", "believe", "believes", "believed", "think", "thought",
    "presumably", "unclear", "uncertain", "roughly", "approximately", "claims",
})
_WORD = re.compile(r"[a-z]+")

Offsets = tuple[int, int]


def _read_gold(path: Path, split: str) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            doc_id = str(record.get("meta", {}).get("doc_id", ""))
            first_hex = hashlib.md5(doc_id.encode("utf-8")).hexdigest()[0]
            if (split == "dev" and first_hex >= "8") or (split == "heldout" and first_hex < "8"):
                continue
            yield record


def _gold_spans(record: dict[str, Any]) -> list[Offsets]:
    return [(span["start"], span["end"]) for span in record.get("spans", [])
            if span.get("label") == LABEL]


def _baseline_spans(text: str) -> list[Offsets]:
    return [match.span() for match in _WORD.finditer(text.lower())
            if match.group() in BASELINE_WORDS]


class _Score:
    """Counts for one system on one file."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, predicted: list[Offsets], gold: list[Offsets]) -> tuple[list[Offsets],
                                                                          list[Offsets]]:
        def overlaps(a: Offsets, b: Offsets) -> bool:
            return a[0] < b[1] and b[0] < a[1]

        false_pos = [p for p in predicted if not any(overlaps(p, g) for g in gold)]
        false_neg = [g for g in gold if not any(overlaps(g, p) for p in predicted)]
        c = self.counts
        c["pred"] += len(predicted)
        c["gold"] += len(gold)
        c["pred_hit"] += len(predicted) - len(false_pos)
        c["gold_hit"] += len(gold) - len(false_neg)
        c["strict"] += len(set(predicted) & set(gold))
        c["sent_tp"] += bool(predicted) and bool(gold)
        c["sent_fp"] += bool(predicted) and not gold
        c["sent_fn"] += not predicted and bool(gold)
        c["sent_gold"] += bool(gold)
        c["sentences"] += 1
        return false_pos, false_neg

    def rows(self) -> dict[str, tuple[float, float, float, int]]:
        c = self.counts
        return {
            "cue (partial)": _prf(c["pred_hit"], c["pred"], c["gold_hit"], c["gold"]),
            "cue (strict)": _prf(c["strict"], c["pred"], c["strict"], c["gold"]),
            "sentence": _prf(c["sent_tp"], c["sent_tp"] + c["sent_fp"], c["sent_tp"],
                             c["sent_gold"]),
        }


def _prf(hit_p: int, n_pred: int, hit_g: int, n_gold: int) -> tuple[float, float, float, int]:
    precision = hit_p / n_pred if n_pred else 0.0
    recall = hit_g / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, n_gold


def _build_pipeline(blank: bool, model: str | None, exclude_groups: list[str],
                    profile: str) -> Language:
    if blank:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    else:
        from spacy_framing._loader import load_base

        # Only what the hedge rules read: tags for `pos`, NER for `exclude_ent`.
        nlp = load_base(model)
        for name in ("lemmatizer",):
            if name in nlp.pipe_names:
                nlp.disable_pipe(name)
    nlp.add_pipe("framing_hedges", config={"exclude_groups": exclude_groups,
                                           "profile": profile})
    return nlp


def _evaluate(nlp: Language, records: list[dict[str, Any]], show_errors: int,
              error_counts: Counter[tuple[str, str]]) -> tuple[_Score, _Score]:
    system, baseline = _Score(), _Score()
    texts = (record["text"] for record in records)
    shown = 0
    for record, doc in zip(records, nlp.pipe(texts, batch_size=256), strict=True):
        gold = _gold_spans(record)
        predicted = [(span.start_char, span.end_char) for span in doc.spans[SPANS_KEY]
                     if span.label_ == LABEL]
        false_pos, false_neg = system.add(predicted, gold)
        baseline.add(_baseline_spans(record["text"]), gold)
        text = record["text"]
        for kind, spans in (("FP", false_pos), ("FN", false_neg)):
            for start, end in spans:
                error_counts[(kind, text[start:end].lower())] += 1
                if shown < show_errors:
                    shown += 1
                    print(f"  {kind} [{text[start:end]}] {text[max(0, start - 60):end + 40]!r}")
    return system, baseline


def _print_table(name: str, n_sentences: int, seconds: float, system: _Score,
                 baseline: _Score) -> None:
    print(f"\n{name}: {n_sentences} sentences, {seconds:.1f}s")
    print(f"  {'level':14} {'system P':>9} {'R':>6} {'F1':>6}   {'baseline P':>10} {'R':>6} "
          f"{'F1':>6}  {'support':>7}")
    base_rows = baseline.rows()
    for level, (p, r, f, support) in system.rows().items():
        bp, br, bf, _ = base_rows[level]
        print(f"  {level:14} {p:9.3f} {r:6.3f} {f:6.3f}   {bp:10.3f} {br:6.3f} {bf:6.3f}  "
              f"{support:7d}")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="gold JSONL files")
    parser.add_argument("--split", choices=("all", "dev", "heldout"), default="all")
    parser.add_argument("--blank", action="store_true", help="spacy.blank('en') + sentencizer")
    parser.add_argument("--model", default=None, help="spaCy model name (default: installed)")
    parser.add_argument("--profile", default="codebook",
                        help="framing_hedges profile: codebook (default) or szeged")
    parser.add_argument("--exclude-groups", default="",
                        help="comma-separated rule groups to switch off, on top of the profile")
    parser.add_argument("--errors", type=int, default=0, help="print the first N FP/FN cues")
    parser.add_argument("--top-errors", type=int, default=0,
                        help="print the N most frequent FP and FN cue strings")
    args = parser.parse_args(list(argv) if argv is not None else None)

    exclude_groups = [group for group in args.exclude_groups.split(",") if group]
    nlp = _build_pipeline(args.blank, args.model, exclude_groups, args.profile)
    error_counts: Counter[tuple[str, str]] = Counter()
    totals, base_totals = _Score(), _Score()
    for path in args.files:
        records = list(_read_gold(path, args.split))
        started = time.perf_counter()
        system, baseline = _evaluate(nlp, records, args.errors, error_counts)
        _print_table(f"{path.name} [{args.split}]", len(records),
                     time.perf_counter() - started, system, baseline)
        totals.counts.update(system.counts)
        base_totals.counts.update(baseline.counts)
    if len(args.files) > 1:
        _print_table("all files", totals.counts["sentences"], 0.0, totals, base_totals)
    if args.top_errors:
        for kind in ("FP", "FN"):
            common = [(cue, n) for (k, cue), n in error_counts.most_common() if k == kind]
            print(f"\n{kind}: {common[:args.top_errors]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
