"""A cheap check that a text is English: the framing components are English-only, and
on other languages they find nothing, which reads like "no framing" unless flagged.

The measure is the share of a text's words that are English stop words ("the", "of",
"and", "is"...). English prose runs at 40-55 %; Russian, Chinese or German text at a few
percent. Ideographs count as one word each, since scripts without spaces would
otherwise be a handful of "words".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

# Too few words say nothing about the language (a headline, a name, a table).
MIN_WORDS = 20
# English news text stays far above this even in lists and headlines; other languages
# written in Latin script share a few stop words ("a", "in", "die") and stay below.
MIN_STOP_WORD_SHARE = 0.12
# Only a prefix is measured: enough words to judge, constant time on a long article.
_SAMPLE_CHARS = 20_000
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORDS = re.compile(rf"[{_IDEOGRAPHS}]|[^\W\d_{_IDEOGRAPHS}]+")


@dataclass(frozen=True)
class LanguageCheck:
    """The outcome of :func:`check_english`.

    words (int): Words measured.
    stop_word_share (float): Share of them that are English stop words.
    """

    words: int
    stop_word_share: float

    @property
    def likely_not_english(self) -> bool:
        return self.words >= MIN_WORDS and self.stop_word_share < MIN_STOP_WORD_SHARE

    def warning(self) -> str | None:
        """A one-line warning when the text looks not English, else None."""
        if not self.likely_not_english:
            return None
        return (f"the text does not look English (only {self.stop_word_share:.0%} of "
                f"{self.words:,} words are common English words); the framing components "
                "only know English, so finding nothing here says nothing about framing")


def check_english(text: str) -> LanguageCheck:
    """Measure how English ``text`` looks (on its first 20,000 characters).

    text (str): The document.
    RETURNS (LanguageCheck): Words measured and their English stop-word share.
    """
    words = _WORDS.findall(text[:_SAMPLE_CHARS])
    if not words:
        return LanguageCheck(0, 0.0)
    known = sum(1 for word in words if word.lower() in STOP_WORDS)
    return LanguageCheck(len(words), known / len(words))


def language_warning(text: str) -> str | None:
    """The warning for ``text`` (see :meth:`LanguageCheck.warning`), or None.

    text (str): The document.
    RETURNS (str | None): A one-line warning when the text looks not English.
    """
    return check_english(text).warning()
