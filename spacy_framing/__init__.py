"""spacy-framing: how news outlets frame an actor's position.

Public API: :func:`load`, :func:`compare` and the spaCy factory names
``framing_actors``, ``framing_devices``, ``framing_hedges`` and ``framing_sources``.
"""

from ._loader import FRAMING_PIPES, load
from .compare import compare

__version__ = "0.1.0"

__all__ = ["FRAMING_PIPES", "__version__", "compare", "load"]

