"""Three to six plain-language sentences built from a comparison's numbers.

Templates only (no network, no language model): every claim quotes the figure from the
report that backs it, and the last sentence warns when the data are too few.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .profiles import MIN_TARGET_SENTENCES, NO_ACTOR

SIGNIFICANCE = 0.05
_MAX_DEVICES = 3
MAX_GROUPS = 4
"""With more groups than this (``--by date``, many outlets), the summary names the largest
differences and the groups with the most target sentences, not every group."""
_MAX_DIFFERENCES = 3


def summarise(result: Mapping[str, Any]) -> list[str]:
    """Summary sentences for a comparison dict (``Comparison.to_dict()`` shape).

    result (Mapping[str, Any]): The comparison, optionally with ``stratification`` and
        ``trend_changes``.
    RETURNS (list[str]): Three to six sentences (up to eight with a stratification and a
        trend), each quoting the figures that back it.
    """
    target = result["target"]
    outlets = list(result["outlets"])
    present = [o for o in outlets if o["target_sentences"] > 0]
    if not present:
        names = _join([o["name"] for o in outlets]) or "the inputs"
        return [f"{target} is not mentioned in {names}: there is nothing to compare "
                f"(0 target sentences).",
                "Check the target's spelling, or add the aliases the articles use with "
                "--alias."]
    many = len(present) > MAX_GROUPS
    largest = sorted(present, key=lambda o: -o["target_sentences"])[:MAX_GROUPS]
    shown = [o for o in present if o in largest] if many else present
    sentences = [
        _differences_sentence(target, present) if many else _devices_sentence(target, present),
        _hedging_sentence(target, shown),
        _voices_sentence(target, shown),
    ]
    if many:
        sentences[1] = (f"Of {len(present)} groups, the {len(shown)} with the most {target} "
                        "sentences: " + sentences[1])
    agency = _agency_sentence(target, shown)
    if agency:
        sentences.append(agency)
    contrast = _contrast_sentence(target, result, len(present))
    if contrast:
        sentences.append(contrast)
    elif len(outlets) == 1:
        sentences.append(f"Only one outlet ({outlets[0]['name']}) was given, so nothing is "
                         "compared across outlets.")
    extras = [sentence for sentence in (_stratification_sentence(result),
                                        _trend_sentence(result)) if sentence]
    sentences += extras
    limit = 6 + len(extras)
    caution = _caution_sentence(target, outlets)
    if caution:
        # The warning must survive the sentence limit: it replaces the agency line.
        if len(sentences) >= limit and agency:
            sentences.remove(agency)
        sentences.append(caution)
    return sentences[:limit]


def _differences_sentence(target: str, outlets: Sequence[Mapping[str, Any]]) -> str:
    """The devices whose shares differ most between groups (groups with enough target
    sentences only, so that one sentence in a tiny group is not the largest difference)."""
    solid = [o for o in outlets if o["target_sentences"] >= MIN_TARGET_SENTENCES] or outlets
    spreads = []
    for label in solid[0]["devices"]:
        low = min(solid, key=lambda o: o["devices"][label]["share"])
        high = max(solid, key=lambda o: o["devices"][label]["share"])
        spread = high["devices"][label]["share"] - low["devices"][label]["share"]
        if spread > 0:
            spreads.append((spread, label, low, high))
    spreads.sort(key=lambda item: -item[0])
    if not spreads:
        return (f"None of the {len(outlets)} groups uses a framing device in its {target} "
                "sentences.")
    parts = [f"{label} from {_pct(low['devices'][label]['share'])} in {low['name']} to "
             f"{_pct(high['devices'][label]['share'])} in {high['name']}"
             for _, label, low, high in spreads[:_MAX_DIFFERENCES]]
    return (f"Across {len(outlets)} groups ({len(solid)} with at least "
            f"{MIN_TARGET_SENTENCES} {target} sentences), the largest differences are "
            f"{_join(parts, 'and')}.")


def _stratification_sentence(result: Mapping[str, Any]) -> str | None:
    stratification = result.get("stratification")
    if not stratification:
        return None
    field = stratification["field"]
    labels = stratification.get("labels") or {}
    survives = [label for label, v in labels.items() if v["verdict"] == "survives"]
    explained = [label for label, v in labels.items() if v["verdict"] == "explained by strata"]
    within = [label for label, v in labels.items() if v["verdict"] == "within strata only"]
    overall = stratification.get("divergence_p_value_unstratified")
    stratified = stratification.get("divergence_p_value")
    head = (f"Within {field} ({stratification['informative_strata']} of "
            f"{stratification['strata']} strata hold several groups)")
    if overall is not None and stratified is not None:
        verdict = "survives" if stratified < SIGNIFICANCE else (
            "does not survive" if overall < SIGNIFICANCE else "is not significant either way")
        head += (f", the overall difference {verdict} (permutation p = {overall:.3f} "
                 f"overall, {stratified:.3f} within {field})")
    parts = []
    if survives:
        parts.append(f"{_join(survives)} differ{'s' if len(survives) == 1 else ''} "
                     f"beyond {field}")
    if explained:
        parts.append(f"{_join(explained)} differ{'s' if len(explained) == 1 else ''} only "
                     f"as the {field} mix differs (not within {field})")
    if within:
        parts.append(f"{_join(within)} differ{'s' if len(within) == 1 else ''} only "
                     f"within {field}")
    if not parts and labels:
        parts.append("no single device differs between groups (Holm-adjusted p ≥ 0.05 "
                     "either way)")
    return head + ("; " + "; ".join(parts) if parts else "") + "."


def _trend_sentence(result: Mapping[str, Any]) -> str | None:
    changes = result.get("trend_changes")
    if changes is None:
        return None
    period = (result.get("settings") or {}).get("period") or "period"
    found = sorted((c for c in changes if c["p_value"] < SIGNIFICANCE),
                   key=lambda c: (c["p_value"], c["group"], c["label"]))
    if not found:
        tested = len({c["group"] for c in changes})
        return (f"By {period}, no device share changes detectably in any of the {tested} "
                "groups with target sentences in two or more periods (Holm-adjusted "
                "permutation tests).")
    parts = [f"{c['label']} in {c['group']} (from {_pct(c['lowest']['share'])} in "
             f"{c['lowest']['period']} to {_pct(c['highest']['share'])} in "
             f"{c['highest']['period']}, p = {c['p_value']:.3f})"
             for c in found[:_MAX_DIFFERENCES]]
    more = f", and {len(found) - _MAX_DIFFERENCES} more" if len(found) > _MAX_DIFFERENCES \
        else ""
    return f"By {period}, device shares change over time: {_join(parts)}{more}."


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def _join(items: Sequence[str], conjunction: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _devices_sentence(target: str, outlets: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for outlet in outlets:
        n = outlet["target_sentences"]
        ranked = sorted(
            ((label, stats) for label, stats in outlet["devices"].items() if stats["count"]),
            key=lambda item: -item[1]["count"],  # stable: codebook order breaks ties
        )[:_MAX_DEVICES]
        if not ranked:
            parts.append(f"{outlet['name']} uses no framing device in its {n} {target} "
                         f"sentence{'' if n == 1 else 's'}")
            continue
        listed = [f"{label} ({stats['count']} of {n}, {_pct(stats['share'])})"
                  for label, stats in ranked]
        parts.append(f"{outlet['name']} leans on {_join(listed)}")
    return f"For {target}, " + "; ".join(parts) + "."


def _hedging_sentence(target: str, outlets: Sequence[Mapping[str, Any]]) -> str:
    ranked = sorted(outlets, key=lambda o: (-o["uncertain_share"], -o["hedge_density"]))
    first = ranked[0]
    lead = (f"{first['name']} is the most hedged about {target}: "
            f"{_pct(first['uncertain_share'])} of its {target} sentences are uncertain "
            f"({first['hedge_density']:.1f} hedges and {first['booster_density']:.1f} "
            "boosters per 100 tokens)")
    if len(ranked) == 1:
        lead = (f"{first['name']} marks {_pct(first['uncertain_share'])} of its {target} "
                f"sentences as uncertain ({first['hedge_density']:.1f} hedges and "
                f"{first['booster_density']:.1f} boosters per 100 tokens)")
        return lead + "."
    others = [f"{_pct(o['uncertain_share'])} in {o['name']} ({o['hedge_density']:.1f} "
              "hedges per 100 tokens)" for o in ranked[1:]]
    return f"{lead}, against {_join(others)}."


def _voices_sentence(target: str, outlets: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for outlet in outlets:
        total = sum(outlet["sources"].values())
        if not total:
            parts.append(f"{outlet['name']} quotes no source in its {target} sentences")
            continue
        types = sorted(((t, n) for t, n in outlet["sources"].items() if n),
                       key=lambda item: -item[1])[:2]
        listed = _join([f"{kind} ({n})" for kind, n in types])
        tied = [(a, n) for a, n in outlet["source_actors"].items() if a != NO_ACTOR]
        tied_total = sum(n for _, n in tied)
        listed_actors = _join([f"{a} ({n})" for a, n in tied[:2]])
        if not tied:
            whose = ""
        elif 2 * tied_total > total:
            whose = f", mainly from {listed_actors}"
        else:
            # Most voices belong to no identifiable actor: "mainly from" would overstate.
            whose = f", only {tied_total} of them speaking for an actor: {listed_actors}"
        parts.append(f"{outlet['name']} quotes {total} sources, mostly {listed}{whose}")
    return f"On {target}, " + "; ".join(parts) + "."


def _agency_sentence(target: str, outlets: Sequence[Mapping[str, Any]]) -> str | None:
    shares = [(o["name"], o["agency"]["agent"] / o["target_sentences"],
               o["agency"]["affected"] / o["target_sentences"]) for o in outlets]
    if not shares:
        return None
    name, agent, affected = shares[0]
    sentence = (f"{target} is the grammatical agent in {_pct(agent)} and the affected party "
                f"in {_pct(affected)} of {name}'s {target} sentences")
    others = [f"{_pct(a)} and {_pct(b)} in {n}" for n, a, b in shares[1:]]
    if others:
        sentence += f", against {_join(others)}"
    return sentence + "."


def _contrast_sentence(target: str, result: Mapping[str, Any], n_present: int) -> str | None:
    if n_present < 2:
        return None
    divergence = result.get("divergence") or {}
    model = result.get("contrast_model") or {}
    statistic = divergence.get("statistic")
    p_value = divergence.get("p_value")
    pieces = []
    if statistic is not None and p_value is not None:
        verdict = ("differ" if p_value < SIGNIFICANCE
                   else "do not differ detectably")
        pieces.append(f"the outlets' device profiles for {target} {verdict} (mean "
                      f"Jensen–Shannon divergence {statistic:.2f}, permutation p = "
                      f"{p_value:.3f})")
    accuracy = model.get("cv_balanced_accuracy")
    if accuracy is not None:
        piece = (f"a classifier names the outlet of a {target} sentence with balanced "
                 f"accuracy {accuracy:.2f} against {model['chance']:.2f} by chance")
        framing = (model.get("framing") or {}).get("cv_balanced_accuracy")
        lexical = (model.get("lexical") or {}).get("cv_balanced_accuracy")
        if framing is not None and lexical is not None:
            piece += (f" ({framing:.2f} from framing features alone, {lexical:.2f} from "
                      "words alone, outlet names masked)")
        pieces.append(piece)
    if not pieces:
        return None
    sentence = " and ".join(pieces)
    return sentence[0].upper() + sentence[1:] + "."


def _caution_sentence(target: str, outlets: Sequence[Mapping[str, Any]]) -> str | None:
    thin = [o for o in outlets if o["target_sentences"] < MIN_TARGET_SENTENCES]
    if not thin:
        return None
    listed = _join([f"{o['name']} ({o['target_sentences']})" for o in thin])
    if len(thin) > MAX_GROUPS:
        examples = ", ".join(f"{o['name']} ({o['target_sentences']})" for o in thin[:3])
        listed = f"{len(thin)} of {len(outlets)} groups (e.g. {examples})"
    return (f"Caution: too few {target} sentences for a conclusion in {listed}; "
            f"at least {MIN_TARGET_SENTENCES} per outlet are needed before these "
            "differences mean much.")
