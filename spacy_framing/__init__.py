"""spacy-framing: how news outlets frame an actor's position.

Public API: :func:`load`, :func:`compare` and the spaCy factory names
``framing_actors``, ``framing_devices``, ``framing_hedges`` and ``framing_sources``.
"""

from ._loader import FRAMING_PIPES, load

__version__ = "0.1.0"

__all__ = ["FRAMING_PIPES", "__version__", "compare", "load"]


def __getattr__(name: str):
    # compare pulls in scikit-learn; import it only when asked for.
    if name == "compare":
        from .compare import compare

        return compare
    raise AttributeError(f"module 'spacy_framing' has no attribute {name!r}")
