"""Step 1, Overview: title page facts, context of use and indication."""

from __future__ import annotations

from typing import Any

from papdesigner.model import vocab
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.fields import ChoiceField, DateField, TextAreaField, TextField
from papdesigner.ui.list_fields import StringListField
from papdesigner.ui.table_list import Column, TableListEditor

# Length limits of papdesigner's own document layout (not a regulatory requirement): a
# 10,000-character title filled six PDF pages. The PDF and the CLI do not enforce them;
# the form stops typing and pasting beyond them and says why.
TITLE_MAX = 300
SHORT_TITLE_MAX = 120
ACRONYM_MAX = 24


def _text(document: EditedProtocol, path: JsonPath, label: str) -> TextField:
    return TextField(document, path, label)


def _date(document: EditedProtocol, path: JsonPath, label: str) -> DateField:
    return DateField(document, path, label)


def _new_version(_document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    return {"version": "", "date": None, "summary": ""}


def _new_registration(_document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    return {"registry": "ClinicalTrials.gov", "identifier": "NCT"}


class OverviewEditor(StepEditor):
    """Metadata, sponsor, investigator, registrations, context and indication."""

    key = "overview"

    def build(self) -> None:
        """Lay out the overview sections."""
        d, form = self.document, self.form
        title = form.section("Protocol")
        form.add_all(
            title,
            [
                TextField(
                    d,
                    ("metadata", "title"),
                    "Title",
                    placeholder="Full scientific title",
                    max_length=TITLE_MAX,
                    length_reason="it is printed large on the title page",
                ),
                TextField(
                    d,
                    ("metadata", "short_title"),
                    "Short title",
                    max_length=SHORT_TITLE_MAX,
                    length_reason="it is printed in the window title and page headers",
                ),
                TextField(
                    d,
                    ("metadata", "acronym"),
                    "Acronym",
                    max_length=ACRONYM_MAX,
                    length_reason="it is printed in every page header",
                ),
                TextField(d, ("metadata", "protocol_number"), "Protocol number"),
                TextField(d, ("metadata", "version"), "Version", placeholder="1.0"),
                DateField(d, ("metadata", "version_date"), "Version date"),
                ChoiceField(d, ("metadata", "phase"), "Phase", vocabulary(vocab.Phase)),
                TextAreaField(d, ("metadata", "funding"), "Funding", lines=2),
                StringListField(d, ("metadata", "keywords"), "Keywords", item_name="keyword"),
            ],
        )
        context = form.section(
            "Context and indication",
            "The context decides which regulatory rule sets apply, together with the sites.",
        )
        form.add_all(
            context,
            [
                ChoiceField(d, ("context",), "Context of use", vocabulary(vocab.Context)),
                ChoiceField(
                    d, ("indication", "condition"), "Condition", vocabulary(vocab.Condition)
                ),
                TextAreaField(d, ("indication", "description"), "Indication", lines=3),
            ],
        )
        sponsor = form.section("Sponsor and investigator")
        form.add_all(
            sponsor,
            [
                TextField(d, ("metadata", "sponsor", "name"), "Sponsor"),
                TextAreaField(d, ("metadata", "sponsor", "address"), "Sponsor address", lines=2),
                TextField(d, ("metadata", "sponsor", "contact"), "Sponsor contact"),
                TextField(d, ("metadata", "sponsor", "signatory"), "Sponsor signatory"),
                TextField(
                    d, ("metadata", "principal_investigator", "name"), "Principal investigator"
                ),
                TextField(
                    d, ("metadata", "principal_investigator", "affiliation"), "PI affiliation"
                ),
                TextField(d, ("metadata", "principal_investigator", "email"), "PI e-mail"),
                TextField(d, ("metadata", "medical_monitor"), "Medical monitor"),
                TextField(d, ("metadata", "emergency_contact"), "24-hour emergency contact"),
            ],
        )
        registrations = form.section("Registrations")
        table = TableListEditor(
            d,
            ("metadata", "registrations"),
            [
                Column("registry", "Registry", _text, stretch=True),
                Column("identifier", "Identifier", _text, stretch=True),
            ],
            item_name="registration",
            new_item=_new_registration,
        )
        form.add_part(registrations, ("metadata", "registrations"), table, table)
        history = form.section(
            "Version history", "Earlier versions and amendments, for the title page and 12.3."
        )
        versions = TableListEditor(
            d,
            ("metadata", "version_history"),
            [
                Column("version", "Version", _text),
                Column("date", "Date", _date),
                Column("summary", "Summary of changes", _text, stretch=True),
            ],
            item_name="version",
            new_item=_new_version,
        )
        form.add_part(history, ("metadata", "version_history"), versions, versions)
        self.add_narrative("Background and rationale")
