"""Step 4, Interventions & dosing: products, arms, and the doses each arm receives."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from papdesigner.model import vocab
from papdesigner.model.commands import JsonPath, unique_id
from papdesigner.model.history import Change
from papdesigner.model.protocol import Administration, Protocol
from papdesigner.model.timeline import dose_text
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import ProtocolDocument
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.fields import ChoiceField, IntField, TextAreaField, TextField, tri_state_field
from papdesigner.ui.form import Form
from papdesigner.ui.item_list import ItemListEditor


def _new_product(document: ProtocolDocument, _path: JsonPath) -> dict[str, Any]:
    product_id = unique_id((p.id for p in document.protocol.products), "product")
    return {"id": product_id, "substance": "psilocybin", "name": "New product"}


def _new_arm(document: ProtocolDocument, _path: JsonPath) -> dict[str, Any]:
    arm_id = unique_id((a.id for a in document.protocol.arms), "arm")
    return {"id": arm_id, "label": "New arm", "role": "experimental"}


def _product_detail(form: Form) -> None:
    d = form.document
    section = form.section("Product")
    form.add_all(
        section,
        [
            TextField(d, ("id",), "Id", help_text="Stable id used by dosing sessions"),
            TextField(d, ("name",), "Name"),
            ChoiceField(d, ("substance",), "Substance", vocabulary(vocab.Substance)),
            ChoiceField(d, ("form",), "Form", vocabulary(vocab.ProductForm)),
            TextField(d, ("manufacturer",), "Manufacturer"),
            TextField(d, ("schedule",), "Controlled-substance schedule", placeholder="e.g. I"),
            tri_state_field(d, ("ht2b_agonist",), "5-HT2B agonist"),
            ChoiceField(
                d,
                ("medicinal_product_role",),
                "EU medicinal product role",
                (("", "Not stated"), *vocabulary(vocab.MedicinalProductRole)[1:]),
            ),
            TextAreaField(d, ("description",), "Description", lines=3),
        ],
    )


def _arm_detail(form: Form) -> None:
    d = form.document
    section = form.section("Arm")
    form.add_all(
        section,
        [
            TextField(d, ("id",), "Id"),
            TextField(d, ("label",), "Label"),
            ChoiceField(d, ("role",), "Role", vocabulary(vocab.ArmRole)),
            IntField(
                d,
                ("planned_participants",),
                "Planned participants",
                minimum=0,
                maximum=100_000,
                optional=True,
            ),
            TextAreaField(d, ("description",), "Description", lines=3),
        ],
    )


def _arm_label(protocol: Protocol, arm_id: str) -> str:
    arm = protocol.arm(arm_id)
    return arm.label if arm is not None else arm_id


def _product_line(item: dict[str, Any]) -> str:
    return f"{item.get('name') or item.get('id')} — {vocab.label(str(item.get('substance')))}"


def _arm_line(item: dict[str, Any]) -> str:
    return f"{item.get('label') or item.get('id')} ({vocab.label(str(item.get('role')))})"


class InterventionsEditor(StepEditor):
    """Products and arms as master-detail lists, and a summary of doses per arm."""

    key = "interventions"

    def build(self) -> None:
        """Lay out products, arms and the dose summary."""
        d, form = self.document, self.form
        products = form.section("Investigational products")
        self.products = ItemListEditor(
            d,
            ("products",),
            item_name="product",
            summary=_product_line,
            new_item=_new_product,
            build_detail=_product_detail,
        )
        self.products.setMinimumHeight(320)
        form.add_part(products, ("products",), self.products, self.products)
        arms = form.section("Arms")
        self.arms = ItemListEditor(
            d,
            ("arms",),
            item_name="arm",
            summary=_arm_line,
            new_item=_new_arm,
            build_detail=_arm_detail,
        )
        self.arms.setMinimumHeight(260)
        form.add_part(arms, ("arms",), self.arms, self.arms)
        doses = form.section(
            "Doses by session",
            "Doses are edited in each dosing session (step 7, Sessions & schedule).",
        )
        self.dose_summary = QLabel()
        self.dose_summary.setWordWrap(True)
        self.dose_summary.setAccessibleName("Doses by session")
        doses.addRow(self.dose_summary)
        self._show_doses()
        self.add_narrative("Design and intervention")

    def on_change(self, change: Change) -> None:
        """Keep the dose summary current."""
        super().on_change(change)
        self._show_doses()

    def _show_doses(self) -> None:
        p = self.document.protocol
        lines = []
        for session in sorted(p.sessions, key=lambda s: s.day):
            if session.dosing is None:
                continue
            per_arm: dict[str, list[Administration]] = {}
            for admin in session.dosing.administrations:
                per_arm.setdefault(admin.arm_id, []).append(admin)
            doses = "; ".join(
                f"{_arm_label(p, arm)}: {dose_text(admins, p)}" for arm, admins in per_arm.items()
            )
            lines.append(
                f"Day {session.day}, {session.title or session.id}: {doses or 'no dose yet'}"
            )
        self.dose_summary.setText("\n".join(lines) or "No dosing sessions yet.")
