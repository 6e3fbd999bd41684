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


def design_matrix(sentences: Sequence[TargetSentence]) -> np.ndarray:
    """Rows of (structured feature dict, lemma string): the input of the pipeline."""
    rows = np.empty((len(sentences), 2), dtype=object)
    for i, sentence in enumerate(sentences):
        rows[i, _STRUCTURED] = sentence_features(sentence)
        rows[i, _LEMMAS] = " ".join(lemma for lemma in sentence.fact.get("lemmas") or ()
                                    if _content_lemma(lemma))
    return rows


def make_pipeline(*, seed: int, min_df: int = 1, lemmas: bool = True) -> Pipeline:
    """Feature extraction + multinomial logistic regression (balanced class weights, so
    an outlet with more sentences does not win by size)."""
    transformers: list[tuple[str, Any, int]] = [("structured", DictVectorizer(), _STRUCTURED)]
    if lemmas:
        transformers.append(
            ("lemmas", CountVectorizer(tokenizer=str.split, token_pattern=None,
                                       lowercase=False, stop_words="english",
                                       ngram_range=(1, 2), min_df=min_df, binary=True),
             _LEMMAS))
    features = ColumnTransformer(transformers)
    classifier = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000,
                                    random_state=seed)
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass
class CrossValidation:
    splitter: BaseCrossValidator | None
    grouped: bool
    n_splits: int
    reason: str | None = None


def choose_cv(outlets: Sequence[str], groups: Sequence[Any], *, seed: int) -> CrossValidation:
    """Folds grouped by document when every outlet has >= 2 documents (one article's
    sentences never sit in both train and test), else stratified over sentences."""
    per_outlet = Counter(outlets)
    if len(per_outlet) < 2:
        return CrossValidation(None, False, 0, "needs at least two outlets with target "
                                               "sentences")
    documents: dict[str, set[Any]] = {}
    for outlet, group in zip(outlets, groups, strict=True):
        documents.setdefault(outlet, set()).add(group)
    fewest_documents = min(len(docs) for docs in documents.values())
    if fewest_documents >= 2:
        n_splits = min(MAX_FOLDS, fewest_documents)
        return CrossValidation(StratifiedGroupKFold(n_splits=n_splits, shuffle=True,
                                                    random_state=seed), True, n_splits)
    fewest_sentences = min(per_outlet.values())
    if fewest_sentences < 2:
        return CrossValidation(None, False, 0, "an outlet has fewer than two target "
                                               "sentences")
    n_splits = min(MAX_FOLDS, fewest_sentences)
    return CrossValidation(StratifiedKFold(n_splits=n_splits, shuffle=True,
                                           random_state=seed), False, n_splits)


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


def contrast_model(sentences: Sequence[TargetSentence], *, seed: int,
                   top_n: int = TOP_FEATURES) -> dict[str, Any]:
    """Cross-validated balanced accuracy, chance, and top features per outlet."""
    outlets = [s.outlet for s in sentences]
    groups = [s.document for s in sentences]
    n_outlets = len(set(outlets))
    result: dict[str, Any] = {
        "cv_balanced_accuracy": None,
        "cv_folds": 0,
        "cv_grouping": None,
        "chance": round(1.0 / n_outlets, 4) if n_outlets else None,
        "n_sentences": len(sentences),
        "top_features": {},
        "notes": [],
    }
    if n_outlets < 2:
        result["notes"].append("The contrast model needs target sentences from at least two "
                               "outlets; it was not fitted.")
        return result
    cv = choose_cv(outlets, groups, seed=seed)
    X = design_matrix(sentences)
    y = np.asarray(outlets)
    min_df = 2 if len(sentences) >= 50 else 1
    # Without a single content word (constructed data, stop-word-only sentences) the
    # vectorizer would have no vocabulary; the structured features carry the model.
    lemmas = any(word not in ENGLISH_STOP_WORDS for row in X[:, _LEMMAS] for word in row.split())
    # One BLAS/OpenMP thread: these problems are small and sparse, and idle worker
    # threads spinning on a busy machine cost more than they give (and thread counts
    # must not change the numbers a fixed seed promises).
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        # Tiny, separable data may not converge fully; the score is reported either way.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if cv.splitter is not None:
            scores = cross_val_score(make_pipeline(seed=seed, min_df=min_df, lemmas=lemmas), X, y,
                                     groups=np.asarray(groups) if cv.grouped else None,
                                     cv=cv.splitter, scoring="balanced_accuracy",
                                     error_score="raise")
            result["cv_balanced_accuracy"] = round(float(np.mean(scores)), 4)
            result["cv_fold_scores"] = [round(float(s), 4) for s in scores]
            result["cv_folds"] = cv.n_splits
            result["cv_grouping"] = "documents" if cv.grouped else "sentences"
        else:
            result["notes"].append(f"No cross-validation: {cv.reason}.")
        pipeline = make_pipeline(seed=seed, min_df=min_df, lemmas=lemmas).fit(X, y)
    result["top_features"] = _top_features(pipeline, top_n)
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
