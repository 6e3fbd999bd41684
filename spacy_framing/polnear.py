"""PolNeAR (brat standoff) as benchmark gold, and attribution scoring beside it.

A PolNeAR compartment (``train/`` or ``dev/``) holds ``text/<article>.txt`` and
``attributions/<article>_<annotator>.ann``. Each ``E`` line ties one attribution's parts
(``Source``, ``Cue``, ``Content``); it becomes one SOURCE :class:`GoldSpan` over the
speaker, with the cue and content in ``attrs`` in the shape ``read_gold`` gives codebook
gold. ``Discard`` spans become unannotated ranges.

A few articles carry several annotators' files: only the first annotator by sorted file
name is read, because two annotations of one article would count its attributions twice.
Attributions without a Source (PolNeAR's ``Attribution-no-source``, or a missing Source
part) have no speaker to score and are skipped and counted in ``meta``.

PolNeAR also annotates thoughts and feelings ("he believes"); the codebook's SOURCE is a
reported statement. ``speech`` marks attributions whose cue is a speech act, using the
word list in ``data/speech_cues.json``, so scores can be given over that subset too.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.scorer import PRFScore

from .benchmark import GoldDoc, GoldSpan, PredSpan, _overlap, _prf, match_partial
from .components.rules import package_data_path
from .texts import InputError, decode_text

ANN_ROLES = ("Source", "Cue", "Content")
# brat ids: T (text-bound), E (event), R, A, M, N and # (notes); other lines are the
# continuation of a T line whose quoted text held a line break.
_ID_LINE = re.compile(r"^([TERAMN]\d+|#\d*)\t")
_T_FIELDS = re.compile(r"^(\S+) (\d+ \d+(?:;\d+ \d+)*)$")
_EDGE_PUNCT = ":;,.\"'“”‘’—―-()"
PARTS = ("speaker", "cue", "content")
MATCHES = ("partial", "strict")

Range = tuple[int, int]


def is_polnear(path: Path) -> bool:
    """Whether ``path`` is a PolNeAR compartment: a folder holding ``text/`` and
    ``attributions/``."""
    return (path / "text").is_dir() and (path / "attributions").is_dir()


@lru_cache(maxsize=1)
def speech_cues() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The speech-act cue words, phrases and skippable leading words from
    ``data/speech_cues.json``."""
    data = json.loads(package_data_path("speech_cues.json").read_text(encoding="utf-8"))
    return frozenset(data["words"]), frozenset(data["phrases"]), frozenset(data["skip"])


def is_speech_cue(cue: str) -> bool:
    """Whether a cue's text is a speech act.

    cue (str): The cue text as annotated ("said", "according to", "told reporters").
    RETURNS (bool): True when the lowercased cue, its first word, or its first word after
        auxiliaries and adverbs ("has said", "also told") is listed.
    """
    words, phrases, skip = speech_cues()
    # Annotators often take the colon or dash introducing a quote into the cue ("said:").
    tokens = [t.strip(_EDGE_PUNCT) for t in cue.lower().split()]
    tokens = [t for t in tokens if t]
    norm = " ".join(tokens)
    if not tokens:
        return False
    if norm in words or norm in phrases or tokens[0] in words:
        return True
    rest = [t for t in tokens if t not in skip]
    return bool(rest) and rest[0] in words and tokens.index(rest[0]) > 0


def _parse_ranges(raw: str, length: int, file: Path, line: int) -> list[Range]:
    ranges = []
    for part in raw.split(";"):
        start, end = (int(x) for x in part.split())
        if not 0 <= start <= end <= length:
            raise InputError(file, f"range {start}-{end} is outside the text "
                             f"(length {length})", line=line)
        ranges.append((start, end))
    return ranges


