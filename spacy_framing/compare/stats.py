"""Divergence of the outlets' device distributions, with a permutation test.

Each outlet's device distribution is its label counts over target sentences (a sentence
counts once per label it carries), normalised to sum to one. Two outlets differ by the
Jensen–Shannon divergence of their distributions (base 2, so 0 = identical and
1 = disjoint). The permutation test asks how often outlet labels shuffled over the
resampling units (documents, or sentences when an outlet has fewer than two documents)
give a mean pairwise divergence at least as large as the observed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from math import log

import numpy as np

_LN2 = log(2.0)


def js_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen–Shannon divergence (base 2) of count vectors along the last axis.

    Inputs are counts (normalised here); rows whose counts sum to zero have no
    distribution and give NaN.
    """
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    p_sum = p.sum(axis=-1, keepdims=True)
    q_sum = q.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_norm = p / p_sum
        q_norm = q / q_sum
        mid = (p_norm + q_norm) / 2.0
        value = 0.5 * (_relative_entropy(p_norm, mid) + _relative_entropy(q_norm, mid)) / _LN2
    undefined = (p_sum[..., 0] == 0) | (q_sum[..., 0] == 0)
    value = np.clip(value, 0.0, 1.0)
    return np.where(undefined, np.nan, value)


def _relative_entropy(p: np.ndarray, m: np.ndarray) -> np.ndarray:
    """sum p log(p/m) along the last axis, with 0 log 0 = 0 (m > 0 wherever p > 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0) / np.where(m > 0, m, 1.0)),
                         0.0)
    return terms.sum(axis=-1)


def pairwise_js(outlet_counts: np.ndarray) -> np.ndarray:
    """outlets x outlets matrix of JS divergences (NaN where an outlet has no devices)."""
    k = outlet_counts.shape[0]
    matrix = np.zeros((k, k))
    for i, j in combinations(range(k), 2):
        matrix[i, j] = matrix[j, i] = js_divergence(outlet_counts[i], outlet_counts[j])
    for i in range(k):
        if outlet_counts[i].sum() == 0:
            matrix[i, i] = np.nan
    return matrix


@dataclass
class PermutationResult:
    matrix: np.ndarray
    """Observed pairwise JS divergences."""
    statistic: float
    """Mean of the defined pairwise divergences (NaN when none is defined)."""
    p_value: float | None
    pair_p_values: np.ndarray
    n_permutations: int
    unit: str


def permutation_test(
    unit_counts: np.ndarray,
    unit_outlets: Sequence[int] | np.ndarray,
    n_outlets: int,
    *,
    n_permutations: int,
    rng: np.random.Generator,
    unit: str = "sentences",
) -> PermutationResult:
    """Permutation test of the outlets' device distributions.

    ``unit_counts`` is units x labels, ``unit_outlets`` the outlet index of each unit.
    Outlet labels are shuffled over units (group sizes kept) ``n_permutations`` times;
    p = (1 + #{permuted statistic >= observed}) / (1 + n_permutations).
    """
    unit_counts = np.asarray(unit_counts, dtype=float)
    labels = np.asarray(unit_outlets, dtype=np.int64)
    observed = _outlet_sums(unit_counts, labels[None, :], n_outlets)[0]
    matrix = pairwise_js(observed)
    pairs = list(combinations(range(n_outlets), 2))
    observed_pairs = np.array([matrix[i, j] for i, j in pairs]) if pairs else np.zeros(0)
    statistic = float(np.nanmean(observed_pairs)) if np.isfinite(observed_pairs).any() \
        else float("nan")
    pair_p = np.full((n_outlets, n_outlets), np.nan)
    if not pairs or not np.isfinite(statistic) or n_permutations <= 0 or len(labels) < 2:
        return PermutationResult(matrix, statistic, None, pair_p, 0, unit)

    exceed = 0
    pair_exceed = np.zeros(len(pairs))
    pair_defined = np.zeros(len(pairs))
    # Chunks bound memory at roughly chunk x units x outlets numbers.
    chunk = max(1, min(n_permutations, 200_000 // max(1, len(labels))))
    done = 0
    tolerance = 1e-12
    while done < n_permutations:
        size = min(chunk, n_permutations - done)
        permuted = rng.permuted(np.tile(labels, (size, 1)), axis=1)
        sums = _outlet_sums(unit_counts, permuted, n_outlets)  # size x outlets x labels
        values = np.stack([js_divergence(sums[:, i], sums[:, j]) for i, j in pairs], axis=1)
        finite = np.isfinite(values)
        defined = finite.sum(axis=1)
        # Mean over the pairs defined in this permutation; none defined counts as below.
        means = np.where(defined > 0,
                         np.where(finite, values, 0.0).sum(axis=1) / np.maximum(defined, 1),
                         -1.0)
        exceed += int(np.sum(means >= statistic - tolerance))
        pair_defined += finite.sum(axis=0)
        pair_exceed += np.sum(finite & (np.nan_to_num(values, nan=-1.0)
                                        >= observed_pairs[None, :] - tolerance), axis=0)
        done += size
    p_value = (1 + exceed) / (1 + n_permutations)
    for index, (i, j) in enumerate(pairs):
        if np.isfinite(observed_pairs[index]):
            pair_p[i, j] = pair_p[j, i] = (1 + pair_exceed[index]) / (1 + pair_defined[index])
    return PermutationResult(matrix, statistic, p_value, pair_p, n_permutations, unit)


def _outlet_sums(unit_counts: np.ndarray, labels: np.ndarray, n_outlets: int) -> np.ndarray:
    """For each row of outlet assignments: outlets x labels sums of unit counts."""
    onehot = (labels[:, None, :] == np.arange(n_outlets)[None, :, None]).astype(float)
    return onehot @ unit_counts
