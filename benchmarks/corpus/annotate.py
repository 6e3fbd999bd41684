"""Hand annotation of the training corpus: show an article, turn quoted spans into offsets.

Annotators read the article (never any component output) and write what they mark as
quoted phrases; this script finds the phrases in the text, checks them against the gold
conventions of ``benchmarks/gold/GUIDE.md`` and stores character offsets with the text's
path and sha256, never the text itself.

    python benchmarks/corpus/annotate.py next B1          # the next article of B1's queue
    python benchmarks/corpus/annotate.py show ID          # any drawn article
    python benchmarks/corpus/annotate.py save B1 ID FILE  # FILE: the JSON spec below
    python benchmarks/corpus/annotate.py status B1

Spec file::

    {"spans": [
       {"label": "LOSS_OF_INFLUENCE", "text": "losing its grip on", "p": 3},
       {"label": "HEDGE", "text": "may", "p": 3, "n": 1},
       {"label": "SOURCE", "text": "Wang", "p": 4, "type": "official", "actor": "China",
        "speaker": "Wang Yi", "cue": {"text": "said"},
        "content": [{"text": "the talks were useful", "p": 4}]}],
     "unannotated": [{"text": "Photo: a caption line", "p": 0, "what": "caption"}],
     "notes": "free text, no article wording"}

``p`` is the paragraph number shown by ``next``/``show``; ``n`` picks the n-th occurrence
(0-based) of the phrase in that paragraph (default 0). A cue or content range without ``n``
takes the occurrence nearest to its SOURCE span; without ``p`` it is looked for in the
SOURCE's paragraph.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from regions import paragraphs, shared_root

HERE = Path(__file__).resolve().parent
DRAW = HERE / "draw.jsonl"
ANNOTATORS = ("B1", "B2", "B3", "B4", "B5", "B6")
DOUBLE_EVERY = 6  # one row of annotators in six is annotated twice (about 17 %)
# The frozen test set (benchmarks/corpus/frozen/): drawn and annotated after the model, the
# rules and the merge policy were frozen; every article twice, then adjudicated.
FROZEN = HERE / "frozen"
FROZEN_ANNOTATORS = ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8")
ADJUDICATORS = ("J1", "J2", "J3", "J4")
SECOND_OFFSET = 3  # the second annotator of an article is three places further on
SETTINGS = {"set": "corpus"}
DEVICE_LABELS = ("LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP", "DILEMMA",
                 "STRATEGIC_GAME", "DEPENDENCY", "STABILITY", "ESCALATION", "LEGALITY",
                 "EMOTION", "SILENCE")
LABELS = (*DEVICE_LABELS, "HEDGE", "BOOSTER", "SOURCE")
SOURCE_TYPES = ("official", "expert", "media", "unnamed")
QUOTES = "\"'“”‘’«»„"
QUOTE_MARKS = "\"“”«»„"


class SpecError(ValueError):
    """A spec entry that cannot be turned into a valid span."""


@cache
def draw() -> dict[str, dict[str, Any]]:
    with draw_path().open(encoding="utf-8") as lines:
        entries = [json.loads(line) for line in lines if line.strip()]
    return {entry["id"]: entry for entry in entries}


def _read_texts(entries: list[dict[str, Any]]) -> dict[str, str]:
    from spacy_framing.texts import basil_text, text_sha256

    wanted = {e["source"]["id"]: e["id"] for e in entries
              if e["source"]["format"] == "allsides"}
    texts: dict[str, str] = {}
    paths = {e["source"]["path"] for e in entries if e["source"]["format"] == "allsides"}
    for path in paths:
        with (shared_root() / path).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["id"] in wanted:
                    texts[wanted[record["id"]]] = record["text"]
    for entry in entries:
        source = entry["source"]
        if source["format"] != "allsides":
            article = json.loads((shared_root() / source["path"]).read_text("utf-8"))
            texts[entry["id"]] = basil_text(article)
        if text_sha256(texts[entry["id"]]) != source["sha256"]:
            raise SystemExit(f"{entry['id']}: the shared text changed (sha256 mismatch)")
    return texts


@cache
def _texts() -> dict[str, str]:
    # Importing spaCy costs every call a second or two of CPU, so the drawn texts are
    # checked once against their sha256 and kept in a cache outside the repository.
    digest = hashlib.sha256(draw_path().read_bytes()).hexdigest()[:16]
    cached = Path(tempfile.gettempdir()) / f"framing_annotate_{digest}.json"
    if cached.exists():
        return json.loads(cached.read_text(encoding="utf-8"))
    texts = _read_texts(list(draw().values()))
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(texts), encoding="utf-8")
    partial.replace(cached)  # atomic: annotators run this script side by side
    return texts


def article_text(entry: dict[str, Any]) -> str:
    return _texts()[entry["id"]]


def draw_path() -> Path:
    return FROZEN / "draw.jsonl" if SETTINGS["set"] == "frozen" else DRAW


def queue(annotator: str) -> list[tuple[str, str]]:
    """(article id, role) in annotation order; role is "primary" or "second"."""
    if SETTINGS["set"] == "frozen":
        return _frozen_queue(annotator)
    index = ANNOTATORS.index(annotator)
    count = len(ANNOTATORS)
    items: list[tuple[int, str, str]] = []
    for entry in draw().values():
        order = entry["order"]
        if order % count == index:
            items.append((order, entry["id"], "primary"))
        elif (order // count) % DOUBLE_EVERY == 0 and (order + 1) % count == index:
            items.append((order, entry["id"], "second"))
    return [(item_id, role) for _, item_id, role in sorted(items)]


def _frozen_queue(annotator: str) -> list[tuple[str, str]]:
    if annotator in ADJUDICATORS:
        index, count = ADJUDICATORS.index(annotator), len(ADJUDICATORS)
        return [(e["id"], "adjudicated") for e in sorted(draw().values(),
                                                         key=lambda e: e["order"])
                if e["order"] % count == index]
    index, count = FROZEN_ANNOTATORS.index(annotator), len(FROZEN_ANNOTATORS)
    items = []
    for entry in sorted(draw().values(), key=lambda e: e["order"]):
        if entry["order"] % count == index:
            items.append((entry["id"], "primary"))
        elif (entry["order"] + SECOND_OFFSET) % count == index:
            items.append((entry["id"], "second"))
    return items


def output_file(annotator: str, role: str) -> Path:
    if SETTINGS["set"] == "frozen":
        if role == "adjudicated":
            return FROZEN / "adjudicated" / f"{annotator}.jsonl"
        return FROZEN / ("first" if role == "primary" else "second") / f"{annotator}.jsonl"
    folder = HERE / ("annotations" if role == "primary" else "second")
    return folder / f"{annotator}.jsonl"


def saved_ids(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with path.open(encoding="utf-8") as lines:
        return {json.loads(line)["meta"]["doc_id"] for line in lines if line.strip()}


def show(item_id: str) -> None:
    entry = draw()[item_id]
    text = article_text(entry)
    print(f"# {item_id}  outlet={entry['outlet']}  date={entry['date']}  "
          f"topic={entry['topic']}  (annotate paragraphs p0..; text below is exact)")
    for number, (start, end) in enumerate(paragraphs(text, entry["region_end"])):
        print(f"\n[p{number}] {text[start:end]}")


def _find(text: str, para: tuple[int, int], phrase: str, nth: int | None,
          near: int | None) -> tuple[int, int]:
    start, end = para
    hits: list[int] = []
    position = text.find(phrase, start, end)
    while position != -1:
        hits.append(position)
        position = text.find(phrase, position + 1, end)
    if not hits:
        raise SpecError(f"{phrase!r} is not in that paragraph")
    if nth is not None:
        if nth >= len(hits):
            raise SpecError(f"{phrase!r} occurs {len(hits)} time(s); n={nth} is too large")
        at = hits[nth]
    elif near is not None:
        at = min(hits, key=lambda h: abs(h - near))
    else:
        at = hits[0]
    return at, at + len(phrase)


def _check_range(text: str, start: int, end: int, *, allow_quotes: bool) -> None:
    piece = text[start:end]
    if piece != piece.strip() or piece[0] in QUOTES or piece[-1] in QUOTES:
        raise SpecError(f"{piece!r} starts or ends with a space or quote mark")
    if start > 0 and text[start - 1].isalnum() and piece[0].isalnum():
        raise SpecError(f"{piece!r} starts inside a word")
    if end < len(text) and text[end].isalnum() and piece[-1].isalnum():
        raise SpecError(f"{piece!r} ends inside a word")
    if not allow_quotes and any(mark in piece for mark in QUOTE_MARKS):
        raise SpecError(f"{piece!r} contains a quotation mark (spans and cues may not)")


def _locate(text: str, paras: list[tuple[int, int]], item: dict[str, Any],
            default_p: int | None, near: int | None, *, allow_quotes: bool
            ) -> tuple[int, int]:
    phrase = item.get("text")
    if not isinstance(phrase, str) or not phrase:
        raise SpecError("missing \"text\"")
    p = item.get("p", default_p)
    if not isinstance(p, int) or not 0 <= p < len(paras):
        raise SpecError(f"paragraph p={p!r} does not exist (p0..p{len(paras) - 1})")
    start, end = _find(text, paras[p], phrase, item.get("n"), near)
    _check_range(text, start, end, allow_quotes=allow_quotes)
    return start, end


def resolve(text: str, entry: dict[str, Any], spec: dict[str, Any]
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Spans and unannotated ranges with offsets; raises SpecError naming the entry."""
    paras = paragraphs(text, entry["region_end"])
    spans: list[dict[str, Any]] = []
    for index, item in enumerate(spec.get("spans", [])):
        try:
            label = item.get("label")
            if label not in LABELS:
                raise SpecError(f"unknown label {label!r}")
            start, end = _locate(text, paras, item, None, None, allow_quotes=False)
            span: dict[str, Any] = {"start": start, "end": end, "label": label}
            if label == "SOURCE":
                if item.get("type") not in SOURCE_TYPES:
                    raise SpecError(f"SOURCE needs \"type\" in {SOURCE_TYPES}")
                cue = item.get("cue")
                if not isinstance(cue, dict):
                    raise SpecError("SOURCE needs a \"cue\" object")
                cue_start, cue_end = _locate(text, paras, cue, item["p"], start,
                                             allow_quotes=False)
                content = []
                for part in item.get("content") or []:
                    c_start, c_end = _locate(text, paras, part, item["p"], cue_start,
                                             allow_quotes=True)
                    content.append({"start": c_start, "end": c_end})
                span.update({"source_type": item["type"], "actor": item.get("actor"),
                             "speaker": item.get("speaker") or text[start:end],
                             "cue": {"start": cue_start, "end": cue_end},
                             "content": content})
            spans.append(span)
        except SpecError as err:
            raise SpecError(f"spans[{index}] ({item.get('label')}, "
                            f"{item.get('text')!r}): {err}") from None
    unannotated = []
    for index, item in enumerate(spec.get("unannotated", [])):
        try:
            start, end = _locate(text, paras, item, None, None, allow_quotes=True)
        except SpecError as err:
            raise SpecError(f"unannotated[{index}]: {err}") from None
        unannotated.append({"start": start, "end": end, "what": item.get("what", "furniture")})
    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    return spans, unannotated


