"""Gold reading and rehydration, scoring against gold, and the keyword baseline.

Gold follows the codebook (section 5): one JSON object a line, with the text inline
(``"text"``) or referred to by ``"source": {"path", "sha256", "format"}`` relative to a texts
root, because the project may not copy the texts it is scored on. Scoring follows section 6:
span level (partial overlap and strict offsets), sentence level, per label and
micro/macro, with support; the same run scores a keyword baseline.

Partial matching is one-to-one: each predicted span is paired with at most one overlapping
gold span of the same label (largest overlap first), so one long prediction covering two
gold spans counts once.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.scorer import PRFScore
from spacy.tokens import Doc

from .components.rules import package_data_path
from .texts import InputError, basil_text, decode_text, text_sha256

SPAN_GROUP_OF_LABEL = {"HEDGE": "hedges", "BOOSTER": "hedges", "SOURCE": "sources"}
"""Labels outside this map are framing devices (``doc.spans["framing"]``)."""
LEVELS: tuple[str, ...] = ("span_partial", "span_strict", "sentence")
TEXT_FORMATS = ("text", "basil", "allsides")


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class GoldDoc:
    """One gold record with its text restored."""

    doc_id: str
    text: str
    spans: list[GoldSpan]
    meta: dict[str, Any]
    origin: str
    # Szeged-style records are one sentence each: the record, not the parser, is the unit.
    single_sentence: bool = False
    # Titles, bylines and page furniture the annotator left out (meta.unannotated,
    # meta.headline_paragraph): predictions there can be neither right nor wrong.
    unannotated: list[tuple[int, int]] = field(default_factory=list)

    def is_unannotated(self, start: int, end: int) -> bool:
        return any(lo <= start and end <= hi for lo, hi in self.unannotated)


@dataclass
class PredSpan:
    start: int
    end: int
    label: str
    rule: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


def _gold_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.jsonl") if p.is_file())
        if not files:
            raise InputError(path, "folder holds no .jsonl gold files")
        return files
    if not path.exists():
        raise InputError(path, "no such file or folder")
    return [path]


def _restore_text(record: dict[str, Any], texts_root: Path | None, where: str,
                  line: int) -> str:
    if isinstance(record.get("text"), str):
        return record["text"]
    source = record.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("path"), str):
        raise InputError(where, "record has neither \"text\" nor \"source.path\"", line=line)
    if texts_root is None:
        raise InputError(where, "record refers to a text by path but no texts root was given "
                         "(--texts DIR)", line=line)
    text_path = texts_root / source["path"]
    if not text_path.is_file():
        raise InputError(where, f"text not found: {text_path}", line=line)
    fmt = source.get("format") or ("basil" if text_path.suffix == ".json" else "text")
    if fmt not in TEXT_FORMATS:
        raise InputError(where, f"unknown source.format {fmt!r}; expected one of "
                         f"{', '.join(TEXT_FORMATS)}", line=line)
    if fmt == "allsides":
        text = _jsonl_text(text_path, source.get("id"), where, line)
    else:
        raw = decode_text(text_path.read_bytes(), text_path)
        text = basil_text(json.loads(raw)) if fmt == "basil" else raw
    expected = source.get("sha256")
    if expected and text_sha256(text) != expected:
        raise InputError(where, f"checksum mismatch for {source['path']}: the text differs "
                         "from the one this gold was annotated on", line=line)
    return text


@lru_cache(maxsize=4)
def _jsonl_texts(path: Path, mtime_ns: int) -> dict[str, str]:
    """``id -> text`` of a JSONL corpus (AllSides layout); cached because a training corpus
    refers to hundreds of records of the same file."""
    texts: dict[str, str] = {}
    raw = decode_text(path.read_bytes(), path)
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(path, f"invalid JSON ({err.msg})", line=number) from err
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            texts[str(record.get("id"))] = record["text"]
    return texts


def _jsonl_text(path: Path, record_id: Any, where: str, line: int) -> str:
    if not isinstance(record_id, str) or not record_id:
        raise InputError(where, "source.format \"allsides\" needs source.id", line=line)
    texts = _jsonl_texts(path, path.stat().st_mtime_ns)
    if record_id not in texts:
        raise InputError(where, f"no record with id {record_id!r} in {path}", line=line)
    return texts[record_id]


def _parse_spans(record: dict[str, Any], text: str, where: str, line: int) -> list[GoldSpan]:
    spans: list[GoldSpan] = []
    for index, raw in enumerate(record.get("spans") or []):
        if not isinstance(raw, dict):
            raise InputError(where, f"span {index} is not an object", line=line)
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
            raise InputError(where, f"span {index} needs integer start/end and a label",
                             line=line)
        if not 0 <= start < end <= len(text):
            raise InputError(where, f"span {index} ({start}, {end}) is outside the text "
                             f"(length {len(text)})", line=line)
        attrs = {k: v for k, v in raw.items() if k not in {"start", "end", "label"}}
        spans.append(GoldSpan(start, end, label, attrs))
    return spans


def _unannotated_ranges(meta: dict[str, Any], length: int, file: Path, line: int
                        ) -> list[tuple[int, int]]:
    raw = list(meta.get("unannotated") or [])
    if meta.get("headline_paragraph"):
        raw.append(meta["headline_paragraph"])
    ranges: list[tuple[int, int]] = []
    for item in raw:
        start = item.get("start") if isinstance(item, dict) else None
        end = item.get("end") if isinstance(item, dict) else None
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            raise InputError(file, f"meta.unannotated range {item!r} is not a valid "
                             f"start/end within the text (length {length})", line=line)
        ranges.append((start, end))
    return ranges


def read_gold(
    paths: Iterable[str | Path], *, texts_root: str | Path | None = None
) -> tuple[list[GoldDoc], list[InputError]]:
    """Read gold files; a record that cannot be used is returned as an error, not raised.

    paths (Iterable[str | Path]): JSONL gold files, folders of them, or PolNeAR
        compartments (a folder holding ``text/`` and ``attributions/``).
    texts_root (str | Path | None): Root for records' ``source.path``.
    RETURNS (tuple): The gold documents and the records or articles that were skipped.
    """
    from .polnear import is_polnear, read_polnear  # polnear builds on this module

    root = Path(texts_root) if texts_root is not None else None
    docs: list[GoldDoc] = []
    errors: list[InputError] = []
    for path in paths:
        compartments = [c.name for c in sorted(Path(path).glob("*/")) if is_polnear(c)]
        if compartments and not is_polnear(Path(path)):
            # Reading train and dev together would score on what the rules were tuned to.
            raise InputError(path, "a PolNeAR corpus root; pass one compartment "
                             f"({', '.join(compartments)})")
        if is_polnear(Path(path)):
            docs_here, errors_here = read_polnear(Path(path))
            docs.extend(docs_here)
            errors.extend(errors_here)
            continue
        for file in _gold_files(Path(path)):
            docs_here, errors_here = _read_gold_file(file, root)
            docs.extend(docs_here)
            errors.extend(errors_here)
    return docs, errors


def _read_gold_file(file: Path, root: Path | None) -> tuple[list[GoldDoc], list[InputError]]:
    docs: list[GoldDoc] = []
    errors: list[InputError] = []
    raw_text = decode_text(file.read_bytes(), file)
    for line_no, line in enumerate(raw_text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InputError(file, "expected a JSON object", line=line_no)
            text = _restore_text(record, root, str(file), line_no)
            spans = _parse_spans(record, text, str(file), line_no)
        except json.JSONDecodeError as err:
            errors.append(InputError(file, f"invalid JSON ({err.msg})", line=line_no))
            continue
        except InputError as err:
            errors.append(err)
            continue
        meta = dict(record.get("meta") or {})
        doc_id = str(meta.get("doc_id") or f"{file.stem}:{line_no}")
        try:
            masked = _unannotated_ranges(meta, len(text), file, line_no)
        except InputError as err:
            errors.append(err)
            continue
        docs.append(GoldDoc(doc_id=doc_id, text=text, spans=spans, meta=meta,
                            origin=f"{file}:{line_no}",
                            single_sentence="sent_id" in meta, unannotated=masked))
    return docs, errors


# --- predictions ------------------------------------------------------------------------


def predicted_spans(doc: Doc) -> list[PredSpan]:
    """Every span the framing components wrote, as character offsets."""
    found: list[PredSpan] = []
    for key in ("framing", "hedges", "sources"):
        if key not in doc.spans:
            continue
        for span in doc.spans[key]:
            attrs: dict[str, Any] = {}
            if key == "sources":
                attrs = _source_attrs(span)
            found.append(PredSpan(span.start_char, span.end_char, span.label_, span.id_, attrs))
    return found


def _source_attrs(span: Any) -> dict[str, Any]:
    def char_range(part: Any) -> tuple[int, int] | None:
        return (part.start_char, part.end_char) if part is not None else None

    ext = span._
    return {
        "source_type": getattr(ext, "source_type", None),
        "actor": getattr(ext, "actor", None),
        "cue": char_range(getattr(ext, "cue", None)),
        "content": [char_range(p) for p in (getattr(ext, "content_spans", None) or [])],
    }


class KeywordBaseline:
    """The reference every score is reported beside: each label's own key phrases
    (``data/baseline.json``), matched case-insensitively on the tokenizer alone."""

    def __init__(self, nlp: Language, *, keywords: dict[str, list[str]] | None = None) -> None:
        self.keywords = keywords if keywords is not None else json.loads(
            package_data_path("baseline.json").read_text(encoding="utf-8"))
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for label, phrases in self.keywords.items():
            self.matcher.add(label, [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> list[PredSpan]:
        return [
            PredSpan(doc[s:e].start_char, doc[s:e].end_char,
                     doc.vocab.strings[match_id], "baseline")
            for match_id, s, e in self.matcher(doc)
        ]


# --- scoring ----------------------------------------------------------------------------


def _prf(score: PRFScore, support: int) -> dict[str, float | int]:
    return {"p": round(score.precision, 4), "r": round(score.recall, 4),
            "f": round(score.fscore, 4), "support": support}


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def match_partial(pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]
                  ) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) of overlapping spans, largest overlap
    first."""
    candidates = sorted(
        ((_overlap(*p, *g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)
         if _overlap(*p, *g) > 0),
        key=lambda t: (-t[0], t[1], t[2]))
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i not in used_pred and j not in used_gold:
            used_pred.add(i)
            used_gold.add(j)
            pairs.append((i, j))
    return pairs


@dataclass
class _Tally:
    scores: dict[str, dict[str, PRFScore]] = field(
        default_factory=lambda: defaultdict(lambda: {lvl: PRFScore() for lvl in LEVELS}))
    support: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: dict.fromkeys(LEVELS, 0)))
    errors: dict[str, dict[str, list[dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(lambda: {"false_positives": [],
                                                     "false_negatives": []}))


def _sentence_of(offset: int, bounds: Sequence[tuple[int, int]]) -> int:
    for index, (start, end) in enumerate(bounds):
        if start <= offset < end:
            return index
    return max(0, len(bounds) - 1)


def score_document(
    tally: _Tally,
    gold: GoldDoc,
    pred: Sequence[PredSpan],
    sentence_bounds: Sequence[tuple[int, int]],
    labels: set[str],
    *,
    keep_errors: int = 0,
) -> None:
    """Add one document's counts to ``tally`` for every label in ``labels``."""
    bounds = [(0, len(gold.text))] if gold.single_sentence else list(sentence_bounds)
    for label in sorted(labels):
        g = [(s.start, s.end) for s in gold.spans if s.label == label]
        p = [(s.start, s.end) for s in pred if s.label == label]
        scores, support = tally.scores[label], tally.support[label]
        pairs = match_partial(p, g)
        scores["span_partial"].tp += len(pairs)
        scores["span_partial"].fp += len(p) - len(pairs)
        scores["span_partial"].fn += len(g) - len(pairs)
        support["span_partial"] += len(g)
        strict = set(p) & set(g)
        scores["span_strict"].tp += len(strict)
        scores["span_strict"].fp += len(set(p) - strict)
        scores["span_strict"].fn += len(set(g) - strict)
        support["span_strict"] += len(set(g))
        gold_sents = {_sentence_of(s, bounds) for s, _ in g}
        pred_sents = {_sentence_of(s, bounds) for s, _ in p}
        scores["sentence"].tp += len(gold_sents & pred_sents)
        scores["sentence"].fp += len(pred_sents - gold_sents)
        scores["sentence"].fn += len(gold_sents - pred_sents)
        support["sentence"] += len(gold_sents)
        if keep_errors:
            matched_p = {i for i, _ in pairs}
            matched_g = {j for _, j in pairs}
            bucket = tally.errors[label]
            for kind, spans, matched in (("false_positives", p, matched_p),
                                         ("false_negatives", g, matched_g)):
                for index, (start, end) in enumerate(spans):
                    if index in matched or len(bucket[kind]) >= keep_errors:
                        continue
                    s_start, s_end = bounds[_sentence_of(start, bounds)]
                    bucket[kind].append({
                        "doc_id": gold.doc_id, "span": [start, end],
                        "text": gold.text[start:end],
                        "sentence": gold.text[s_start:s_end].strip()})


def _summarise(tally: _Tally, labels: Sequence[str]) -> dict[str, Any]:
    per_label = {label: {lvl: _prf(tally.scores[label][lvl], tally.support[label][lvl])
                         for lvl in LEVELS} for label in labels}
    micro: dict[str, Any] = {}
    macro: dict[str, Any] = {}
    for lvl in LEVELS:
        total = PRFScore()
        for label in labels:
            total += tally.scores[label][lvl]
        support = sum(tally.support[label][lvl] for label in labels)
        micro[lvl] = _prf(total, support)
        scored = [per_label[label][lvl] for label in labels]
        macro[lvl] = {k: round(sum(s[k] for s in scored) / len(scored), 4) if scored else 0.0
                      for k in ("p", "r", "f")} | {"support": support}
    return {"labels": per_label, "micro": micro, "macro": macro}


def _score_sources(golds: Sequence[GoldDoc], preds: Sequence[Sequence[PredSpan]]
                   ) -> dict[str, Any]:
    """Source parts: speaker spans, their cues and contents (character overlap), type and
    actor agreement on matched speakers."""
    speaker, cue, content = PRFScore(), PRFScore(), PRFScore()
    type_agree = actor_agree = actor_named_agree = matched_total = actor_total = 0
    for gold, pred in zip(golds, preds, strict=True):
        g = [s for s in gold.spans if s.label == "SOURCE"]
        p = [s for s in pred if s.label == "SOURCE"]
        pairs = match_partial([(s.start, s.end) for s in p], [(s.start, s.end) for s in g])
        speaker.tp += len(pairs)
        speaker.fp += len(p) - len(pairs)
        speaker.fn += len(g) - len(pairs)
        matched_g = {j for _, j in pairs}
        for j, gs in enumerate(g):
            if j not in matched_g:
                cue.fn += 1 if gs.attrs.get("cue") else 0
                content.fn += sum(r["end"] - r["start"] for r in gs.attrs.get("content") or [])
        for i, j in pairs:
            ga, pa = g[j].attrs, p[i].attrs
            matched_total += 1
            type_agree += int(ga.get("source_type") == pa.get("source_type"))
            # Over every matched pair, so that giving a state to a source that has none
            # (NATO, a company) costs as much as missing one; "named" looks only at
            # sources whose gold actor is a state.
            actor_agree += int(ga.get("actor") == pa.get("actor"))
            if ga.get("actor") is not None:
                actor_total += 1
                actor_named_agree += int(ga.get("actor") == pa.get("actor"))
            gold_cue, pred_cue = ga.get("cue"), pa.get("cue")
            if gold_cue and pred_cue and _overlap(gold_cue["start"], gold_cue["end"],
                                                  *pred_cue):
                cue.tp += 1
            else:
                cue.fn += 1 if gold_cue else 0
                cue.fp += 1 if pred_cue else 0
            gold_chars = {c for r in ga.get("content") or [] for c in range(r["start"], r["end"])}
            pred_chars = {c for r in pa.get("content") or [] if r for c in range(*r)}
            content.tp += len(gold_chars & pred_chars)
            content.fp += len(pred_chars - gold_chars)
            content.fn += len(gold_chars - pred_chars)
    return {
        "speaker": _prf(speaker, speaker.tp + speaker.fn),
        "cue": _prf(cue, cue.tp + cue.fn),
        "content_chars": _prf(content, content.tp + content.fn),
        "type_accuracy": round(type_agree / matched_total, 4) if matched_total else None,
        "actor_accuracy": round(actor_agree / matched_total, 4) if matched_total else None,
        "actor_accuracy_named": (round(actor_named_agree / actor_total, 4) if actor_total
                                 else None),
        "matched_sources": matched_total,
    }


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    if not doc.has_annotation("SENT_START"):
        return [(0, len(doc.text))]
    return [(s.start_char, s.end_char) for s in doc.sents]


def _batched(golds: Sequence[GoldDoc], nlp: Language, batch_size: int
             ) -> Iterator[tuple[GoldDoc, Doc]]:
    texts = (g.text for g in golds)
    yield from zip(golds, nlp.pipe(texts, batch_size=batch_size), strict=True)


def run_benchmark(
    nlp: Language,
    golds: Sequence[GoldDoc],
    *,
    labels: Iterable[str] | None = None,
    errors: int = 0,
    batch_size: int = 32,
) -> dict[str, Any]:
    """Score the pipeline and the keyword baseline on ``golds``."""
    label_list = sorted(set(labels) if labels is not None
                        else {s.label for g in golds for s in g.spans})
    label_set = set(label_list)
    baseline = KeywordBaseline(nlp)
    model_tally, base_tally = _Tally(), _Tally()
    all_preds: list[list[PredSpan]] = []
    words = 0
    started = time.perf_counter()
    processed: list[tuple[GoldDoc, list[PredSpan], list[tuple[int, int]], list[PredSpan]]] = []
    for gold, doc in _batched(golds, nlp, batch_size):
        words += sum(1 for t in doc if not (t.is_space or t.is_punct))
        pred = [s for s in predicted_spans(doc) if not gold.is_unannotated(s.start, s.end)]
        base_pred = [s for s in baseline(doc) if not gold.is_unannotated(s.start, s.end)]
        processed.append((gold, pred, _sentence_bounds(doc), base_pred))
    elapsed = time.perf_counter() - started
    for gold, pred, bounds, base_pred in processed:
        score_document(model_tally, gold, pred, bounds, label_set, keep_errors=errors)
        score_document(base_tally, gold, base_pred, bounds, label_set)
        all_preds.append(pred)
    result = _summarise(model_tally, label_list)
    result["baseline"] = _summarise(base_tally, label_list)
    if "SOURCE" in label_set:
        result["sources"] = _score_sources(golds, all_preds)
        if any(g.meta.get("format") == "polnear" for g in golds):
            from .polnear import score_polnear

            result["sources_polnear"] = score_polnear(golds, all_preds)
    result["documents"] = len(golds)
    result["words"] = words
    result["words_per_second"] = round(words / elapsed, 1) if elapsed > 0 else None
    if errors:
        result["errors"] = {label: model_tally.errors[label] for label in label_list}
    return result


def format_text(result: dict[str, Any]) -> str:
    """A readable table of the benchmark result."""
    lines = [f"{result['documents']} documents, {result['words']} words, "
             f"{result['words_per_second']} words/s", ""]
    header = (f"{'label':<20}{'level':<14}{'support':>8}{'P':>8}{'R':>8}{'F1':>8}"
              f"{'base P':>9}{'base R':>8}{'base F1':>9}")
    lines.append(header)
    lines.append("-" * len(header))
    rows = [*result["labels"].items(), ("micro", result["micro"]), ("macro", result["macro"])]
    base_rows = {**result["baseline"]["labels"], "micro": result["baseline"]["micro"],
                 "macro": result["baseline"]["macro"]}
    for label, levels in rows:
        for lvl in LEVELS:
            s, b = levels[lvl], base_rows[label][lvl]
            lines.append(f"{label:<20}{lvl:<14}{s['support']:>8}{s['p']:>8.3f}{s['r']:>8.3f}"
                         f"{s['f']:>8.3f}{b['p']:>9.3f}{b['r']:>8.3f}{b['f']:>9.3f}")
    if "sources" in result:
        src = result["sources"]
        lines += ["", "sources: " + ", ".join(
            f"{part} P={src[part]['p']:.3f} R={src[part]['r']:.3f} F1={src[part]['f']:.3f}"
            for part in ("speaker", "cue", "content_chars"))
            + f", type accuracy={src['type_accuracy']}, actor accuracy={src['actor_accuracy']} "
               f"(state actors only: {src['actor_accuracy_named']})"]
    if "sources_polnear" in result:
        from .polnear import format_polnear

        lines += format_polnear(result["sources_polnear"])
    for label, buckets in (result.get("errors") or {}).items():
        for kind, items in buckets.items():
            for item in items:
                lines.append(f"{label} {kind[:-1].replace('_', ' ')}: {item['text']!r} in "
                             f"{item['doc_id']}: {item['sentence']}")
    return "\n".join(lines)
