"""The facts the 2026 rule sets check are printed in words in the PDF (read back with pypdf)."""

from __future__ import annotations

from pathlib import Path

from conftest import export_and_read

from papdesigner.model.fileformat import load_protocol
from papdesigner.model.protocol import Protocol, Site
from papdesigner.paths import resource


def _example(name: str) -> Protocol:
    return load_protocol(resource("examples", f"{name}.pap.json"))


def _words(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


def test_eu_canadian_and_victorian_facts_in_words(tmp_path: Path) -> None:
    p = _example("psilocybin-trd")
    p.context = "cta_trial"
    p.sites.append(Site(id="berlin", name="University hospital", country="DE"))
    p.regulatory.eu_trial_number = "2026-512345-21-00"
    p.regulatory.gcp_compliance_statement = True
    p.regulatory.patients_involved_in_design = True
    p.regulatory.patient_involvement = "Two people with lived experience reviewed the visit plan."
    p.regulatory.ca_cta_status = "submitted"
    p.regulatory.ca_controlled_substance_exemption = "planned"
    p.regulatory.vic_notice_of_intention = True
    p.products[0].medicinal_product_role = "investigational"
    dosing = next(s for s in p.sessions if s.dosing is not None)
    assert dosing.dosing is not None
    dosing.dosing.administered_by = "physician"
    physician = next(r for r in p.roles if r.id == "physician")
    text = _words(export_and_read(p, tmp_path / "facts.pdf").texts)
    assert "EU trial number 2026-512345-21-00" in text
    assert "in compliance with this protocol, with the clinical trials regulations" in text
    assert "Two people with lived experience reviewed the visit plan." in text
    assert "Health Canada clinical trial application Submitted" in text
    assert "CDSA section 56 exemption or Part J authorization Planned" in text
    assert "Victoria notice of intention (Form 7) given before prescribing" in text
    assert "Investigational medicinal product" in text
    assert f"drug given by {physician.title}" in text


def test_ind_safety_report_days_in_words(tmp_path: Path) -> None:
    p = _example("mdma-ptsd")
    text = _words(export_and_read(p, tmp_path / "ind.pdf").texts)
    # The example's days are the regulation's: one sentence gives both (see test_sentences).
    assert (
        "Serious and unexpected suspected adverse reactions are reported to the FDA within "
        "15 calendar days, and unexpected fatal or life-threatening ones within 7 calendar days"
    ) in text
    assert "Patients were not involved" not in text  # not stated: nothing is claimed


def test_oregon_identification_check_in_the_documents_table(tmp_path: Path) -> None:
    text = _words(export_and_read(_example("oregon-service-center"), tmp_path / "or.pdf").texts)
    assert "Client identification checked before services Yes" in text
