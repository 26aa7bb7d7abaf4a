"""The shipped catalogues are what the build-time extraction reads from the CDISC files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from conftest import EXAMPLES, REPO, exported
from usdm_checks import REFERENCE, instances

from papdesigner.interop.terms import terminology

pytest.importorskip("openpyxl")


def _tool(name: str) -> ModuleType:
    path = REPO / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _shipped(name: str) -> dict:
    return yaml.safe_load((REPO / "resources" / "catalogues" / name).read_text(encoding="utf-8"))


def test_terminology_catalogue_matches_usdm_ct_xlsx() -> None:
    assert _tool("extract_usdm_ct").catalogue(REFERENCE) == _shipped("usdm_ct.yaml")


def test_ctgov_catalogue_matches_the_mapping_xlsx() -> None:
    assert _tool("extract_ctgov_mapping").catalogue(REFERENCE) == _shipped("ctgov_mapping.yaml")


def test_amendment_terms_agree_with_usdm_ct() -> None:
    """diff/amendment.py's own code lists (secondary provenance) agree with the CDISC file."""
    amendments = _shipped("usdm_amendment_terms.yaml")
    ct = terminology()
    for block, attribute in (
        ("reasons", "StudyAmendmentReason.code"),
        ("impacts", "StudyAmendmentImpact.type"),
        ("geographic_scopes", "GeographicScope.type"),
    ):
        expected = {t.code: t.decode for t in ct.ddf[attribute].values()}
        for term in amendments[block]["terms"]:
            assert expected[term["code"]] == term["decode"]


@pytest.mark.parametrize("path", EXAMPLES[:2], ids=lambda p: Path(p).name)
def test_every_cdisc_code_written_is_in_the_catalogue(path: Path) -> None:
    ct = terminology()
    known = {(t.code, t.decode) for terms in ct.ddf.values() for t in terms.values()}
    known |= {(t.code, t.decode) for terms in ct.sdtm.values() for t in terms.values()}
    written = {
        (c["code"], c["decode"])
        for _, c in instances(json.loads(json.dumps(exported(path))))
        if c["instanceType"] == "Code" and c["codeSystem"] == ct.code_system
    }
    assert written
    assert written <= known
