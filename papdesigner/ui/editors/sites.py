"""Step 2, Sites & jurisdictions: where the trial runs and its regulatory status there."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from papdesigner.model import vocab
from papdesigner.model.commands import JsonPath, unique_id
from papdesigner.model.history import Change
from papdesigner.ui import choices
from papdesigner.ui.document import ProtocolDocument
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


def _new_site(document: ProtocolDocument, _path: JsonPath) -> dict[str, Any]:
    site_id = unique_id((s.id for s in document.protocol.sites), "site")
    return {"id": site_id, "name": "New site", "country": "US"}


def _text(document: ProtocolDocument, path: JsonPath, label: str) -> TextField:
    return TextField(document, path, label)


def _country(document: ProtocolDocument, path: JsonPath, label: str) -> ChoiceField:
    return ChoiceField(document, path, label, choices.countries(), editable=True)


def _region(document: ProtocolDocument, path: JsonPath, label: str) -> ChoiceField:
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

    def on_change(self, change: Change) -> None:
        """Keep the jurisdictions line current."""
        super().on_change(change)
        if change.touches(("sites",)):
            self._show_jurisdictions()

    def _show_jurisdictions(self) -> None:
        codes = self.document.protocol.jurisdictions()
        self.jurisdictions.setText(", ".join(codes) if codes else "none yet (add a site)")
