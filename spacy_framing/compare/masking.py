"""Masking what identifies an outlet but says nothing about framing.

A contrast model given raw lemmas learns the outlet's own name ("(CNN)",
"WASHINGTON (Reuters) -", "Fox News' ..."), its reporters' bylines, its credit lines
("Reporting by ...; Editing by ...") and its house style (curly apostrophes, numerals)
before anything about how the target is framed. These helpers remove them from a target
sentence's lemmas before the lexical features are built; the texts shown in the report
are never changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Words that outlet names share with ordinary prose or with each other ("Fox Online News",
# "CNN (Web News)"): a name without them is still the name.
_GENERIC_NAME_WORDS = frozenset({
    "news", "online", "web", "com", "digital", "the", "network", "media", "website",
    "opinion", "editorial", "blog", "magazine",
})
# Wire services and broadcasters that outlets credit or reprint; their names identify the
# source of the text, not its framing.
MEDIA_NAMES: tuple[str, ...] = (
    "Reuters", "Associated Press", "AP", "AFP", "Agence France-Presse", "Bloomberg News",
    "CNN", "Fox News", "Fox", "BBC", "NPR", "MSNBC", "CNBC",
)
# A dateline opens a sentence: "WASHINGTON (Reuters) -", "HONG KONG, May 3 (AP) —", "(CNN)".
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'’ ,/-]*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*)?"
    r"\((?:[A-Za-z][\w .&'’-]{0,40})\)\s*(?:[-—–]+)?")
# Lines that credit people rather than state anything.
_CREDIT_LINE = re.compile(
    r"contributed to this report|^\s*(?:additional\s+)?(?:reporting|writing|editing|"
    r"compiled|research)\s+by\b|^\s*(?:written\s+)?by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)"
    r"{0,3}\s*(?:,|and|$)", re.IGNORECASE)
_WORD = re.compile(r"[\w&]+(?:[.'’-][\w&]+)*\.?")
_NEGATION_CLITICS = frozenset({"n't", "n’t"})
# Honorifics are house style (some outlets write "Mr. Xi", others "Xi"), not framing.
_HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "messrs", "messrs."})


def name_variants(name: str) -> set[tuple[str, ...]]:
    """Lower-cased word sequences under which an outlet called ``name`` appears in text:
    "Fox Online News" -> ("fox", "online", "news"), ("fox",), ("fox", "news");
    "CNN (Web News)" -> ("cnn",); "New York Times - News" -> ("new", "york", "times")."""
    base = re.sub(r"\([^)]*\)", " ", name)
    base = re.split(r"\s+[-–—|:]\s+", base)[0]
    words = [w.lower().rstrip(".") for w in _WORD.findall(base)]
    words = [w for w in words if w]
    if not words:
        return set()
    variants = {tuple(words)}
    core = tuple(w for w in words if w not in _GENERIC_NAME_WORDS)
    if core:
        variants.add(core)
        variants.add((*core, "news"))
    if words[0] == "the" and len(words) > 1:
        variants.add(tuple(words[1:]))
    # A lone common word ("new", "daily") is no name; only sequences stand for it.
    return {v for v in variants if len(v) > 1 or len(v[0]) > 1}


Patterns = dict[str, list[tuple[str, ...]]]


def outlet_patterns(names: Iterable[str], *, media: Sequence[str] = MEDIA_NAMES) -> Patterns:
    """Name sequences of ``names`` and of the ``media`` list, keyed by their first word,
    longest first (so "fox news" is removed as one piece before "fox")."""
    patterns: set[tuple[str, ...]] = set()
    for name in names:
        patterns |= name_variants(str(name))
    # The media list is spelled out in full: "Bloomberg News" must not mask a Bloomberg.
    patterns |= {tuple(w.lower() for w in _WORD.findall(name)) for name in media}
    by_first: Patterns = {}
    for pattern in sorted(patterns, key=lambda p: (-len(p), p)):
        by_first.setdefault(pattern[0], []).append(pattern)
    return by_first


def author_words(authors: object) -> frozenset[str]:
    """Lower-cased name words of a byline field ("Jane Doe, John Roe"), initials dropped."""
    if not authors:
        return frozenset()
    text = " ".join(authors) if isinstance(authors, list | tuple) else str(authors)
    return frozenset(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", text)
                     if len(w) > 2 and w.lower() not in {"and", "the", "news", "staff"})


def masked_lemmas(text: str, lemmas: Sequence[str], *, patterns: Patterns,
                  authors: frozenset[str] = frozenset()) -> list[str]:
    """``lemmas`` of one sentence without outlet names, datelines, bylines and credit lines,
    authors' names, honorifics ("Mr.") and number-only tokens; "n't" becomes "not"
    (straight or curly apostrophes are house style, the negation is not)."""
    if _CREDIT_LINE.search(text):
        return []
    words = [str(lemma) for lemma in lemmas]
    dateline = _DATELINE.match(text)
    if dateline:
        # The dateline's words are the sentence's first lemmas, in order.
        for word in _WORD.findall(dateline.group(0)):
            if words and words[0] == word.lower().rstrip("."):
                words.pop(0)
    kept: list[str] = []
    i = 0
    while i < len(words):
        match = next((p for p in patterns.get(words[i], ())
                      if tuple(words[i:i + len(p)]) == p), None)
        if match is not None:
            i += len(match)
            continue
        word = words[i]
        i += 1
        if word in _NEGATION_CLITICS:
            kept.append("not")
        elif word in authors or word in _HONORIFICS or not any(ch.isalpha() for ch in word):
            continue
        else:
            kept.append(word)
    return kept
