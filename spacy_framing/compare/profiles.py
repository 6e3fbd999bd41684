"""Per-outlet profiles of a target actor, built from facts (no spaCy here).

A sentence *concerns* the target (codebook section 4) when it mentions one of the
target's aliases (``sentence["actors"]``) or carries a statement whose SOURCE belongs to
the target (``sentence["source_actors"]``); a person target (an office holder) likewise
through ``sentence["persons"]`` and ``sentence["source_persons"]``. A profile aggregates
devices, epistemic markers, sources and the target's grammatical role over those
sentences, with bootstrap confidence intervals for every device share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..types import Facts

CODEBOOK_DEVICES: tuple[str, ...] = (
    "LOSS_OF_INFLUENCE", "FAIT_ACCOMPLI", "BARGAINING_CHIP", "DILEMMA", "STRATEGIC_GAME",
    "DEPENDENCY", "STABILITY", "ESCALATION", "LEGALITY", "EMOTION", "SILENCE",
)
"""Device labels of codebook section 1, always reported (with zeros) in this order."""

SOURCE_TYPES: tuple[str, ...] = ("official", "expert", "media", "unnamed")
ROLES: tuple[str, ...] = ("agent", "affected", "other")
NO_ACTOR = "none"
"""Key under which sources without an actor are counted in ``source_actors``."""

MIN_TARGET_SENTENCES = 10
"""Below this many target sentences in an outlet, the report says the data are too few."""

CI_LEVEL = 0.95
ROUND = 4


@dataclass
class TargetSentence:
    """One sentence that concerns the target, with what the models need from it."""

    outlet: str
    document: int
    doc_id: str
    fact: dict[str, Any]
    devices: Counter[str]
    device_spans: list[dict[str, Any]]
    hedge_spans: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    role: str

    @property
    def hedges(self) -> int:
        return sum(1 for s in self.hedge_spans if s["label"] == "HEDGE")

    @property
    def boosters(self) -> int:
        return sum(1 for s in self.hedge_spans if s["label"] == "BOOSTER")

    @property
    def quoted(self) -> bool:
        """Whether the sentence carries reported speech (some source speaks in it)."""
        index = self.fact["index"]
        return any(index in s["content_sentences"] for s in self.sources)


@dataclass
class OutletData:
    name: str
    documents: list[str] = field(default_factory=list)
    sentences: int = 0
    tokens: int = 0
    target: list[TargetSentence] = field(default_factory=list)
    # Sources that speak in at least one target sentence, each counted once.
    sources: list[dict[str, Any]] = field(default_factory=list)
    # Sentences per device label over all sentences, target or not: the context that
    # tells a device used about the target from one used elsewhere in the same story.
    article_devices: Counter[str] = field(default_factory=Counter)
    # (doc_id, sentence, span) for device spans in sentences that do not concern the target.
    context: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def target_documents(self) -> list[int]:
        return sorted({s.document for s in self.target})


@dataclass
class DocumentInfo:
    """What the statistics need to know about one document beyond its sentences."""

    outlet: str
    """The outlet that published it (also when documents are grouped by another field)."""
    group: str
    """The group it is compared in (the facts' ``outlet``)."""
    authors: Any = None
    date: Any = None
    stratum: str | None = None


@dataclass
class TargetData:
    """Everything about the target's sentences that the statistics need."""

    target: str
    outlets: list[OutletData]
    labels: list[str]
    documents: list[dict[str, Any]]
    # Indexed like TargetSentence.document.
    document_info: list[DocumentInfo] = field(default_factory=list)
    stratify: str | None = None

    @property
    def sentences(self) -> list[TargetSentence]:
        return [s for outlet in self.outlets for s in outlet.target]


def collect(
    facts: Iterable[Facts],
    target: str,
    *,
    outlet_order: Sequence[str] = (),
    labels: Sequence[str] = CODEBOOK_DEVICES,
    keep_documents: bool = True,
    stratify: str | None = None,
    person: bool = False,
) -> TargetData:
    """Select the target's sentences in every document and group them by outlet.

    ``facts`` may be a stream; each document's facts are reduced at once. With
    ``keep_documents`` the facts are also kept (the HTML report shows the articles).
    ``stratify`` names the field (a facts key or a key of ``meta``) whose value is each
    document's stratum; documents without one share the stratum ``"(none)"``. With
    ``person``, ``target`` is a person's name, found in the facts' person keys.
    """
    outlets: dict[str, OutletData] = {name: OutletData(name) for name in outlet_order}
    seen_labels: set[str] = set()
    documents: list[dict[str, Any]] = []
    document_index: dict[tuple[str, str], int] = {}
    document_info: list[DocumentInfo] = []
    for doc in facts:
        outlet_name = str(doc["outlet"])
        outlet = outlets.setdefault(outlet_name, OutletData(outlet_name))
        key = (outlet_name, str(doc["doc_id"]))
        # Records sharing (outlet, doc_id) are parts of one document.
        if key not in document_index:
            document_index[key] = len(document_index)
            outlet.documents.append(key[1])
            meta = doc.get("meta") or {}
            stratum = None
            if stratify is not None:
                value = field_value(doc, stratify)
                stratum = NO_STRATUM if value in (None, "") else str(value)
            document_info.append(DocumentInfo(
                outlet=str(meta.get("outlet") or doc["outlet"]), group=outlet_name,
                authors=meta.get("authors"),
                date=doc.get("date") if doc.get("date") not in (None, "") else meta.get("date"),
                stratum=stratum))
        index = document_index[key]
        if keep_documents:
            documents.append(doc)
        outlet.sentences += len(doc["sentences"])
        outlet.tokens += int(doc.get("n_tokens") or 0)
        framing = {(s["sentence"], s["label"]) for s in doc["spans"] if s["group"] == "framing"}
        outlet.article_devices.update(label for _, label in framing)
        seen_labels.update(label for _, label in framing)
        _collect_document(outlet, index, doc, target, person=person)
    extra = sorted(seen_labels - set(labels))
    return TargetData(target=target, outlets=list(outlets.values()),
                      labels=[*labels, *extra], documents=documents,
                      document_info=document_info, stratify=stratify)


NO_STRATUM = "(none)"
_FACTS_FIELDS = frozenset({"doc_id", "outlet", "title", "date"})


def field_value(doc: Facts, name: str) -> Any:
    """A document's value of ``name``: a facts field (doc_id, outlet, title, date) or a
    key of its ``meta`` (the record's other fields, e.g. topic)."""
    meta = doc.get("meta") or {}
    if name in meta:
        return meta[name]
    return doc.get(name) if name in _FACTS_FIELDS else None


# Where a sentence's facts name actors, the actors whose sources speak in it and their
# roles; people have optional keys of their own (see spacy_framing.facts).
_ACTOR_KEYS = ("actors", "source_actors", "roles")
_PERSON_KEYS = ("persons", "source_persons", "persons")


def _collect_document(outlet: OutletData, index: int, doc: Facts, target: str, *,
                      person: bool = False) -> None:
    named, speaking, roles = _PERSON_KEYS if person else _ACTOR_KEYS
    concerned = {
        s["index"] for s in doc["sentences"]
        if target in s.get(named, ()) or target in s.get(speaking, ())
    }
    sentence_by_index = {s["index"]: s for s in doc["sentences"]}
    for span in doc["spans"]:
        if span["group"] == "framing" and span["sentence"] not in concerned \
                and span["sentence"] in sentence_by_index:
            outlet.context.append((str(doc["doc_id"]), sentence_by_index[span["sentence"]], span))
    if not concerned:
        return
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for span in doc["spans"]:
        if span["sentence"] in concerned and span["group"] in ("framing", "hedges"):
            by_sentence.setdefault(span["sentence"], []).append(span)
    sources_by_sentence: dict[int, list[dict[str, Any]]] = {}
    for source in doc["sources"]:
        speaks_in = {source["sentence"], *source.get("content_sentences", ())} & concerned
        for sentence in speaks_in:
            sources_by_sentence.setdefault(sentence, []).append(source)
        if speaks_in:
            outlet.sources.append(source)
    for sentence in doc["sentences"]:
        if sentence["index"] not in concerned:
            continue
        spans = by_sentence.get(sentence["index"], [])
        device_spans = [s for s in spans if s["group"] == "framing"]
        outlet.target.append(TargetSentence(
            outlet=outlet.name,
            document=index,
            doc_id=str(doc["doc_id"]),
            fact=sentence,
            devices=Counter(s["label"] for s in device_spans),
            device_spans=device_spans,
            hedge_spans=[s for s in spans if s["group"] == "hedges"],
            sources=sources_by_sentence.get(sentence["index"], []),
            role=(sentence.get(roles) or {}).get(target, "other"),
        ))


def resampling_unit(outlet: OutletData) -> str:
    """Documents when the outlet has at least two documents about the target (so the
    resampling respects that sentences of one article are not independent), else
    sentences."""
    return "documents" if len(outlet.target_documents) >= 2 else "sentences"


def presence_matrix(sentences: Sequence[TargetSentence], labels: Sequence[str]) -> np.ndarray:
    """sentences x labels: 1 where the sentence carries at least one span of the label."""
    matrix = np.zeros((len(sentences), len(labels)), dtype=np.int64)
    column = {label: j for j, label in enumerate(labels)}
    for i, sentence in enumerate(sentences):
        for label in sentence.devices:
            if label in column:
                matrix[i, column[label]] = 1
    return matrix


def unit_counts(
    sentences: Sequence[TargetSentence], labels: Sequence[str], unit: str
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """Per resampling unit: label hits (units x labels), target sentences, unit ids."""
    presence = presence_matrix(sentences, labels)
    if unit == "sentences":
        ids: list[Any] = list(range(len(sentences)))
        return presence, np.ones(len(sentences), dtype=np.int64), ids
    ids = sorted({s.document for s in sentences})
    row = {doc: i for i, doc in enumerate(ids)}
    hits = np.zeros((len(ids), len(labels)), dtype=np.int64)
    totals = np.zeros(len(ids), dtype=np.int64)
    for sentence, presence_row in zip(sentences, presence, strict=True):
        hits[row[sentence.document]] += presence_row
        totals[row[sentence.document]] += 1
    return hits, totals, ids


def bootstrap_share_ci(
    hits: np.ndarray,
    totals: np.ndarray,
    *,
    n_resamples: int,
    rng: np.random.Generator,
    level: float = CI_LEVEL,
    strata: Sequence[Any] | None = None,
) -> np.ndarray:
    """Percentile bootstrap CI of each label's share (sum of hits / sum of totals).

    Units (documents or sentences) are drawn with replacement; a draw is expressed as
    multinomial weights so that one matrix product evaluates all resamples. With
    ``strata`` (one per unit) units are drawn within their stratum, each stratum keeping
    its size, so that the interval does not mix in variation of the strata's mix.
    Returns an array of shape (labels, 2).
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    n_units = hits.shape[0]
    if n_units == 0 or totals.sum() == 0:
        return np.zeros((hits.shape[1], 2))
    if strata is None:
        weights = rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_resamples)
    else:
        weights = np.zeros((n_resamples, n_units), dtype=np.int64)
        keys = np.asarray([str(s) for s in strata])
        for key in sorted(set(keys.tolist())):
            members = np.flatnonzero(keys == key)
            weights[:, members] = rng.multinomial(
                len(members), np.full(len(members), 1.0 / len(members)), size=n_resamples)
    resampled_totals = weights @ totals
    resampled_hits = weights @ hits
    # A resample of documents cannot be empty (each unit has >= 1 target sentence);
    # guard anyway so a constructed zero-total unit cannot divide by zero.
    shares = resampled_hits / np.maximum(resampled_totals, 1)[:, None]
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(shares, [alpha, 1.0 - alpha], axis=0)
    return np.stack([low, high], axis=1)


def build_profile(
    outlet: OutletData,
    labels: Sequence[str],
    *,
    n_bootstrap: int,
    rng: np.random.Generator,
    max_evidence_per_label: int | None = None,
    document_strata: Sequence[str | None] | None = None,
) -> dict[str, Any]:
    """The JSON profile of one outlet (see the ``framing compare`` JSON schema).

    ``document_strata`` (indexed by document) makes the bootstrap resample within strata.
    """
    sentences = outlet.target
    n_target = len(sentences)
    unit = resampling_unit(outlet)
    hits, totals, ids = unit_counts(sentences, labels, unit)
    presence_totals = hits.sum(axis=0)
    strata = None
    if document_strata is not None:
        strata = [document_strata[i] for i in ids] if unit == "documents" \
            else [document_strata[s.document] for s in sentences]
    ci = bootstrap_share_ci(hits, totals, n_resamples=n_bootstrap, rng=rng, strata=strata)
    span_counts = Counter(label for s in sentences for label in s.devices.elements())
    devices: dict[str, dict[str, Any]] = {}
    for j, label in enumerate(labels):
        count = int(presence_totals[j]) if n_target else 0
        devices[label] = {
            "count": count,
            "share": _round(count / n_target) if n_target else 0.0,
            "ci": [_round(ci[j, 0]), _round(ci[j, 1])],
            "spans": int(span_counts.get(label, 0)),
        }
    target_tokens = sum(int(s.fact.get("n_tokens") or 0) for s in sentences)
    hedges = sum(s.hedges for s in sentences)
    boosters = sum(s.boosters for s in sentences)
    uncertain = sum(1 for s in sentences if s.fact.get("uncertain"))
    source_types = Counter({kind: 0 for kind in SOURCE_TYPES})
    source_types.update(str(s.get("type") or "unnamed") for s in outlet.sources)
    source_actors = Counter(str(s.get("actor") or NO_ACTOR) for s in outlet.sources)
    agency = Counter({role: 0 for role in ROLES})
    agency.update(s.role if s.role in ROLES else "other" for s in sentences)
    notes = []
    if not outlet.documents:
        notes.append(f"{outlet.name}: no documents.")
    elif n_target == 0:
        notes.append(f"{outlet.name}: the target is not mentioned in its "
                     f"{len(outlet.documents)} document(s); all figures are zero.")
    elif n_target < MIN_TARGET_SENTENCES:
        notes.append(f"{outlet.name}: only {n_target} target sentence(s) (fewer than "
                     f"{MIN_TARGET_SENTENCES}); too few for a conclusion about its framing.")
    return {
        "name": outlet.name,
        "documents": len(outlet.documents),
        "target_documents": len(outlet.target_documents),
        "sentences": outlet.sentences,
        "target_sentences": n_target,
        "target_tokens": target_tokens,
        "ci_resampling": unit,
        "devices": devices,
        "article_devices": {label: int(outlet.article_devices.get(label, 0)) for label in labels},
        "hedges": hedges,
        "boosters": boosters,
        "hedge_density": _round(100.0 * hedges / target_tokens) if target_tokens else 0.0,
        "booster_density": _round(100.0 * boosters / target_tokens) if target_tokens else 0.0,
        "density_unit": "per 100 tokens of target sentences",
        "uncertain_sentences": uncertain,
        "uncertain_share": _round(uncertain / n_target) if n_target else 0.0,
        "sources": dict(source_types),
        "source_actors": dict(sorted(source_actors.items(), key=lambda kv: (-kv[1], kv[0]))),
        "source_list": [_source_summary(s) for s in outlet.sources],
        "agency": dict(agency),
        "evidence": _evidence(sentences, "device_spans", max_evidence_per_label),
        "hedge_evidence": _evidence(sentences, "hedge_spans", max_evidence_per_label),
        # Devices in the same articles but in sentences that do not concern the target:
        # context for article_devices, never part of the target's profile.
        "context_evidence": _evidence_items(outlet.context, max_evidence_per_label),
        "notes": notes,
    }


def _source_summary(source: Mapping[str, Any]) -> dict[str, Any]:
    return {"speaker": source.get("speaker"), "type": source.get("type"),
            "actor": source.get("actor"), "cue": source.get("cue")}


def _evidence(sentences: Sequence[TargetSentence], attribute: str,
              limit: int | None) -> list[dict[str, Any]]:
    located = [(sentence.doc_id, sentence.fact, span)
               for sentence in sentences for span in getattr(sentence, attribute)]
    return _evidence_items(located, limit)


def _evidence_items(located: Sequence[tuple[str, dict[str, Any], dict[str, Any]]],
                    limit: int | None) -> list[dict[str, Any]]:
    """One entry per span: the sentence, the span located in it (offsets relative to the
    sentence text; ``doc_span`` gives them in the article), the document and the voice."""
    items: list[dict[str, Any]] = []
    per_label: Counter[str] = Counter()
    for doc_id, sentence, span in located:
        if limit is not None and per_label[span["label"]] >= limit:
            continue
        per_label[span["label"]] += 1
        base = sentence["start_char"]
        items.append({
            "label": span["label"],
            "text": sentence["text"],
            "span": [span["start_char"] - base, span["end_char"] - base],
            "span_text": span["text"],
            "doc_id": doc_id,
            "doc_span": [span["start_char"], span["end_char"]],
            "sentence": sentence["index"],
            "voice": "quoted" if span.get("in_quote") else "outlet",
            "rule": span.get("rule"),
        })
    # Stable sort: within a label, entries stay in document and sentence order.
    items.sort(key=lambda e: e["label"])
    return items


def _round(value: float) -> float:
    return round(float(value), ROUND)
