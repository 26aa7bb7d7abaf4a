"""Step 2, Sites & jurisdictions: where the trial runs and its regulatory status there."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from papdesigner.model import vocab
from papdesigner.model.commands import unique_id
from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui import choices
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.editors.facts import regulatory_facts
from papdesigner.ui.fields import (
    ChoiceField,
    DateField,
    IntField,
    TextAreaField,
    TextField,
    tri_state_field,
)
from papdesigner.ui.list_fields import StringListField
from papdesigner.ui.table_list import Column, TableListEditor


def _new_site(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    site_id = unique_id((s.id for s in document.protocol.sites), "site")
    return {"id": site_id, "name": "New site", "country": "US"}


def _text(document: EditedProtocol, path: JsonPath, label: str) -> TextField:
    return TextField(document, path, label)


def _country(document: EditedProtocol, path: JsonPath, label: str) -> ChoiceField:
    return ChoiceField(document, path, label, choices.countries(), editable=True)


def _region(document: EditedProtocol, path: JsonPath, label: str) -> ChoiceField:
    return ChoiceField(document, path, label, choices.regions(), editable=True, optional=True)


class SitesEditor(StepEditor):
    """Sites table, the jurisdictions they imply, and regulatory approvals."""

    key = "sites"

    def build(self) -> None:
        """Lay out sites and regulatory sections."""
        d, form = self.document, self.form
        sites = form.section(
            "Sites",
            "Country and region decide which jurisdictions' rule sets apply "
            "(ISO 3166 codes, e.g. US and US-OR).",
        )
        table = TableListEditor(
            d,
            ("sites",),
            [
                Column("id", "Id", _text),
                Column("name", "Name", _text, stretch=True),
                Column("country", "Country", _country),
                Column("region", "Region", _region),
                Column("licence_id", "Licence", _text),
                Column("address", "Address", _text, stretch=True),
            ],
            item_name="site",
            new_item=_new_site,
        )
        form.add_part(sites, ("sites",), table, table)
        self.jurisdictions = QLabel()
        self.jurisdictions.setWordWrap(True)
        sites.addRow("Jurisdictions:", self.jurisdictions)
        self._show_jurisdictions()
        reg = form.section("Regulatory status")
        form.add_all(
            reg,
            [
                ChoiceField(
                    d,
                    ("regulatory", "ind_status"),
                    "IND status",
                    choices.vocabulary(vocab.RegistrationKind),
                ),
                TextField(d, ("regulatory", "ind_number"), "IND number"),
                tri_state_field(d, ("regulatory", "pre_ind_meeting"), "Pre-IND meeting held"),
                TextAreaField(
                    d, ("regulatory", "pre_ind_meeting_note"), "Pre-IND meeting note", lines=2
                ),
                TextField(
                    d, ("regulatory", "dea_schedule1_registration"), "DEA Schedule I registration"
                ),
                TextField(d, ("regulatory", "ctn_or_cta"), "CTN / CTA reference"),
                TextField(d, ("regulatory", "import_permit"), "Import permit"),
                TextAreaField(
                    d, ("regulatory", "periodic_reporting"), "Periodic reporting", lines=2
                ),
                StringListField(
                    d, ("regulatory", "state_approvals"), "State approvals", item_name="approval"
                ),
            ],
        )
        self._add_eu_and_canada()
        prescriber = form.section("Prescriber (Australian Authorised Prescriber, Canada SAP)")
        form.add_all(
            prescriber,
            [
                ChoiceField(
                    d,
                    ("regulatory", "tga_ap_pathway"),
                    "TGA AP pathway",
                    (
                        ("", "Not applicable"),
                        ("standard", "Standard"),
                        ("established_history", "Established history"),
                    ),
                ),
                DateField(d, ("regulatory", "tga_ap_application_date"), "TGA AP application date"),
                IntField(
                    d,
                    ("regulatory", "sa_chief_psychiatrist_notification_days"),
                    "SA Chief Psychiatrist notice",
                    minimum=0,
                    maximum=365,
                    unit="days",
                    optional=True,
                ),
                TextField(d, ("regulatory", "prescriber_specialty"), "Prescriber specialty"),
                tri_state_field(
                    d,
                    ("regulatory", "prescriber_specialist_registration"),
                    "Specialist registration",
                ),
                TextField(d, ("regulatory", "prescriber_pat_training"), "Prescriber PAT training"),
                *regulatory_facts(d),
            ],
        )

    def _add_eu_and_canada(self) -> None:
        """Facts the EU Regulation, Health Canada and Victoria ask of a trial's protocol."""
        d, r = self.document, ("regulatory",)
        section = self.form.section(
            "Trial authorisations (EU, Canada, Victoria)",
            "Only the rule sets of the sites' jurisdictions use these facts.",
        )
        self.form.add_all(
            section,
            [
                TextField(d, (*r, "eu_trial_number"), "EU trial number"),
                tri_state_field(
                    d,
                    (*r, "gcp_compliance_statement"),
                    "States compliance with the protocol, the regulation and GCP",
                ),
                tri_state_field(
                    d, (*r, "patients_involved_in_design"), "Patients involved in the design"
                ),
                TextAreaField(d, (*r, "patient_involvement"), "Patient involvement", lines=2),
                ChoiceField(
                    d,
                    (*r, "ca_cta_status"),
                    "Health Canada clinical trial application",
                    choices.vocabulary(vocab.AuthorisationStatus),
                ),
                ChoiceField(
                    d,
                    (*r, "ca_controlled_substance_exemption"),
                    "CDSA section 56 exemption or Part J authorization",
                    choices.vocabulary(vocab.AuthorisationStatus),
                ),
                tri_state_field(
                    d,
                    (*r, "vic_notice_of_intention"),
                    "Victoria: Form 7 notice of intention given",
                ),
            ],
        )

    def on_change(self, change: Change) -> None:
        """Keep the jurisdictions line current."""
        super().on_change(change)
        if change.touches(("sites",)):
            self._show_jurisdictions()

    def _show_jurisdictions(self) -> None:
        codes = self.document.protocol.jurisdictions()
        self.jurisdictions.setText(", ".join(codes) if codes else "none yet (add a site)")
