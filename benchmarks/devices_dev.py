"""Eyeball the precision of ``framing_devices`` on BASIL articles outside the gold set.

Runs the component over the development part of BASIL (every event except the team's
gold events), prints how often each label and each rule fired, and a random sample of
matches with their sentences (the span in [[double brackets]]) for reading.

    python benchmarks/devices_dev.py                       # counts + 8 samples per label
    python benchmarks/devices_dev.py --label EMOTION --sample 60
    python benchmarks/devices_dev.py --rule escalation.dangerous --sample 0 --all
    python benchmarks/devices_dev.py --blank               # blank pipeline (LOWER fallback)
    python benchmarks/devices_dev.py --cache /tmp/basil_sm.spacy   # parse once, reuse
    python benchmarks/devices_dev.py --jsonl ../shared/data/hedging/szeged_wiki_a.jsonl

``--jsonl`` reads any JSONL file of ``{"text": ...}`` records (the codebook's gold format)
instead of BASIL: non-news text is a good stress test for rules that fire too easily.

The cache stores the English model's parses (DocBin) so that rule edits can be checked in
seconds: the component runs on the cached Docs only.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from spacy_framing._loader import load_base
from spacy_framing.texts import basil_text

SPANS_KEY = "framing"
# BASIL events (triplet-uuid prefixes) that make up the team's gold set: never develop on them.
GOLD_EVENTS = frozenset({
    "c6a0e65c", "2b9468af", "1b96a5db", "8abec8d9", "7f9c83f7", "1ed4f378", "ae243a95",
    "a4f1d515", "0d10341a", "3ae35b16", "70c75d68", "542cd22c", "29ffd053", "84b3c118",
    "cad4bba5", "2b95d2cf", "b4dbeda7", "8dac6c12", "0c78e748",
})


def dev_texts(basil_root: Path) -> list[tuple[str, str]]:
    """(article id, text) of every BASIL article whose event is not in the gold set."""
    texts: list[tuple[str, str]] = []
    for path in sorted(basil_root.glob("articles/*/*.json")):
        if path.name[:8] in GOLD_EVENTS:
            continue
        article = json.loads(path.read_text(encoding="utf-8"))
        if str(article.get("triplet-uuid", ""))[:8] in GOLD_EVENTS:
            continue
        text = basil_text(article)
        if text:
            texts.append((path.stem, text))
    return texts


def jsonl_texts(path: Path) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                record = json.loads(line)
                doc_id = str(record.get("meta", {}).get("doc_id", number))
                texts.append((doc_id, record["text"]))
    return texts


def parsed_docs(nlp: Language, texts: list[tuple[str, str]], cache: Path | None) -> list[Doc]:
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(texts):
            return docs
    with nlp.select_pipes(disable=[p for p in nlp.pipe_names if p.startswith("framing_")]):
        docs = list(nlp.pipe((text for _id, text in texts), batch_size=16))
    if cache is not None:
        DocBin(store_user_data=False, docs=docs).to_disk(cache)
    return docs


def marked_sentence(span: Span) -> str:
    sentence = span.sent if span.doc.has_annotation("SENT_START") else span.doc[
        max(span.start - 25, 0):min(span.end + 25, len(span.doc))]
    before = span.doc[sentence.start:span.start].text_with_ws
    after = span.doc[span.end:sentence.end].text
    return f"{before}[[{span.text}]]{span[-1].whitespace_}{after}".replace("\n", " ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--basil", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data" / "basil")
    parser.add_argument("--jsonl", type=Path, default=None,
                        help="a JSONL file of {'text': ...} records instead of BASIL")
    parser.add_argument("--label", action="append", help="only this label (repeatable)")
    parser.add_argument("--rule", action="append", help="only rule ids starting with this")
    parser.add_argument("--sample", type=int, default=8, help="matches shown per label")
    parser.add_argument("--all", action="store_true", help="show every selected match")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--blank", action="store_true", help="spacy.blank('en') + sentencizer")
    parser.add_argument("--cache", type=Path, default=None, help="DocBin of model parses")
    parser.add_argument("--actors", action="store_true",
                        help="run framing_actors first (collective experiencers for EMOTION)")
    args = parser.parse_args()

    texts = jsonl_texts(args.jsonl) if args.jsonl else dev_texts(args.basil)
    if not texts:
        sys.exit(f"devices_dev.py: no texts in {args.jsonl or args.basil}")
    if args.blank:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        docs = list(nlp.pipe(text for _id, text in texts))
    else:
        nlp = load_base()
        docs = parsed_docs(nlp, texts, args.cache)
    if args.actors:
        actors = nlp.add_pipe("framing_actors")
        docs = [actors(doc) for doc in docs]
    devices = nlp.add_pipe("framing_devices")
    started = time.perf_counter()
    docs = [devices(doc) for doc in docs]
    elapsed = time.perf_counter() - started
    words = sum(len(doc) for doc in docs)

    label_counts: Counter[str] = Counter()
    rule_counts: Counter[tuple[str, str]] = Counter()
    selected: dict[str, list[tuple[str, Span]]] = defaultdict(list)
    for (article_id, _text), doc in zip(texts, docs, strict=True):
        for span in doc.spans[SPANS_KEY]:
            label_counts[span.label_] += 1
            rule_counts[(span.label_, span.id_)] += 1
            if args.label and span.label_ not in args.label:
                continue
            if args.rule and not any(span.id_.startswith(prefix) for prefix in args.rule):
                continue
            selected[span.label_].append((article_id, span))

    print(f"{len(docs)} texts, {words} tokens, framing_devices {elapsed:.2f}s "
          f"({words / max(elapsed, 1e-9):,.0f} tokens/s)")
    print("\nper label (spans, per 10k tokens):")
    for label in sorted(set(devices.labels) | set(label_counts)):
        count = label_counts[label]
        print(f"  {label:<20} {count:>5}  {10000 * count / max(words, 1):6.1f}")
    print("\nper rule:")
    for (label, rule_id), count in sorted(rule_counts.items(), key=lambda kv: (kv[0][0],
                                                                              -kv[1])):
        print(f"  {label:<20} {rule_id:<40} {count:>4}")
    rng = random.Random(args.seed)
    for label in sorted(selected):
        matches = selected[label]
        shown = matches if args.all else rng.sample(matches, min(args.sample, len(matches)))
        if not shown:
            continue
        print(f"\n=== {label}: {len(shown)} of {len(matches)} ===")
        for article_id, span in shown:
            print(f"- {span.id_} [{article_id[:8]}] {marked_sentence(span)}")


if __name__ == "__main__":
    main()
