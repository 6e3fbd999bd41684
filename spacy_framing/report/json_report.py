"""The ``--format json`` output: the comparison dict as one JSON object."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render_json(result: Mapping[str, Any], *, indent: int | None = 2) -> str:
    # allow_nan=False: undefined statistics are null, never the non-JSON NaN.
    return json.dumps(result, ensure_ascii=False, indent=indent, allow_nan=False)
