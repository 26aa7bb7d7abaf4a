"""Read YAML that papdesigner ships (checklists, section lists): libyaml when present.

PyYAML's pure-Python parser takes ten times as long as libyaml's (0.1 s for the
shipped checklists); the results are the same, since both hand the same node
events to the same safe constructor. User-supplied YAML goes through the stricter
readers of its own module (rule sets: :mod:`papdesigner.rules.yamlsource`;
catalogues: :mod:`papdesigner.model.catalogues.loading`).
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's parser when PyYAML was built with it."""
    return yaml.load(text, Loader=_LOADER)
