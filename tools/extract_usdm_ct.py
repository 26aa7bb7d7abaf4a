"""Write resources/catalogues/usdm_ct.yaml from the CDISC USDM reference files (build time only).

Run once when the reference files change::

    python tools/extract_usdm_ct.py /work/shared/reference/usdm > resources/catalogues/usdm_ct.yaml

The DDF code lists come from ``USDM_CT.xlsx`` ("DDF valid value sets"), read with openpyxl;
nothing reads a spreadsheet at run time. USDM also points at SDTM code lists (route, frequency,
phase, blinding...) that the spreadsheet does not carry: the few terms papdesigner writes are
listed in ``SDTM_TERMS`` below; each is marked ``example`` when the official USDM example studies
use the same code and decode, else ``uncertain`` (taken from NCI Thesaurus knowledge, not from a
file in the reference folder). tests/interop/test_ct_catalogue.py re-runs this extraction and
compares it with the shipped catalogue.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

CODE_SYSTEM_VERSION = "2025-03-28"
"""The CDISC CT release written into every Code (DDF00155 wants a release date)."""

SDTM_TERMS: dict[str, dict[str, Any]] = {
    # key: codelist, terms {our key: (code, decode)}
    "route": {
        "codelist": "C66729",
        "terms": {
            "oral": ("C38288", "Oral Route of Administration"),
            "sublingual": ("C38300", "Sublingual Route of Administration"),
            "intravenous": ("C38276", "Intravenous Route of Administration"),
            "intranasal": ("C38284", "Nasal Route of Administration"),
        },
    },
    "frequency": {"codelist": "C71113", "terms": {"once": ("C64576", "Once")}},
    "unit": {
        "codelist": "C71620",
        "terms": {
            "mg": ("C28253", "Milligram"),
            "ug": ("C48152", "Microgram"),
            "mg/kg": ("C67401", "Milligram per Kilogram"),
            "day": ("C25301", "Day"),
            "week": ("C29844", "Week"),
            "year": ("C29848", "Year"),
            "hour": ("C25529", "Hour"),
        },
    },
    "phase": {
        "codelist": "C66737",
        "terms": {
            "1": ("C15600", "Phase I Trial"),
            "1/2": ("C15693", "Phase I/II Trial"),
            "2": ("C15601", "Phase II Trial"),
            "2/3": ("C15694", "Phase II/III Trial"),
            "3": ("C15602", "Phase III Trial"),
            "4": ("C15603", "Phase IV Trial"),
            "n/a": ("C48660", "Not Applicable"),
        },
    },
    "blinding": {
        "codelist": "C66735",
        "terms": {
            "open": ("C49659", "Open Label Study"),
            "single": ("C28233", "Single Blind Study"),
            "double": ("C15228", "Double Blind Study"),
        },
    },
    "model": {
        "codelist": "C99076",
        "terms": {
            "parallel": ("C82639", "Parallel Study"),
            "single_group": ("C82640", "Single Group Study"),
        },
    },
    "study_type": {
        "codelist": "C99077",
        "terms": {
            "interventional": ("C98388", "Interventional Study"),
            "observational": ("C16084", "Observational Study"),
        },
    },
    "intervention_type": {
        "codelist": "C99078",
        "terms": {"drug": ("C1909", "Pharmacologic Substance")},
    },
    "criterion_category": {
        "codelist": "C66797",
        "terms": {
            "inclusion": ("C25532", "Inclusion Criteria"),
            "exclusion": ("C25370", "Exclusion Criteria"),
        },
    },
    "arm_type": {
        "codelist": "C174222",
        "terms": {
            "investigational": ("C174266", "Investigational Arm"),
            "active_comparator": ("C174267", "Active Comparator Arm"),
            "placebo": ("C174268", "Placebo Control Arm"),
            "no_intervention": ("C174270", "No Intervention Arm"),
        },
    },
    "epoch_type": {
        "codelist": "C99079",
        "terms": {
            "screening": ("C202487", "Screening Epoch"),
            "treatment": ("C101526", "Treatment Epoch"),
            "follow_up": ("C202578", "Follow-Up Epoch"),
            "baseline": ("C125938", "Baseline Epoch"),
            "run_in": ("C98779", "Run-in Period"),
        },
    },
    "contact_mode": {"codelist": "C171445", "terms": {"in_person": ("C175574", "In Person")}},
    "environmental_setting": {
        "codelist": "C127262",
        "terms": {"clinic": ("C51282", "Clinic"), "home": ("C18002", "Home")},
    },
    "sex": {
        "codelist": "C66732",
        "terms": {
            "both": ("C49636", "Both"),
            "female": ("C16576", "Female"),
            "male": ("C20197", "Male"),
        },
    },
    "organization_sponsor": {
        "codelist": "C188724",
        "terms": {"sponsor": ("C70793", "Clinical Study Sponsor")},
    },
}


def ddf_codelists(xlsx: Path) -> dict[str, Any]:
    """Return the DDF value sets of USDM_CT.xlsx keyed by ``Entity.attribute``."""
    import openpyxl

    book = openpyxl.load_workbook(xlsx, read_only=True)
    sheet = book["DDF valid value sets"]
    lists: dict[str, Any] = {}
    for row in sheet.iter_rows(values_only=True):
        if row[0] != "DDF" or not row[5]:
            continue
        entity, attribute, codelist, extensible, code, decode = (str(c).strip() for c in row[1:7])
        entry = lists.setdefault(
            f"{entity}.{attribute}",
            {"codelist": codelist, "extensible": extensible == "Yes", "terms": []},
        )
        entry["terms"].append({"code": code, "decode": decode})
    return lists


def example_codes(folder: Path) -> set[tuple[str, str]]:
    """Return every (code, decode) pair used by a Code in the official examples."""
    found: set[tuple[str, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("instanceType") == "Code":
                found.add((str(node.get("code")), str(node.get("decode"))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(folder.glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def sdtm_lists(seen: set[tuple[str, str]]) -> dict[str, Any]:
    """Return the SDTM terms with their provenance (example or uncertain)."""
    lists: dict[str, Any] = {}
    for key, block in SDTM_TERMS.items():
        terms = {}
        for name, (code, decode) in block["terms"].items():
            provenance = "example" if (code, decode) in seen else "uncertain"
            terms[name] = {"code": code, "decode": decode, "provenance": provenance}
        lists[key] = {"codelist": block["codelist"], "terms": terms}
    return lists


def catalogue(reference: Path) -> dict[str, Any]:
    """Return the whole catalogue as data."""
    return {
        "catalogue": "usdm_ct",
        "version": 1,
        "source": "CDISC DDF-RA USDM v4.0.0: Deliverables/CT/USDM_CT.xlsx @ aa303cb "
        "(sheet 'DDF valid value sets'); SDTM terms checked against the official examples "
        "(Documents/Examples @ aa303cb)",
        "code_system": "http://www.cdisc.org",
        "code_system_version": CODE_SYSTEM_VERSION,
        "ddf": ddf_codelists(reference / "USDM_CT.xlsx"),
        "sdtm": sdtm_lists(example_codes(reference / "examples")),
    }


HEADER = """\
# CDISC USDM v4.0 controlled terminology used by papdesigner/interop.
# GENERATED by tools/extract_usdm_ct.py from the reference files; do not edit by hand.
# ddf: every DDF value set of USDM_CT.xlsx (provenance verified: read from the CDISC file).
# sdtm: SDTM terms papdesigner writes; provenance 'example' = the official USDM example
# studies use the same code and decode, 'uncertain' = not found in a reference file.
"""


def main() -> int:
    """Print the catalogue YAML for the reference folder given on the command line."""
    reference = Path(sys.argv[1])
    text = yaml.safe_dump(catalogue(reference), sort_keys=False, allow_unicode=True, width=100)
    sys.stdout.write(HEADER + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
