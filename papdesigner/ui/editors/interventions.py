"""Step 4, Interventions & dosing: products, arms, and the doses each arm receives."""

from __future__ import annotations

from typing import Any

from papdesigner.model import vocab
from papdesigner.model.commands import unique_id
from papdesigner.model.history import Change
from papdesigner.model.jsonpath import JsonPath
from papdesigner.model.protocol import Protocol
from papdesigner.ui.choices import vocabulary
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.dose_grid import DoseGrid
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.fields import ChoiceField, IntField, TextAreaField, TextField, tri_state_field
from papdesigner.ui.form import FieldProblem, Form
from papdesigner.ui.item_list import ItemListEditor


def _new_product(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    product_id = unique_id((p.id for p in document.protocol.products), "product")
    return {"id": product_id, "substance": "psilocybin", "name": "New product"}


def _new_arm(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
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
            "Doses by arm and session",
            "What each arm receives in each dosing session. Select a cell and type a dose "
            "(0 removes it), or use the row below the grid to choose the product and unit too. "
            "Supplemental doses and timing are in the session's details.",
        )
        self.dose_grid = DoseGrid(d)
        self.dose_grid.sig_session_requested.connect(self._open_session)
        form.add_part(doses, ("sessions",), _NoPart(), self.dose_grid, fill=True)
        self.add_narrative("Design and intervention")

    def _open_session(self, session_index: int) -> None:
        window: Any = self.window()
        if hasattr(window, "reveal_path"):
            window.reveal_path(("sessions", session_index, "dosing"))


class _NoPart:
    """The dose grid follows the document itself; findings stay with the session fields."""

    def set_base(self, base: JsonPath) -> None:
        """Nothing is bound below a base."""

    def on_change(self, change: Change) -> None:
        """The grid listens to the document directly."""

    def reveal(self, path: JsonPath) -> bool:
        """Paths into sessions are revealed by the Sessions step."""
        del path
        return False

    def show_problems(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        """Nothing is placed here."""
        return problems