def save(annotator: str, item_id: str, spec_path: Path) -> None:
    entry = draw()[item_id]
    roles = dict(queue(annotator))
    if item_id not in roles:
        raise SystemExit(f"{item_id} is not in {annotator}'s queue")
    text = article_text(entry)
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    try:
        spans, unannotated = resolve(text, entry, spec)
    except SpecError as err:
        raise SystemExit(f"not saved: {err}") from None
    if entry["region_end"] < len(text):
        unannotated.append({"start": entry["region_end"], "end": len(text),
                            "what": "beyond the annotated region"})
    record = {
        "source": entry["source"],
        "meta": {"doc_id": item_id, "outlet": entry["outlet"], "bias": entry["bias"],
                 "topic": entry["topic"], "date": entry["date"], "story": entry["story"],
                 "split": "frozen_test" if SETTINGS["set"] == "frozen" else entry["split"],
                 "annotator": annotator, "role": roles[item_id],
                 "unannotated": sorted(unannotated, key=lambda u: u["start"]),
                 "notes": spec.get("notes", "")},
        "spans": spans,
    }
    path = output_file(annotator, roles[item_id])
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = []
    if path.exists():
        with path.open(encoding="utf-8") as lines:
            kept = [line for line in lines
                    if line.strip() and json.loads(line)["meta"]["doc_id"] != item_id]
    temporary = path.with_suffix(".tmp")
    temporary.write_text("".join(kept) + json.dumps(record, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    temporary.replace(path)
    counts: dict[str, int] = {}
    for span in spans:
        counts[span["label"]] = counts.get(span["label"], 0) + 1
    print(f"saved {item_id} ({roles[item_id]}) to {path.relative_to(HERE.parents[1])}: "
          f"{len(spans)} spans {counts}")


def _records(folder: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                found[record["meta"]["doc_id"]] = record
    return found


def _as_spec(text: str, paras: list[tuple[int, int]], start: int, end: int) -> dict[str, Any]:
    p = next(i for i, (lo, hi) in enumerate(paras) if lo <= start < hi)
    phrase = text[start:end]
    n = text.count(phrase, paras[p][0], start) if phrase else 0
    # count() counts non-overlapping hits; phrases here rarely overlap themselves
    item: dict[str, Any] = {"text": phrase, "p": p}
    if n:
        item["n"] = n
    return item


def span_spec(text: str, paras: list[tuple[int, int]], span: dict[str, Any]) -> dict[str, Any]:
    """A stored span back in the spec format (label, text, p, n and SOURCE parts)."""
    item = {"label": span["label"], **_as_spec(text, paras, span["start"], span["end"])}
    if span["label"] == "SOURCE":
        item.update(type=span["source_type"], actor=span.get("actor"),
                    speaker=span.get("speaker"),
                    cue=_as_spec(text, paras, span["cue"]["start"], span["cue"]["end"]),
                    content=[_as_spec(text, paras, c["start"], c["end"])
                             for c in span.get("content") or []])
    return item


def adjudication_view(item_id: str) -> None:
    """The article, the spans both annotators marked identically (a spec to start from),
    and every span only one of them marked."""
    entry = draw()[item_id]
    text = article_text(entry)
    paras = paragraphs(text, entry["region_end"])
    first = _records(FROZEN / "first").get(item_id)
    second = _records(FROZEN / "second").get(item_id)
    if not first or not second:
        raise SystemExit(f"{item_id}: not yet annotated twice")
    show(item_id)

    def key(span: dict[str, Any]) -> tuple[int, int, str]:
        return span["start"], span["end"], span["label"]

    a = {key(s): s for s in first["spans"]}
    b = {key(s): s for s in second["spans"]}
    agreed = [span_spec(text, paras, a[k]) for k in sorted(a.keys() & b.keys())]
    print("\n# AGREED (both annotators, same offsets and label) -- a spec to start from:")
    print(json.dumps({"spans": agreed}, ensure_ascii=False, indent=1))
    for name, own, other in (("A", a, b), ("B", b, a)):
        print(f"\n# ONLY {name} (keep what the codebook supports):")
        for k in sorted(own.keys() - other.keys()):
            print(json.dumps(span_spec(text, paras, own[k]), ensure_ascii=False))
    masks = first["meta"].get("unannotated", [])
    inner = [m for m in masks if m["what"] != "beyond the annotated region"]
    if inner:
        print("\n# UNANNOTATED in A: " + json.dumps(
            [{**_as_spec(text, paras, m["start"], m["end"]), "what": m["what"]} for m in inner],
            ensure_ascii=False))


def status(annotator: str) -> list[tuple[str, str]]:
    todo = []
    done = {role: saved_ids(output_file(annotator, role))
            for role in ("primary", "second", "adjudicated")}
    for item_id, role in queue(annotator):
        if item_id not in done[role]:
            todo.append((item_id, role))
    return todo


def main() -> None:
    parser = argparse.ArgumentParser(description="annotate the training corpus")
    parser.add_argument("--set", dest="annotation_set", choices=("corpus", "frozen"),
                        default="corpus")
    commands = parser.add_subparsers(dest="command", required=True)
    everyone = (*ANNOTATORS, *FROZEN_ANNOTATORS, *ADJUDICATORS)
    for name in ("next", "status"):
        commands.add_parser(name).add_argument("annotator", choices=everyone)
    commands.add_parser("show").add_argument("id")
    save_parser = commands.add_parser("save")
    save_parser.add_argument("annotator", choices=everyone)
    save_parser.add_argument("id")
    save_parser.add_argument("spec", type=Path)
    args = parser.parse_args()
    SETTINGS["set"] = args.annotation_set
    if args.command == "show":
        show(args.id)
    elif args.command == "save":
        save(args.annotator, args.id, args.spec)
    else:
        todo = status(args.annotator)
        total = len(queue(args.annotator))
        if args.command == "status" or not todo:
            print(f"{args.annotator}: {total - len(todo)} of {total} done")
            if not todo:
                return
        if args.command == "next":
            item_id, role = todo[0]
            print(f"# next for {args.annotator}: {item_id} (role {role}; "
                  f"{total - len(todo)} of {total} done)")
            if role == "adjudicated":
                adjudication_view(item_id)
            else:
                show(item_id)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
