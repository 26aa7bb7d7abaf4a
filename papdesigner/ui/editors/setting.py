"""Step 6, Setting: the rooms where sessions happen, described with the ReSPCT items."""

from __future__ import annotations

from typing import Any

from papdesigner.model import vocab
from papdesigner.model.commands import unique_id
from papdesigner.model.jsonpath import JsonPath
from papdesigner.model.protocol import Setting
from papdesigner.ui import choices
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.editors.base import StepEditor
from papdesigner.ui.fields import CheckField, ChoiceField, IntField, TextAreaField, TextField
from papdesigner.ui.form import Form
from papdesigner.ui.item_list import ItemListEditor

_RESPCT_FIELDS = (
    "location",
    "ambiance",
    "nature_access",
    "objects_decor",
    "lighting",
    "sensory_reduction",
    "bathroom",
    "positioning",
    "music",
)


def _new_setting(document: EditedProtocol, _path: JsonPath) -> dict[str, Any]:
    setting_id = unique_id((s.id for s in document.protocol.settings), "room")
    return {"id": setting_id, "name": "New room"}


def _setting_line(item: dict[str, Any]) -> str:
    return f"{item.get('name') or item.get('id')} ({vocab.label(str(item.get('location_type')))})"


def _setting_detail(form: Form) -> None:
    d = form.document
    room = form.section("Room")
    form.add_all(
        room,
        [
            TextField(d, ("id",), "Id"),
            TextField(d, ("name",), "Name"),
            ChoiceField(d, ("location_type",), "Type", choices.vocabulary(vocab.LocationType)),
            ChoiceField(d, ("site_id",), "Site", choices.sites, optional=True),
            IntField(
                d, ("max_occupancy",), "Maximum occupancy", minimum=1, maximum=500, optional=True
            ),
            CheckField(d, ("space_per_client_attested",), "Space per client attested"),
            TextAreaField(d, ("emergency_equipment",), "Emergency equipment", lines=2),
        ],
    )
    respct = form.section(
        "Physical environment (ReSPCT)",
        "The Reporting of Setting in Psychedelic Clinical Trials items that describe the room.",
    )
    for name in _RESPCT_FIELDS:
        info = Setting.model_fields[name]
        form.add(
            respct,
            TextAreaField(
                d,
                (name,),
                name.replace("_", " ").capitalize(),
                help_text=info.description or "",
                lines=2,
            ),
        )


class SettingEditor(StepEditor):
    """Settings as a master-detail list."""

    key = "setting"
    scrolls = False

    def build(self) -> None:
        """Lay out the settings list."""
        section = self.form.section("Settings", stretch=1)
        self.settings_list = ItemListEditor(
            self.document,
            ("settings",),
            item_name="setting",
            summary=_setting_line,
            new_item=_new_setting,
            build_detail=_setting_detail,
        )
        self.form.add_part(
            section, ("settings",), self.settings_list, self.settings_list, fill=True
        )
