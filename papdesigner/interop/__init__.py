"""Interoperability: CDISC USDM 4.0.0 export and import, and the trial registration data set.

Qt-free; depends only on the model (and the diff package's amendment records).

- :func:`export_usdm` / :func:`usdm_json`: a protocol as a USDM 4.0.0 wrapper.
- :func:`import_usdm` / :func:`read_usdm`: a protocol from USDM data or a file, with a report
  of what was not mapped; :class:`UsdmInputError` for a bad or hostile file.
- :func:`who_items`: the WHO Trial Registration Data Set items (label, value or missing).
"""

from __future__ import annotations

from papdesigner.interop.registration import RegistrationItem, who_items
from papdesigner.interop.usdm_export import export_usdm, usdm_json
from papdesigner.interop.usdm_import import ImportResult, import_usdm, read_usdm
from papdesigner.interop.usdm_read import UsdmInputError

__all__ = [
    "ImportResult",
    "RegistrationItem",
    "UsdmInputError",
    "export_usdm",
    "import_usdm",
    "read_usdm",
    "usdm_json",
    "who_items",
]
