"""Digests of everything the framing components write, for refactors that must change nothing.

The snapshot covers, run through the rule components (``spacy_framing.load(profile="rules")``,
the part that refactors of the rule engine and attribution must leave unchanged):

* the two seed articles (``SHARED/articles/seed_*.txt``);
* every gold text (``benchmarks/gold/*.jsonl``, texts restored from SHARED);
* the first 90 BASIL articles by sorted relative path under ``SHARED/data/basil/articles``.

For each document every span of every ``doc.spans`` group (offsets, label, kb_id, id and
the value of every Span extension the framing components register) and the Doc
extensions they register are written as canonical JSON, and only the JSON's
sha256 is stored: the values hold article text (speaker names, cues), which must not enter
the repository.

    python tests/_snapshot.py --shared DIR --write          # regenerate the snapshot
    python tests/_snapshot.py --shared DIR --check          # compare, list differing docs
    python tests/_snapshot.py --shared DIR --dump /tmp/out  # full JSON per doc, to diff
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import spacy_framing
from spacy_framing.benchmark import read_gold
from spacy_framing.texts import basil_text

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_FILE = REPO / "tests" / "snapshots" / "pipeline_outputs.json"
BASIL_DOCS = 90
# The extensions the framing components register (their ``_register_extensions``), named
# here rather than read from spaCy's global registry, which tests and other libraries
# (textacy's ``preview``) add to. A component that registers a new one must add it here.
SPAN_EXTENSIONS = ("actor", "content", "content_spans", "cue", "in_quote", "is_uncertain",
                   "source_content_ranges", "source_cue_range", "source_type", "speaker")
DOC_EXTENSIONS = ("date", "hedge_density", "uncertain_sentences")


def shared_dir() -> Path:
    """The shared data folder: ``$FRAMING_SHARED``, else ``shared`` beside the checkout."""
    configured = os.environ.get("FRAMING_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


def snapshot_texts(shared: Path) -> Iterator[tuple[str, str]]:
    """(document id, text) of every document in the snapshot, in a fixed order."""
    for path in sorted((shared / "articles").glob("seed_*.txt")):
        yield f"seed/{path.name}", path.read_text(encoding="utf-8")
    docs, errors = read_gold([REPO / "benchmarks" / "gold"], texts_root=shared)
    if errors:
        raise ValueError(f"gold files could not be read: {errors[0]}")
    for number, gold in enumerate(docs):
        yield f"gold/{number:03d}/{gold.doc_id}", gold.text
    root = shared / "data" / "basil" / "articles"
    paths = sorted(root.glob("*/*.json"), key=lambda p: p.relative_to(root).as_posix())
    for path in paths[:BASIL_DOCS]:
        article = json.loads(path.read_text(encoding="utf-8"))
        yield f"basil/{path.relative_to(root).as_posix()}", basil_text(article)


def _plain(value: Any) -> Any:
    """``value`` as JSON data; Spans and Tokens become their offsets."""
    if isinstance(value, Span):
        return {"span": [value.start_char, value.end_char, value.label_]}
    if isinstance(value, Token):
        return {"token": value.i}
    if isinstance(value, Doc):
        return {"doc": len(value)}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in sorted(value.items(), key=str)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, float):
        return repr(value)  # repr round-trips; JSON floats would hide the last digits
    if value is None or isinstance(value, bool | int | str):
        return value
    return {"repr": repr(value)}


def _extensions(obj: Doc | Span, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj._, name)) for name in names}


def doc_outputs(doc: Doc) -> dict[str, Any]:
    """Everything the components wrote on ``doc``, as JSON data."""
    missing = [name for name in SPAN_EXTENSIONS if not Span.has_extension(name)]
    missing += [name for name in DOC_EXTENSIONS if not Doc.has_extension(name)]
    if missing:
        raise ValueError(f"extension(s) not registered: {', '.join(missing)}")
    groups = {}
    for key in sorted(doc.spans):
        groups[key] = [
            {
                "start": span.start_char,
                "end": span.end_char,
                "label": span.label_,
                "kb_id": span.kb_id_,
                "id": span.id_,
                "_": _extensions(span, SPAN_EXTENSIONS),
            }
            for span in doc.spans[key]
        ]
    return {"spans": groups, "doc": _extensions(doc, DOC_EXTENSIONS)}


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute(shared: Path, *, nlp: Language | None = None,
            dump: Path | None = None) -> dict[str, str]:
    """Document id -> sha256 of its outputs; with ``dump``, the full JSON is written there
    too (one file per document) for diffing."""
    nlp = nlp if nlp is not None else spacy_framing.load(profile="rules")
    ids, texts = zip(*snapshot_texts(shared), strict=True)
    digests: dict[str, str] = {}
    for doc_id, doc in zip(ids, nlp.pipe(texts, batch_size=8), strict=True):
        text = canonical_json(doc_outputs(doc))
        digests[doc_id] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if dump is not None:
            target = dump / (doc_id.replace("/", "__") + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(json.loads(text), indent=1, ensure_ascii=False),
                              encoding="utf-8")
    return digests


def differing(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Document ids whose digests differ, are missing or are new."""
    return sorted(doc_id for doc_id in expected.keys() | actual.keys()
                  if expected.get(doc_id) != actual.get(doc_id))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None,
                        help="the shared data folder (default: $FRAMING_SHARED or ../shared)")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate the snapshot file")
    action.add_argument("--check", action="store_true", help="compare with the snapshot file")
    action.add_argument("--dump", type=Path, help="write full JSON per document here")
    args = parser.parse_args(argv)
    shared = args.shared or shared_dir()
    digests = compute(shared, dump=args.dump)
    if args.write:
        SNAPSHOT_FILE.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT_FILE.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")
        print(f"wrote {len(digests)} digests to {SNAPSHOT_FILE}")
    elif args.check:
        expected = json.loads(SNAPSHOT_FILE.read_text(encoding="utf-8"))
        changed = differing(expected, digests)
        print(f"{len(changed)} of {len(expected)} documents differ")
        for doc_id in changed:
            print(f"  {doc_id}")
        return 1 if changed else 0
    else:
        print(f"dumped {len(digests)} documents to {args.dump}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
