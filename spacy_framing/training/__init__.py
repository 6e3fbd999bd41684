"""Training the framing components with spaCy's own training system (``framing train``).

Public: :func:`train_devices`; the rest is reached through it.
"""

from .run import train_devices

__all__ = ["train_devices"]
