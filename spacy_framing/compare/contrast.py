"""The contrast model: can an outlet be told from its sentences about the target?

A scikit-learn ``Pipeline`` predicts the outlet of each target sentence from its framing
devices, epistemic markers, sources, the target's grammatical role and the sentence's
lemma n-grams. Its cross-validated balanced accuracy, set beside chance, says how
distinct the outlets' treatment of the target is; its largest coefficients say what
makes each outlet distinct, with readable names ("device:DILEMMA", "source:expert",
"lemma:panic").
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    BaseCrossValidator,
    StratifiedGroupKFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from .profiles import TargetSentence

MAX_FOLDS = 5
LARGE = 5000
"""From this many target sentences on, the models use 3 folds, words in at least 5
sentences and a looser convergence tolerance: the estimates are already stable, and a
corpus run must not wait minutes for them."""
LARGE_FOLDS = 3
TOP_FEATURES = 8
_STRUCTURED, _LEMMAS = 0, 1
_FEATURE_PREFIXES = {"structured__": "", "lemmas__": "lemma:"}


def sentence_features(sentence: TargetSentence) -> dict[str, float]:
    """The structured features of one target sentence, named as they are reported."""
    features: Counter[str] = Counter()
    for label, count in sentence.devices.items():
        features[f"device:{label}"] += count
    if sentence.hedges:
        features["epistemic:hedge"] += sentence.hedges
    if sentence.boosters:
        features["epistemic:booster"] += sentence.boosters
    if sentence.fact.get("uncertain"):
        features["epistemic:uncertain"] = 1
    for source in sentence.sources:
        features[f"source:{source.get('type') or 'unnamed'}"] += 1
        if source.get("actor"):
            features[f"source_actor:{source['actor']}"] += 1
    if sentence.quoted:
        features["voice:quoted"] = 1
    features[f"agency:{sentence.role}"] = 1
    return {name: float(value) for name, value in features.items()}


def _content_lemma(lemma: str) -> bool:
    # Clitics ("'s", "’s", "'re") and symbol-only tokens would surface as top features
    # such as "lemma:’s" that say nothing about framing.
    return not lemma.startswith(("'", "’")) and any(ch.isalnum() for ch in lemma)


@lru_cache(maxsize=262_144)
def lemma_ngrams(text: str) -> tuple[str, ...]:
    """Unigrams and bigrams of a lemma string after English stop words are removed (what
    ``CountVectorizer(stop_words="english", ngram_range=(1, 2))`` makes of it), cached:
    every cross-validation fold and model analyses the same sentences again."""
    words = [w for w in text.split() if w not in ENGLISH_STOP_WORDS]
    return (*words, *(f"{a} {b}" for a, b in pairwise(words)))


FRAMING_PREFIXES: tuple[str, ...] = ("device:", "epistemic:", "source:", "source_actor:",
                                     "agency:", "voice:")
"""Feature families of the framing model (what :func:`sentence_features` produces)."""


def design_matrix(sentences: Sequence[TargetSentence],
                  lemma_texts: Sequence[str] | None = None) -> np.ndarray:
    """Rows of (structured feature dict, lemma string): the input of the pipeline.

    ``lemma_texts`` replaces each sentence's lemmas (e.g. masked ones, see
    :mod:`.masking`); by default the sentence's own lemmas are used.
    """
    rows = np.empty((len(sentences), 2), dtype=object)
    for i, sentence in enumerate(sentences):
        rows[i, _STRUCTURED] = sentence_features(sentence)
        lemmas = lemma_texts[i].split() if lemma_texts is not None \
            else sentence.fact.get("lemmas") or ()
        rows[i, _LEMMAS] = " ".join(lemma for lemma in lemmas if _content_lemma(lemma))
    return rows


def make_pipeline(*, seed: int, min_df: int = 1, lemmas: bool = True,
                  structured: bool = True, tol: float = 1e-4) -> Pipeline:
    """Feature extraction + multinomial logistic regression (balanced class weights, so
    an outlet with more sentences does not win by size). ``structured`` and ``lemmas``
    choose the feature families: both (the combined model), framing features only, or
    words only."""
    transformers: list[tuple[str, Any, int]] = []
    if structured:
        transformers.append(("structured", DictVectorizer(), _STRUCTURED))
    if lemmas:
        transformers.append(
            ("lemmas", CountVectorizer(analyzer=lemma_ngrams, min_df=min_df, binary=True),
             _LEMMAS))
    features = ColumnTransformer(transformers)
    classifier = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, tol=tol,
                                    random_state=seed)
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass
class CrossValidation:
    splitter: BaseCrossValidator | None
    grouped: bool
    n_splits: int
    reason: str | None = None
    grouping: str | None = None
    groups: list[Any] | None = None
    splits: list[tuple[np.ndarray, np.ndarray]] | None = None


def choose_cv(outlets: Sequence[str], groups: Sequence[Any], *, seed: int,
              strata: Sequence[Any] | None = None,
              max_folds: int = MAX_FOLDS) -> CrossValidation:
    """Folds grouped by document when every outlet has >= 2 documents (one article's
    sentences never sit in both train and test), else stratified over sentences.

    With ``strata`` (one per sentence, constant within a document) whole strata are held
    out: a model that only learned the strata's vocabulary (topics, stories) cannot
    carry it to the test fold.
    """
    per_outlet = Counter(outlets)
    if len(per_outlet) < 2:
        return CrossValidation(None, False, 0, "needs at least two outlets with target "
                                               "sentences")
    if strata is not None:
        n_strata = len(set(strata))
        if n_strata >= 2:
            n_splits = min(max_folds, n_strata)
            splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
            labels = np.asarray(outlets)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                splits = list(splitter.split(np.zeros(len(labels)), labels, list(strata)))
            # Holding out strata must leave every outlet to learn from; with few strata
            # (or outlets confined to one) it cannot, and documents are held out instead.
            if all(len(set(labels[train].tolist())) == len(per_outlet) for train, _ in splits):
                return CrossValidation(splitter, True, n_splits, grouping="strata",
                                       groups=list(strata), splits=splits)
    documents: dict[str, set[Any]] = {}
    for outlet, group in zip(outlets, groups, strict=True):
        documents.setdefault(outlet, set()).add(group)
    fewest_documents = min(len(docs) for docs in documents.values())
    if fewest_documents >= 2:
        n_splits = min(max_folds, fewest_documents)
        return CrossValidation(StratifiedGroupKFold(n_splits=n_splits, shuffle=True,
                                                    random_state=seed), True, n_splits,
                               grouping="documents", groups=list(groups))
    fewest_sentences = min(per_outlet.values())
    if fewest_sentences < 2:
        return CrossValidation(None, False, 0, "an outlet has fewer than two target "
                                               "sentences")
    n_splits = min(max_folds, fewest_sentences)
    return CrossValidation(StratifiedKFold(n_splits=n_splits, shuffle=True,
                                           random_state=seed), False, n_splits,
                           grouping="sentences")


def readable_feature_names(pipeline: Pipeline) -> list[str]:
    names = pipeline.named_steps["features"].get_feature_names_out()
    readable = []
    for name in names:
        for prefix, replacement in _FEATURE_PREFIXES.items():
            if name.startswith(prefix):
                name = replacement + name[len(prefix):]
                break
        readable.append(str(name))
    return readable


MODELS: dict[str, dict[str, bool]] = {
    "combined": {"structured": True, "lemmas": True},
    "framing": {"structured": True, "lemmas": False},
    "lexical": {"structured": False, "lemmas": True},
}
"""The contrast models: the combined one reported at the top level of ``contrast_model``
(as before), and beside it a framing model on framing features only and a lexical model
on (masked) words only, so that the reader sees how much of a difference is vocabulary
(topics, stories) and how much is framing."""


def contrast_model(sentences: Sequence[TargetSentence], *, seed: int,
                   top_n: int = TOP_FEATURES, lemma_texts: Sequence[str] | None = None,
                   strata: Sequence[Any] | None = None) -> dict[str, Any]:
    """Cross-validated balanced accuracy, chance, and top features per outlet, for the
    combined model (top-level keys) and for the ``framing`` and ``lexical`` models (the
    same keys under those names).

    ``lemma_texts`` are the sentences' masked lemmas (see :mod:`.masking`); ``strata``
    (one per sentence) makes cross-validation hold out whole strata.
    """
    outlets = [s.outlet for s in sentences]
    groups = [s.document for s in sentences]
    n_outlets = len(set(outlets))
    if n_outlets < 2:
        result = _empty_result(len(sentences), n_outlets)
        result["notes"].append("The contrast model needs target sentences from at least two "
                               "outlets; it was not fitted.")
        for kind in ("framing", "lexical"):
            result[kind] = {k: v for k, v in _empty_result(len(sentences), n_outlets).items()
                            if k != "notes"}
        return result
    large = len(sentences) >= LARGE
    cv = choose_cv(outlets, groups, seed=seed, strata=strata,
                   max_folds=LARGE_FOLDS if large else MAX_FOLDS)
    X = design_matrix(sentences, lemma_texts)
    y = np.asarray(outlets)
    min_df = 5 if large else 2 if len(sentences) >= 50 else 1
    tol = 1e-3 if large else 1e-4
    # Without a single content word (constructed data, stop-word-only sentences) the
    # vectorizer would have no vocabulary; the structured features carry the model.
    has_words = any(word not in ENGLISH_STOP_WORDS
                    for row in X[:, _LEMMAS] for word in row.split())
    has_structure = any(row for row in X[:, _STRUCTURED])
    fitted: dict[str, dict[str, Any]] = {}
    for kind, families in MODELS.items():
        lemmas = families["lemmas"] and has_words
        # The combined model keeps its structured features even when all are empty: it
        # must fit on any data, as it always has.
        structured = families["structured"] and (has_structure or kind == "combined")
        if not lemmas and not structured:
            missing = "content words" if kind == "lexical" else "framing features"
            fitted[kind] = _empty_result(len(sentences), n_outlets)
            fitted[kind]["notes"].append(f"The {kind} contrast model has no features (no "
                                         f"{missing} in the target sentences); it was not "
                                         "fitted.")
            continue
        fitted[kind] = _fit(X, y, cv, seed=seed, min_df=min_df, top_n=top_n, lemmas=lemmas,
                            structured=structured, tol=tol)
    result = fitted["combined"]
    for kind in ("framing", "lexical"):
        result["notes"] += fitted[kind].pop("notes")
        result[kind] = fitted[kind]
    return result


def _empty_result(n_sentences: int, n_outlets: int) -> dict[str, Any]:
    return {
        "cv_balanced_accuracy": None,
        "cv_folds": 0,
        "cv_grouping": None,
        "chance": round(1.0 / n_outlets, 4) if n_outlets else None,
        "n_sentences": n_sentences,
        "top_features": {},
        "notes": [],
    }


def _fit(X: np.ndarray, y: np.ndarray, cv: CrossValidation, *, seed: int, min_df: int,
         top_n: int, lemmas: bool, structured: bool, tol: float = 1e-4) -> dict[str, Any]:
    result = _empty_result(len(y), len(set(y.tolist())))

    def pipeline() -> Pipeline:
        return make_pipeline(seed=seed, min_df=min_df, lemmas=lemmas, structured=structured,
                             tol=tol)

    # One BLAS/OpenMP thread: these problems are small and sparse, and idle worker
    # threads spinning on a busy machine cost more than they give (and thread counts
    # must not change the numbers a fixed seed promises).
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        # Tiny, separable data may not converge fully; the score is reported either way.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # A held-out stratum may lack an outlet; balanced accuracy then averages over the
        # outlets it has, which sklearn warns about.
        warnings.simplefilter("ignore", UserWarning)
        if cv.splitter is not None:
            scores = cross_val_score(pipeline(), X, y,
                                     groups=np.asarray(cv.groups) if cv.grouped else None,
                                     cv=cv.splits if cv.splits is not None else cv.splitter,
                                     scoring="balanced_accuracy",
                                     error_score="raise")
            result["cv_balanced_accuracy"] = round(float(np.mean(scores)), 4)
            result["cv_fold_scores"] = [round(float(s), 4) for s in scores]
            result["cv_folds"] = cv.n_splits
            result["cv_grouping"] = cv.grouping
        else:
            result["notes"].append(f"No cross-validation: {cv.reason}.")
        fitted = pipeline().fit(X, y)
    result["top_features"] = _top_features(fitted, top_n)
    return result
def _top_features(pipeline: Pipeline, top_n: int) -> dict[str, list[list[Any]]]:
    classifier: LogisticRegression = pipeline.named_steps["classifier"]
    names = readable_feature_names(pipeline)
    coefficients = classifier.coef_
    classes = [str(c) for c in classifier.classes_]
    if coefficients.shape[0] == 1:
        # Binary: one coefficient row speaks for the second class, its negation for the first.
        coefficients = np.vstack([-coefficients[0], coefficients[0]])
    top: dict[str, list[list[Any]]] = {}
    for row, outlet in zip(coefficients, classes, strict=True):
        # Ties broken by name so equal weights cannot reorder between runs.
        order = sorted(range(len(names)), key=lambda k: (-row[k], names[k]))
        top[outlet] = [[names[k], round(float(row[k]), 4)] for k in order[:top_n] if row[k] > 0]
    return top
