"""Step 5, Team & roles: staff roles and their qualifications."""

from __future__ import annotations

from typing import Any

from papdesigner.model import vocab
from papdesigner.model.commands import unique_id
from papdesigner.model.jsonpath import JsonPath
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.fields import (
    CheckField,
    ChoiceField,
    FloatField,
    TextAreaField,
    TextField,
    tri_state_field,
)
from papdesigner.ui.form import Form
from papdesigner.ui.item_list import ItemListEditor


def _new_role(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    role_id = unique_id((r.id for r in document.protocol.roles), "role")
    return {"id": role_id, "title": "New role", "kind": "other"}


def _role_line(item: dict[str, Any]) -> str:
    return f"{item.get('title') or item.get('id')} ({vocab.label(str(item.get('kind')))})"


def _role_detail(form: Form) -> None:
    d = form.document
    role = form.section("Role")
    form.add_all(
        role,
        [
            TextField(d, ("id",), "Id", help_text="Stable id that sessions use for staffing"),
            TextField(d, ("title",), "Title"),
            ChoiceField(d, ("kind",), "Kind", vocabulary(vocab.RoleKind)),
            TextAreaField(d, ("responsibilities",), "Responsibilities", lines=3),
            tri_state_field(d, ("delivers_integration",), "Also delivers integration"),
        ],
    )
    q = form.section("Qualifications")
    base = ("qualifications",)
    form.add_all(
        q,
        [
            ChoiceField(d, (*base, "degree"), "Degree", vocabulary(vocab.Degree)),
            TextField(d, (*base, "profession"), "Profession", placeholder="e.g. psychiatrist"),
            CheckField(d, (*base, "licensed"), "Licensed"),
            CheckField(d, (*base, "independent_practice"), "Licensed for independent practice"),
            FloatField(
                d,
                (*base, "mental_health_experience_years"),
                "Mental-health experience",
                maximum=60,
                step=1,
                decimals=1,
                unit="years",
            ),
            FloatField(
                d,
                (*base, "psychedelic_training_hours"),
                "Psychedelic therapy training",
                maximum=5000,
                step=10,
                decimals=0,
                unit="h",
            ),
            CheckField(d, (*base, "bls_certified"), "Basic life support certified"),
        ],
    )


class TeamEditor(StepEditor):
    """Roles as a master-detail list."""

    key = "team"
    scrolls = False

    def build(self) -> None:
        """Lay out the roles list."""
        section = self.form.section(
            "Roles", "Sessions staff these roles; a role in use cannot be removed.", stretch=1
        )
        self.roles = ItemListEditor(
            self.document,
            ("roles",),
            item_name="role",
            summary=_role_line,
            new_item=_new_role,
            build_detail=_role_detail,
        )
        self.form.add_part(section, ("roles",), self.roles, self.roles, fill=True)
