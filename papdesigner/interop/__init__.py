"""Interoperability: CDISC USDM 4.0.0 export and import, and the trial registration data set.

Qt-free; depends only on the model (and the diff package's amendment records).
"""

from __future__ import annotations
