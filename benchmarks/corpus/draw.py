"""Draw the articles of the training corpus: a seeded, stratified sample of real news.

The draw is the record of *which* texts the corpus annotates and how they split; it never
holds their text (the annotations refer to ``../shared`` by path, id and sha256).

Strata
    AllSides articles are grouped by topic family (china, north_korea, russia, trade,
    foreign_policy, middle_east, security) crossed with the outlet's AllSides rating
    (left, center, right). Every cell gets the same quota; within a cell the draw goes
    round-robin over years and takes at most ``MAX_PER_OUTLET`` articles of one outlet, so
    that no outlet or year dominates a cell. BASIL events that no gold file uses add
    three-outlet coverage of US politics (Fox, NYT, HuffPost).

Split
    By story, never by sentence: an AllSides article's story key is its topic and month
    (``topic:YYYY-MM``), a BASIL article's is its event. A seeded hash of the key sends the
    whole story to train (80 %), dev (10 %) or test (10 %).

Annotated region
    Long articles are annotated on their opening paragraphs only, up to ``REGION_CHARS``
    characters (whole paragraphs); the rest is recorded as ``meta.unannotated`` so that
    neither scoring nor training reads it.

Run ``python benchmarks/corpus/draw.py`` to rewrite ``benchmarks/corpus/draw.jsonl``; the
same seed and the same ``../shared`` give the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from regions import paragraphs, shared_root

from spacy_framing.texts import basil_text, text_sha256

SEED = 20261206
ALLSIDES = "data/allsides/international.jsonl"
REGION_CHARS = 3000
MIN_CHARS = 1200
MAX_CHARS = 20000
MAX_PER_OUTLET = 3
BIASES = ("left", "center", "right")
SPLIT_SHARES = (("train", 0.8), ("dev", 0.1), ("test", 0.1))

TOPIC_FAMILIES: dict[str, frozenset[str]] = {
    "china": frozenset({"china", "asia", "coronavirus"}),
    "north_korea": frozenset({"north_korea"}),
    "russia": frozenset({"russia", "europe", "great_britain"}),
    "trade": frozenset({"trade", "economy_and_jobs", "banking_and_finance"}),
    "foreign_policy": frozenset({"foreign_policy", "state_department", "world", "mexico"}),
    "middle_east": frozenset({"middle_east", "isis"}),
    "security": frozenset({"national_security", "terrorism", "defense", "us_military",
                           "national_defense", "cybersecurity", "nsa", "nuclear_weapons"}),
}
# An article filed under a domestic topic still belongs to a family when it is about that
# country (it names it at least three times).
NAMED_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("china", ("China", "Beijing", "Chinese")),
    ("north_korea", ("North Korea", "Pyongyang")),
    ("russia", ("Russia", "Moscow", "Kremlin")),
)

# BASIL events already in benchmarks/gold (see benchmarks/devices_dev.py GOLD_EVENTS).
GOLD_EVENTS = frozenset({
    "c6a0e65c", "2b9468af", "1b96a5db", "8abec8d9", "7f9c83f7", "1ed4f378", "ae243a95",
    "a4f1d515", "0d10341a", "3ae35b16", "70c75d68", "542cd22c", "29ffd053", "84b3c118",
    "cad4bba5", "2b95d2cf", "b4dbeda7", "8dac6c12", "0c78e748",
})


def vectors_half(article_id: str, seed: int = SEED) -> bool:
    """True for the half of AllSides the word vectors may read (``vectors.py``); the frozen
    test set is drawn from the other half only (``--half test``)."""
    digest = hashlib.sha256(f"{seed}:vectors:{article_id}".encode()).digest()
    return digest[0] < 128


def family_of(record: dict[str, Any]) -> str | None:
    """The topic family of an AllSides record, or None when it is outside the corpus."""
    for family, topics in TOPIC_FAMILIES.items():
        if record["topic"] in topics:
            return family
    for family, names in NAMED_FAMILIES:
        if sum(record["text"].count(name) for name in names) >= 3:
            return family
    return None


def annotated_end(text: str, limit: int = REGION_CHARS) -> int:
    """End offset of the annotated region: whole paragraphs up to ``limit`` characters,
    at least the first paragraph."""
    end = 0
    for _, paragraph_end in paragraphs(text):
        if end and paragraph_end > limit:
            break
        end = paragraph_end
    return end


def split_of(story: str, seed: int = SEED) -> str:
    """train/dev/test for a story key, stable under the seed."""
    digest = hashlib.sha256(f"{seed}:{story}".encode()).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    cumulative = 0.0
    for name, weight in SPLIT_SHARES:
        cumulative += weight
        if share < cumulative:
            return name
    return SPLIT_SHARES[-1][0]


def _story_key(record: dict[str, Any]) -> str:
    month = record["date"][:7] or f"undated-{record['id']}"
    return f"{record['topic']}:{month}"


def _draw_cell(records: list[dict[str, Any]], quota: int, rng: random.Random
               ) -> list[dict[str, Any]]:
    by_year: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_year[record["date"][:4] or "undated"].append(record)
    for year_records in by_year.values():
        rng.shuffle(year_records)
    years = sorted(by_year)
    rng.shuffle(years)
    taken: list[dict[str, Any]] = []
    per_outlet: Counter[str] = Counter()
    while len(taken) < quota and any(by_year[y] for y in years):
        for year in years:
            while by_year[year]:
                record = by_year[year].pop()
                if per_outlet[record["outlet"]] < MAX_PER_OUTLET:
                    per_outlet[record["outlet"]] += 1
                    taken.append(record)
                    break
            if len(taken) >= quota:
                break
    return taken


def draw_allsides(root: Path, per_cell: int, rng: random.Random, *,
                  skip_ids: set[str] | None = None, skip_stories: set[str] | None = None
                  ) -> list[dict[str, Any]]:
    """The stratified AllSides sample, as draw entries; articles in ``skip_ids`` and
    stories (topic and month) in ``skip_stories`` are never drawn."""
    skip_ids = skip_ids or set()
    skip_stories = skip_stories or set()
    cells: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    seen_titles: set[str] = set()
    with (root / ALLSIDES).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record["text"]
            if not MIN_CHARS <= len(text) <= MAX_CHARS or record["title"] in seen_titles:
                continue
            if record["id"] in skip_ids or _story_key(record) in skip_stories:
                continue
            seen_titles.add(record["title"])
            family = family_of(record)
            if family and record["bias"] in BIASES:
                cells[(family, record["bias"])].append(record)
    entries: list[dict[str, Any]] = []
    for family in TOPIC_FAMILIES:
        for bias in BIASES:
            for record in _draw_cell(sorted(cells[(family, bias)], key=lambda r: r["id"]),
                                     per_cell, rng):
                story = _story_key(record)
                text = record["text"]
                entries.append({
                    "id": record["id"],
                    "source": {"path": ALLSIDES, "format": "allsides", "id": record["id"],
                               "sha256": text_sha256(text)},
                    "outlet": record["outlet"], "bias": bias, "topic": record["topic"],
                    "family": family, "date": record["date"], "story": story,
                    "split": split_of(story), "region_end": annotated_end(text),
                    "length": len(text),
                })
    return entries


def draw_basil(root: Path, events: int, rng: random.Random) -> list[dict[str, Any]]:
    """Whole BASIL events (all three outlets) that no gold file uses."""
    by_event: dict[str, list[Path]] = defaultdict(list)
    for path in sorted((root / "data/basil/articles").glob("*/*.json")):
        by_event[path.name[:36]].append(path)
    candidates = sorted(e for e in by_event if e[:8] not in GOLD_EVENTS)
    entries: list[dict[str, Any]] = []
    for event in rng.sample(candidates, events):
        for path in by_event[event]:
            article = json.loads(path.read_text(encoding="utf-8"))
            text = basil_text(article)
            if not text:
                continue
            story = f"basil:{event}"
            entries.append({
                "id": f"basil-{path.stem}",
                "source": {"path": str(path.relative_to(root)), "format": "basil",
                           "sha256": text_sha256(text)},
                "outlet": str(article.get("source", "")), "bias": "", "topic": "us_politics",
                "family": "basil", "date": str(article.get("date", "")), "story": story,
                "split": split_of(story), "region_end": annotated_end(text),
                "length": len(text),
            })
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-cell", type=int, default=18)
    parser.add_argument("--basil-events", type=int, default=10)
    parser.add_argument("--output", type=Path,
                        default=Path(__file__).with_name("draw.jsonl"))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--half", choices=("all", "test"), default="all",
                        help="'test': only articles the word vectors never read")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="an earlier draw whose articles and stories this one avoids")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = shared_root()
    excluded_ids: set[str] = set()
    excluded_stories: set[str] = set()
    for path in args.exclude:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                earlier = json.loads(line)
                excluded_ids.add(earlier["id"])
                excluded_stories.add(earlier["story"])
    if args.half == "test":
        with (root / ALLSIDES).open(encoding="utf-8") as lines:
            excluded_ids |= {r["id"] for r in map(json.loads, lines) if vectors_half(r["id"])}
    entries = draw_allsides(root, args.per_cell, rng, skip_ids=excluded_ids,
                            skip_stories=excluded_stories)
    if args.basil_events:
        entries += draw_basil(root, args.basil_events, rng)
    # The annotation order is a seeded shuffle, so any prefix of it stays stratified.
    rng.shuffle(entries)
    with args.output.open("w", encoding="utf-8") as out:
        for position, entry in enumerate(entries):
            out.write(json.dumps({"order": position, **entry}, ensure_ascii=False) + "\n")
    print(f"{len(entries)} articles -> {args.output}")
    for key in ("family", "bias", "split"):
        print(f"  {key}: {dict(sorted(Counter(e[key] for e in entries).items()))}")
    print(f"  years: {dict(sorted(Counter(e['date'][:4] for e in entries).items()))}")
    print(f"  outlets: {len(Counter(e['outlet'] for e in entries))}")


if __name__ == "__main__":
    main()
