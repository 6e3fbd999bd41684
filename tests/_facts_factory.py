"""Constructed per-document facts (the shape spacy_framing.facts produces) for tests of
compare and report, so that the statistics run on data whose answer is known."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def sentence(text: str, *, actors: Iterable[str] = (), devices: Iterable[str] = (),
             hedges: int = 0, boosters: int = 0, role: str | None = None,
             sources: Iterable[tuple[str, str | None]] = (), uncertain: bool = False,
             quoted: Iterable[str] = ()) -> dict[str, Any]:
    """One sentence spec: ``devices`` are labels spanning the first word; labels in
    ``quoted`` are marked as inside reported speech; ``sources`` are (type, actor)."""
    return {"text": text, "actors": list(actors), "devices": list(devices), "hedges": hedges,
            "boosters": boosters, "role": role, "sources": list(sources),
            "uncertain": uncertain, "quoted": set(quoted)}


def document(outlet: str, doc_id: str, sentences: Iterable[Mapping[str, Any]],
             *, title: str | None = None) -> dict[str, Any]:
    texts: list[str] = []
    sentence_facts: list[dict[str, Any]] = []
    spans: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    position = 0
    for index, spec in enumerate(sentences):
        text = spec["text"]
        start, end = position, position + len(text)
        first_word = text.split()[0] if text.split() else text
        words = [w.strip(".,;:!?\"'").lower() for w in text.split()]
        sentence_facts.append({
            "index": index, "start_char": start, "end_char": end, "text": text,
            "n_tokens": len(words), "lemmas": [w for w in words if w],
            "actors": list(spec.get("actors", [])),
            "source_actors": [a for _, a in spec.get("sources", []) if a],
            "roles": {a: spec.get("role") or "other" for a in spec.get("actors", [])},
            "uncertain": bool(spec.get("uncertain")),
        })
        for label in spec.get("devices", []):
            spans.append({"group": "framing", "label": label, "start_char": start,
                          "end_char": start + len(first_word), "text": first_word,
                          "sentence": index, "rule": f"rule-{label.lower()}",
                          "in_quote": label in spec.get("quoted", set())})
        for label, count in (("HEDGE", spec.get("hedges", 0)),
                             ("BOOSTER", spec.get("boosters", 0))):
            for _ in range(count):
                spans.append({"group": "hedges", "label": label, "start_char": start,
                              "end_char": start + len(first_word), "text": first_word,
                              "sentence": index, "rule": label.lower(), "in_quote": False})
        for actor in spec.get("actors", []):
            spans.append({"group": "actors", "label": "ACTOR", "start_char": start,
                          "end_char": start + len(first_word), "text": first_word,
                          "sentence": index, "rule": "actor", "in_quote": False,
                          "actor": actor})
        for kind, actor in spec.get("sources", []):
            sources.append({"start_char": start, "end_char": start + len(first_word),
                            "text": first_word, "speaker": first_word, "type": kind,
                            "cue": "said", "cue_span": None, "content": [[start, end]],
                            "content_sentences": [index], "actor": actor,
                            "sentence": index})
        texts.append(text)
        position = end + 1
    return {
        "facts_version": 1, "doc_id": doc_id, "outlet": outlet, "title": title, "date": None,
        "meta": {}, "text": " ".join(texts),
        "n_tokens": sum(s["n_tokens"] for s in sentence_facts), "hedge_density": None,
        "sentences": sentence_facts, "spans": spans, "sources": sources,
    }


def two_outlet_corpus(*, documents_per_outlet: int = 4,
                      sentences_per_document: int = 6) -> list[dict[str, Any]]:
    """Outlet "Ledger" frames China through DILEMMA and EMOTION with expert voices and
    hedges; "Dispatch" through STABILITY and LEGALITY with official voices. Every third
    sentence carries no device; one sentence per document is not about China."""
    docs = []
    for outlet in ("Ledger", "Dispatch"):
        for d in range(documents_per_outlet):
            specs = []
            for k in range(sentences_per_document):
                if outlet == "Ledger":
                    devices = [] if k % 3 == 2 else ["DILEMMA" if k % 2 else "EMOTION"]
                    specs.append(sentence(
                        f"Beijing faces an awkward choice number {k} in the strait.",
                        actors=["China"], devices=devices, hedges=1, uncertain=k % 2 == 0,
                        role="affected", sources=[("expert", "Norway")] if k == 0 else []))
                else:
                    devices = [] if k % 3 == 2 else ["STABILITY" if k % 2 else "LEGALITY"]
                    specs.append(sentence(
                        f"China urges calm and lawful conduct, statement {k} said.",
                        actors=["China"], devices=devices, boosters=1, role="agent",
                        sources=[("official", "China")] if k < 2 else []))
            specs.append(sentence("Fishing boats left the harbour at dawn.", actors=["Talvenia"],
                                  devices=["STRATEGIC_GAME"]))
            docs.append(document(outlet, f"{outlet.lower()}-{d}", specs))
    return docs
