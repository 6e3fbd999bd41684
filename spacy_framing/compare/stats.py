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
from typing import Any

import numpy as np
from scipy.special import xlogy

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
    strata: Sequence[Any] | None = None,
) -> PermutationResult:
    """Permutation test of the outlets' device distributions.

    ``unit_counts`` is units x labels, ``unit_outlets`` the outlet index of each unit.
    Outlet labels are shuffled over units (group sizes kept) ``n_permutations`` times;
    p = (1 + #{permuted statistic >= observed}) / (1 + n_permutations). With ``strata``
    (one per unit) labels are shuffled within strata only: the null hypothesis is then
    that outlets do not differ *within* a stratum, so a difference that comes only from
    outlets covering different strata (topics) is not significant.
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
    # Chunks bound memory at roughly chunk x units numbers; the divergences of a chunk are
    # evaluated in slices of at most ~1M pair x label numbers (150 outlets make 11,175
    # pairs).
    chunk = max(1, min(n_permutations, 200_000 // max(1, len(labels))))
    per_slice = max(1, 1_000_000 // max(1, len(pairs) * unit_counts.shape[1]))
    first, second = np.array(pairs, dtype=np.int64).T
    done = 0
    tolerance = 1e-12
    while done < n_permutations:
        size = min(chunk, n_permutations - done)
        permuted = permuted_assignments(labels, size, rng=rng, strata=strata)
        for start in range(0, size, per_slice):
            sums = _outlet_sums(unit_counts, permuted[start:start + per_slice], n_outlets)
            values = _pair_divergences(sums, first, second)  # slice x pairs
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


def _pair_divergences(sums: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """JS divergences (base 2) of the outlet pairs (``first``, ``second``) for each row of
    ``sums`` (rows x outlets x labels), as in :func:`js_divergence` but with each outlet's
    entropy computed once rather than once per pair: JS = H(M) - (H(P) + H(Q)) / 2."""
    totals = sums.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = sums / totals[..., None]
    shares = np.nan_to_num(shares, nan=0.0)
    negative_entropy = xlogy(shares, shares).sum(axis=-1)  # rows x outlets
    middle = (shares[:, first] + shares[:, second]) / 2.0
    value = (0.5 * (negative_entropy[:, first] + negative_entropy[:, second])
             - xlogy(middle, middle).sum(axis=-1)) / _LN2
    undefined = (totals[:, first] == 0) | (totals[:, second] == 0)
    return np.where(undefined, np.nan, np.clip(value, 0.0, 1.0))


def permuted_assignments(labels: np.ndarray, size: int, *, rng: np.random.Generator,
                         strata: Sequence[Any] | None = None) -> np.ndarray:
    """``size`` shuffles of ``labels`` (size x units), within ``strata`` when given."""
    labels = np.asarray(labels)
    if strata is None:
        return rng.permuted(np.tile(labels, (size, 1)), axis=1)
    # Units ordered by stratum; a random key in [0, 1) added to each unit's stratum code
    # sorts every row within the strata blocks only: one argsort shuffles all strata.
    _, codes = np.unique(np.asarray([str(s) for s in strata]), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    keys = codes[order][None, :] + rng.random((size, len(order)))
    shuffled = np.take_along_axis(np.tile(order, (size, 1)), np.argsort(keys, axis=1), axis=1)
    permuted = np.empty((size, len(order)), dtype=labels.dtype)
    permuted[:, order] = labels[shuffled]
    return permuted


def between_group_statistic(hits: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Per label, how far the groups' shares spread: sum_g T_g (p_g - p)^2 with
    p_g = H_g / T_g (the numerator of Pearson's chi-square for a groups x {hit, no hit}
    table). ``hits`` is (... x groups x labels), ``totals`` (... x groups)."""
    totals = np.asarray(totals, dtype=float)
    hits = np.asarray(hits, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.where(totals[..., None] > 0,
                          hits ** 2 / np.maximum(totals[..., None], 1e-12), 0.0).sum(axis=-2)
        overall = hits.sum(axis=-2) ** 2 / np.maximum(totals.sum(axis=-1)[..., None], 1e-12)
    return within - overall


def label_tests(
    unit_hits: np.ndarray,
    unit_totals: np.ndarray,
    unit_groups: Sequence[int] | np.ndarray,
    n_groups: int,
    *,
    n_permutations: int,
    rng: np.random.Generator,
    strata: Sequence[Any] | None = None,
) -> np.ndarray | None:
    """Per-label permutation p-values of "the groups' shares of this label differ".

    ``unit_hits`` is units x labels (target sentences carrying the label), ``unit_totals``
    the target sentences per unit, ``unit_groups`` each unit's group. Groups are shuffled
    over units (within ``strata`` when given). None without permutations or groups.
    """
    groups = np.asarray(unit_groups, dtype=np.int64)
    hits = np.asarray(unit_hits, dtype=float)
    totals = np.asarray(unit_totals, dtype=float)
    if n_permutations <= 0 or len(groups) < 2 or len(set(groups.tolist())) < 2:
        return None
    observed = between_group_statistic(*_group_sums(hits, totals, groups[None, :], n_groups))
    exceed = np.zeros(hits.shape[1])
    chunk = max(1, min(n_permutations, 200_000 // max(1, len(groups))))
    done = 0
    while done < n_permutations:
        size = min(chunk, n_permutations - done)
        permuted = permuted_assignments(groups, size, rng=rng, strata=strata)
        values = between_group_statistic(*_group_sums(hits, totals, permuted, n_groups))
        exceed += np.sum(values >= observed - 1e-9, axis=0)
        done += size
    return (1 + exceed) / (1 + n_permutations)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error) of ``p_values``, in their order."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def _group_sums(hits: np.ndarray, totals: np.ndarray, assignments: np.ndarray,
                n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    return (_outlet_sums(hits, assignments, n_groups),
            _outlet_sums(totals[:, None], assignments, n_groups)[..., 0])


def _outlet_sums(unit_counts: np.ndarray, labels: np.ndarray, n_outlets: int) -> np.ndarray:
    """For each row of outlet assignments: outlets x labels sums of unit counts."""
    # One bincount per label over (row, outlet) cells: linear in rows x units, where a
    # one-hot product would also grow with the number of outlets.
    size, n_units = labels.shape
    cells = (labels + n_outlets * np.arange(size)[:, None]).ravel()
    sums = np.empty((size * n_outlets, unit_counts.shape[1]))
    for j in range(unit_counts.shape[1]):
        weights = np.broadcast_to(unit_counts[:, j].astype(float), (size, n_units)).ravel()
        sums[:, j] = np.bincount(cells, weights=weights, minlength=size * n_outlets)
    return sums.reshape(size, n_outlets, unit_counts.shape[1])