def parse_ann(file: Path, text: str) -> tuple[list[GoldSpan], list[Range], int]:
    """Read one brat ``.ann`` file against its article text.

    file (Path): The ``.ann`` file.
    text (str): The article text its offsets refer to.
    RETURNS (tuple): SOURCE gold spans, Discard ranges, and the number of attributions
        skipped for having no Source.
    RAISES (InputError): A malformed line, an offset outside the text or an E line naming an
        unknown T id, naming ``file:line``.
    """
    spans: dict[str, tuple[str, list[Range]]] = {}
    events: list[tuple[int, list[tuple[str, str]]]] = []
    raw = decode_text(file.read_bytes(), file)
    after_t = False
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        match = _ID_LINE.match(line)
        if match is None:
            if after_t:
                continue
            raise InputError(file, "not a brat annotation line (expected an id such as "
                             "T1 or E1, then a tab)", line=number)
        ident = match.group(1)
        fields = line.split("\t")
        after_t = ident.startswith("T")
        if ident.startswith("T"):
            t_fields = _T_FIELDS.match(fields[1]) if len(fields) >= 2 else None
            if t_fields is None:
                raise InputError(file, f"{ident}: expected 'Type start end[;start end]' "
                                 "after the id", line=number)
            spans[ident] = (t_fields.group(1),
                            _parse_ranges(t_fields.group(2), len(text), file, number))
        elif ident.startswith("E"):
            args = fields[1].split() if len(fields) >= 2 else []
            if not args or any(":" not in a for a in args):
                raise InputError(file, f"{ident}: expected 'Role:Tn' arguments", line=number)
            events.append((number, [tuple(a.split(":", 1)) for a in args]))  # type: ignore[misc]
    golds: list[GoldSpan] = []
    skipped = 0
    for number, args in events:
        parts: dict[str, list[list[Range]]] = {}
        for role, ref in args:
            if ref not in spans:
                raise InputError(file, f"E line names {ref}, which no T line defines",
                                 line=number)
            # Content2 is a second content part of the same attribution.
            parts.setdefault(role.rstrip("0123456789"), []).append(spans[ref][1])
        if "Source" not in parts:
            skipped += 1
            continue
        source = parts["Source"][0][0]
        cue = parts["Cue"][0][0] if "Cue" in parts else None
        content = sorted(r for ranges in parts.get("Content", []) for r in ranges)
        cue_text = text[cue[0]:cue[1]] if cue else ""
        golds.append(GoldSpan(source[0], source[1], "SOURCE", attrs={
            "cue": {"start": cue[0], "end": cue[1]} if cue else None,
            "content": [{"start": s, "end": e} for s, e in content],
            "speech": is_speech_cue(cue_text),
            "source_type": None, "actor": None}))
    discard = [r for kind, ranges in spans.values() if kind == "Discard" for r in ranges]
    return sorted(golds, key=lambda g: (g.start, g.end)), discard, skipped


