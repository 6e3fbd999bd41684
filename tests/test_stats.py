"""Statistics of `framing compare` on constructed data where the right answer is known:
Jensen–Shannon divergence and its permutation test, bootstrap intervals, grouped
cross-validation and the contrast model."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from spacy_framing.compare.contrast import choose_cv, contrast_model, design_matrix
from spacy_framing.compare.profiles import TargetSentence, bootstrap_share_ci
from spacy_framing.compare.stats import js_divergence, pairwise_js, permutation_test

# --- Jensen–Shannon divergence -------------------------------------------------------


def test_js_identical_distributions_is_zero() -> None:
    assert js_divergence(np.array([3, 1, 0, 2]), np.array([6, 2, 0, 4])) == pytest.approx(0.0)


def test_js_disjoint_distributions_is_one() -> None:
    assert js_divergence(np.array([5, 0, 0]), np.array([0, 2, 7])) == pytest.approx(1.0)


def test_js_is_symmetric_and_between_zero_and_one() -> None:
    p, q = np.array([4, 1, 1, 0]), np.array([1, 1, 2, 5])
    value = js_divergence(p, q)
    assert 0.0 < value < 1.0
    assert value == pytest.approx(js_divergence(q, p))


def test_js_of_an_empty_distribution_is_undefined() -> None:
    assert np.isnan(js_divergence(np.array([0, 0]), np.array([1, 2])))


def test_pairwise_matrix() -> None:
    matrix = pairwise_js(np.array([[1, 0], [0, 1], [1, 0]]))
    assert matrix.shape == (3, 3)
    assert matrix[0, 1] == pytest.approx(1.0)
    assert matrix[0, 2] == pytest.approx(0.0)
    assert np.allclose(matrix, matrix.T)


# --- permutation test ----------------------------------------------------------------


def _units(rows_per_outlet: list[list[list[int]]]) -> tuple[np.ndarray, list[int]]:
    rows, owners = [], []
    for outlet, rows_of_outlet in enumerate(rows_per_outlet):
        rows += rows_of_outlet
        owners += [outlet] * len(rows_of_outlet)
    return np.array(rows), owners


def test_permutation_identical_outlets_gives_large_p() -> None:
    same = [[2, 1, 0], [1, 1, 1], [0, 2, 1], [3, 0, 0], [1, 0, 2]]
    counts, owners = _units([same, same])
    result = permutation_test(counts, owners, 2, n_permutations=300,
                              rng=np.random.default_rng(0), unit="documents")
    assert result.statistic == pytest.approx(0.0, abs=1e-9)
    assert result.p_value is not None and result.p_value > 0.5


def test_permutation_disjoint_outlets_gives_js_one_and_small_p() -> None:
    first = [[1, 0, 0, 0]] * 6 + [[0, 1, 0, 0]] * 6
    second = [[0, 0, 1, 0]] * 6 + [[0, 0, 0, 1]] * 6
    counts, owners = _units([first, second])
    result = permutation_test(counts, owners, 2, n_permutations=999,
                              rng=np.random.default_rng(1))
    assert result.matrix[0, 1] == pytest.approx(1.0)
    assert result.p_value is not None and result.p_value <= 0.01
    assert result.pair_p_values[0, 1] == pytest.approx(result.p_value)


def test_permutation_three_outlets_pairwise() -> None:
    a = [[1, 0]] * 8
    b = [[1, 0]] * 8
    c = [[0, 1]] * 8
    counts, owners = _units([a, b, c])
    result = permutation_test(counts, owners, 3, n_permutations=500,
                              rng=np.random.default_rng(2))
    assert result.matrix[0, 1] == pytest.approx(0.0)
    assert result.matrix[0, 2] == pytest.approx(1.0)
    assert result.pair_p_values[0, 2] < 0.05
    assert result.pair_p_values[0, 1] > 0.5


def test_permutation_is_reproducible_with_a_seed() -> None:
    rng = np.random.default_rng(5)
    counts = rng.integers(0, 3, size=(30, 4))
    owners = [0] * 15 + [1] * 15
    first = permutation_test(counts, owners, 2, n_permutations=200,
                             rng=np.random.default_rng(9))
    second = permutation_test(counts, owners, 2, n_permutations=200,
                              rng=np.random.default_rng(9))
    assert first.p_value == second.p_value


def test_permutation_without_devices_has_no_p_value() -> None:
    counts, owners = _units([[[0, 0]] * 3, [[1, 0]] * 3])
    result = permutation_test(counts, owners, 2, n_permutations=50,
                              rng=np.random.default_rng(0))
    assert result.p_value is None
    assert np.isnan(result.matrix[0, 1])


# --- bootstrap -----------------------------------------------------------------------


def test_bootstrap_ci_covers_the_true_share_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(42)
    true_share, n_sentences, trials = 0.3, 80, 200
    covered = 0
    for _ in range(trials):
        hits = (rng.random(n_sentences) < true_share).astype(np.int64)[:, None]
        ci = bootstrap_share_ci(hits, np.ones(n_sentences, dtype=np.int64),
                                n_resamples=400, rng=rng)
        covered += ci[0, 0] <= true_share <= ci[0, 1]
    assert 0.88 <= covered / trials <= 0.99


def test_bootstrap_over_documents_covers_the_true_share() -> None:
    # Documents of varying length whose sentences share the same rate.
    rng = np.random.default_rng(7)
    true_share, trials, covered = 0.25, 150, 0
    for _ in range(trials):
        sizes = rng.integers(5, 20, size=12)
        hits = np.array([[rng.binomial(size, true_share)] for size in sizes])
        ci = bootstrap_share_ci(hits, sizes, n_resamples=400, rng=rng)
        covered += ci[0, 0] <= true_share <= ci[0, 1]
    assert covered / trials >= 0.85


def test_bootstrap_ci_narrows_with_more_data_and_contains_the_estimate() -> None:
    rng = np.random.default_rng(3)
    widths = []
    for n in (20, 2000):
        hits = np.array([[1]] * (n // 2) + [[0]] * (n // 2))
        ci = bootstrap_share_ci(hits, np.ones(n, dtype=np.int64), n_resamples=500, rng=rng)
        assert ci[0, 0] <= 0.5 <= ci[0, 1]
        widths.append(ci[0, 1] - ci[0, 0])
    assert widths[1] < widths[0] / 4


def test_bootstrap_of_no_data_is_zero() -> None:
    ci = bootstrap_share_ci(np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64),
                            n_resamples=10, rng=np.random.default_rng(0))
    assert ci.shape == (3, 2) and not ci.any()


def test_bootstrap_needs_at_least_one_resample() -> None:
    with pytest.raises(ValueError):
        bootstrap_share_ci(np.ones((3, 1), dtype=np.int64), np.ones(3, dtype=np.int64),
                           n_resamples=0, rng=np.random.default_rng(0))


# --- grouped cross-validation and the contrast model ---------------------------------


def _sentence(outlet: str, document: int, *, devices: tuple[str, ...] = (),
              lemmas: tuple[str, ...] = ("word",), role: str = "other",
              source: str | None = None) -> TargetSentence:
    sources = [{"type": source, "actor": None, "content_sentences": []}] if source else []
    return TargetSentence(
        outlet=outlet, document=document, doc_id=f"{outlet}-{document}",
        fact={"index": 0, "lemmas": list(lemmas), "uncertain": False, "n_tokens": 5},
        devices=Counter(devices), device_spans=[], hedge_spans=[], sources=sources, role=role,
    )


def test_grouped_cv_never_splits_a_document() -> None:
    outlets = ["A"] * 30 + ["B"] * 30
    groups = [i // 5 for i in range(60)]  # six documents per outlet, five sentences each
    cv = choose_cv(outlets, groups, seed=0)
    assert cv.grouped and cv.n_splits == 5
    X = np.zeros((60, 1))
    for train, test in cv.splitter.split(X, outlets, groups):
        assert not {groups[i] for i in train} & {groups[i] for i in test}
        assert {outlets[i] for i in test} == {"A", "B"}


def test_cv_falls_back_to_sentences_with_one_document_per_outlet() -> None:
    cv = choose_cv(["A"] * 6 + ["B"] * 4, [0] * 6 + [1] * 4, seed=0)
    assert not cv.grouped and cv.n_splits == 4


def test_cv_impossible_with_one_sentence_or_one_outlet() -> None:
    assert choose_cv(["A", "A", "B"], [0, 0, 1], seed=0).splitter is None
    assert choose_cv(["A", "A"], [0, 1], seed=0).splitter is None


def test_contrast_model_separates_outlets_by_their_devices() -> None:
    sentences = []
    for document in range(6):
        for k in range(5):
            sentences.append(_sentence("A", document, devices=("DILEMMA",),
                                       lemmas=("china", "face", f"a{k}"), source="expert"))
            sentences.append(_sentence("B", 100 + document, devices=("STABILITY",),
                                       lemmas=("china", "urge", f"b{k}"), source="official"))
    result = contrast_model(sentences, seed=0)
    assert result["cv_grouping"] == "documents"
    assert result["cv_balanced_accuracy"] >= 0.95
    assert result["chance"] == 0.5
    names_a = [name for name, _ in result["top_features"]["A"]]
    names_b = [name for name, _ in result["top_features"]["B"]]
    assert "device:DILEMMA" in names_a and "device:STABILITY" in names_b
    assert "source:expert" in names_a and "source:official" in names_b
    assert all(weight > 0 for _, weight in result["top_features"]["A"])


def test_contrast_model_is_near_chance_on_indistinguishable_outlets() -> None:
    rng = np.random.default_rng(0)
    labels = ["DILEMMA", "STABILITY", "LEGALITY"]
    sentences = [
        _sentence(outlet, document + (100 if outlet == "B" else 0),
                  devices=(labels[rng.integers(3)],), lemmas=("china", "say"))
        for outlet in ("A", "B") for document in range(6) for _ in range(6)
    ]
    result = contrast_model(sentences, seed=1)
    assert result["cv_balanced_accuracy"] < 0.75


def test_contrast_model_is_deterministic() -> None:
    sentences = [_sentence("A" if i % 2 else "B", i % 7, devices=("DILEMMA",) if i % 3 else (),
                           lemmas=("x", f"w{i % 4}")) for i in range(40)]
    assert contrast_model(sentences, seed=3) == contrast_model(sentences, seed=3)


def test_design_matrix_names_features_readably() -> None:
    row = design_matrix([_sentence("A", 0, devices=("EMOTION",), source="expert",
                                   role="affected")])[0]
    assert row[0] == {"device:EMOTION": 1.0, "source:expert": 1.0, "agency:affected": 1.0}
    assert row[1] == "word"