def read_polnear(path: Path) -> tuple[list[GoldDoc], list[InputError]]:
    """Read a PolNeAR compartment as gold, one document per article with an annotation.

    path (Path): The compartment folder (holding ``text/`` and ``attributions/``).
    RETURNS (tuple): The gold documents and the errors of articles that could not be read.
    """
    by_article: dict[str, list[Path]] = {}
    for ann in sorted((path / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        by_article.setdefault(article, []).append(ann)
    docs: list[GoldDoc] = []
    errors: list[InputError] = []
    for text_file in sorted((path / "text").glob("*.txt")):
        anns = by_article.get(text_file.stem)
        if not anns:
            continue
        try:
            text = decode_text(text_file.read_bytes(), text_file)
            spans, discard, skipped = parse_ann(anns[0], text)
        except InputError as err:
            errors.append(err)
            continue
        docs.append(GoldDoc(
            doc_id=text_file.stem, text=text, spans=spans, origin=str(anns[0]),
            unannotated=discard,
            meta={"format": "polnear", "annotator": anns[0].stem.rsplit("_", 1)[1],
                  "other_annotators": [a.stem.rsplit("_", 1)[1] for a in anns[1:]],
                  "skipped_no_source": skipped}))
    return docs, errors


# --- scoring ----------------------------------------------------------------------------


def _merged(ranges: Sequence[Range]) -> list[Range]:
    """Ranges sorted with touching ones joined, so that strict content compares the
    characters covered, not how an annotator happened to split them."""
    out: list[Range] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _gold_parts(span: GoldSpan) -> tuple[Range, Range | None, list[Range]]:
    cue = span.attrs.get("cue")
    return ((span.start, span.end), (cue["start"], cue["end"]) if cue else None,
            _merged([(r["start"], r["end"]) for r in span.attrs.get("content") or []]))


def _pred_parts(span: PredSpan) -> tuple[Range, Range | None, list[Range]]:
    cue = span.attrs.get("cue")
    return ((span.start, span.end), tuple(cue) if cue else None,  # type: ignore[return-value]
            _merged([tuple(r) for r in span.attrs.get("content") or [] if r]))


def _agree(gold: Any, pred: Any, part: str, match: str) -> bool:
    if part == "content":
        if match == "strict":
            return gold == pred
        return any(_overlap(*g, *p) for g in gold for p in pred)
    return gold == pred if match == "strict" else _overlap(*gold, *pred) > 0


def score_polnear(golds: Sequence[GoldDoc], preds: Sequence[Sequence[PredSpan]]
                  ) -> dict[str, Any]:
    """Speaker, cue and content scores against PolNeAR attributions.

    Predictions and gold attributions are paired one-to-one by speaker overlap (largest
    first). Partial: a part is right when it overlaps the gold part; strict: when its
    offsets are exactly the gold's (content: the same characters). A gold part with no
    right prediction is a false negative and a predicted part that is not right a false
    positive. Strict speaker counts exact offsets whatever the pairing, one-to-one (a speaker
    heading two attributions must be predicted twice).

    The speech subset keeps the gold attributions whose cue is a speech act. A prediction
    paired with a non-speech gold attribution is left out there (it found a real
    attribution, just not a speech one); every other prediction is scored as over all
    attributions, so false positives are the predictions that match no gold at all.

    golds (Sequence[GoldDoc]): PolNeAR gold documents.
    preds (Sequence[Sequence[PredSpan]]): Predicted spans per document.
    RETURNS (dict): ``{"all": ..., "speech": ...}``, each part by match with P/R/F and
        support, plus the number of gold attributions and the skipped ones.
    """
    subsets = ("all", "speech")
    scores = {sub: {part: {m: PRFScore() for m in MATCHES} for part in PARTS}
              for sub in subsets}
    counts = dict.fromkeys(subsets, 0)
    for gold, pred in zip(golds, preds, strict=True):
        g = [s for s in gold.spans if s.label == "SOURCE"]
        p = [s for s in pred if s.label == "SOURCE"]
        gp, pp = [_gold_parts(s) for s in g], [_pred_parts(s) for s in p]
        pairs = match_partial([x[0] for x in pp], [x[0] for x in gp])
        gold_of = {i: j for i, j in pairs}
        exact_speakers = Counter(x[0] for x in gp)
        for sub in subsets:
            keep_g = {j for j, s in enumerate(g) if sub == "all" or s.attrs.get("speech")}
            keep_p = {i for i in range(len(p)) if i not in gold_of or gold_of[i] in keep_g}
            counts[sub] += len(keep_g)
            tally = scores[sub]
            gold_speakers = Counter(gp[j][0] for j in keep_g)
            for match in MATCHES:
                spk = tally["speaker"][match]
                if match == "strict":
                    # Multisets: one speaker span can head several attributions ("she
                    # said ... and added ..."), and each counts once, as in partial.
                    kept = Counter(pp[i][0] for i in keep_p)
                    found = sum((kept & gold_speakers).values())
                    spk.tp += found
                    spk.fn += sum(gold_speakers.values()) - found
                    spk.fp += sum((kept - exact_speakers).values())
                else:
                    matched = sum(1 for i, j in pairs if j in keep_g)
                    spk.tp += matched
                    spk.fn += len(keep_g) - matched
                    spk.fp += len(keep_p) - sum(1 for i in keep_p if i in gold_of)
                for index, part in ((1, "cue"), (2, "content")):
                    prf = tally[part][match]
                    for j in keep_g:
                        i = next((i for i, jj in pairs if jj == j), None)
                        gv = gp[j][index]
                        pv = pp[i][index] if i is not None else None
                        if gv and pv and _agree(gv, pv, part, match):
                            prf.tp += 1
                            continue
                        prf.fn += int(bool(gv))
                        prf.fp += int(bool(pv))
                    prf.fp += sum(1 for i in keep_p if i not in gold_of and pp[i][index])
    result: dict[str, Any] = {
        sub: {part: {m: _prf(s, s.tp + s.fn) for m, s in by_match.items()}
              for part, by_match in scores[sub].items()} | {"attributions": counts[sub]}
        for sub in subsets}
    result["skipped_no_source"] = sum(int(g.meta.get("skipped_no_source", 0)) for g in golds)
    result["articles_with_other_annotators"] = sum(1 for g in golds
                                                   if g.meta.get("other_annotators"))
    return result


def format_polnear(scores: dict[str, Any]) -> list[str]:
    """Table lines for ``score_polnear``'s result."""
    header = f"{'PolNeAR':<18}{'part':<10}{'match':<9}{'support':>8}{'P':>8}{'R':>8}{'F1':>8}"
    lines = ["", header, "-" * len(header)]
    for sub in ("all", "speech"):
        name = f"{sub} ({scores[sub]['attributions']})"
        for part in PARTS:
            for match in MATCHES:
                s = scores[sub][part][match]
                lines.append(f"{name:<18}{part:<10}{match:<9}{s['support']:>8}{s['p']:>8.3f}"
                             f"{s['r']:>8.3f}{s['f']:>8.3f}")
    lines.append(f"attributions without a Source skipped: {scores['skipped_no_source']}; "
                 "one annotator per article (first by name)")
    return lines
