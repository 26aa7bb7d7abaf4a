"""Qt-only preferences kept in QSettings: window layout, recent files, rule-set choices.

Only the UI package touches QSettings. Values are stored as plain JSON text so
that an INI file written by one Qt version reads back in another.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10


@dataclass(frozen=True)
class RecentEntry:
    """A recently opened protocol: a ``*.pap.json`` file or a protocol in the library."""

    kind: str  # "file" | "library"
    ref: str  # a file path or a protocol id
    title: str

    def exists(self) -> bool:
        """Files must still exist; library entries are checked when opened."""
        return self.kind != "file" or Path(self.ref).is_file()


class AppSettings:
    """Typed access to the application's QSettings."""

    def __init__(self) -> None:
        self._qs = QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "papdesigner", "papdesigner"
        )

    def _json(self, key: str, default: Any) -> Any:
        raw = self._qs.value(key, "")
        if not isinstance(raw, str) or not raw:
            return default
        try:
            return json.loads(raw)
        except ValueError:
            return default

    def _set_json(self, key: str, value: Any) -> None:
        self._qs.setValue(key, json.dumps(value))

    # ---- recent protocols -------------------------------------------------------------------

    def recent(self) -> list[RecentEntry]:
        """Recently opened protocols, newest first (unreadable entries dropped)."""
        entries = []
        for item in self._json("recent", []):
            if isinstance(item, dict) and {"kind", "ref", "title"} <= set(item):
                entries.append(RecentEntry(str(item["kind"]), str(item["ref"]), str(item["title"])))
        return entries

    def add_recent(self, entry: RecentEntry) -> None:
        """Put ``entry`` at the top of the recent list."""
        entries = [e for e in self.recent() if (e.kind, e.ref) != (entry.kind, entry.ref)]
        self._set_json("recent", [asdict(e) for e in [entry, *entries][:MAX_RECENT]])

    def clear_recent(self) -> None:
        """Forget the recent list."""
        self._set_json("recent", [])

    # ---- window layout ----------------------------------------------------------------------

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        """Saved geometry and dock state of the main window."""
        geometry, state = self._qs.value("window/geometry"), self._qs.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        """Remember geometry and dock state."""
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)

    # ---- rule sets ---------------------------------------------------------------------------

    def ruleset_choice(self, protocol_id: str) -> tuple[set[str], set[str]]:
        """Rule sets the user turned off, and those turned on, for one protocol."""
        saved = self._json(f"rulesets/{protocol_id}", {})
        if not isinstance(saved, dict):
            return set(), set()
        return {str(x) for x in saved.get("off", [])}, {str(x) for x in saved.get("on", [])}

    def set_ruleset_choice(self, protocol_id: str, off: set[str], on: set[str]) -> None:
        """Remember which rule sets are turned off and on by hand for one protocol."""
        self._set_json(f"rulesets/{protocol_id}", {"off": sorted(off), "on": sorted(on)})

    # ---- folders and author --------------------------------------------------------------------

    def folder(self, purpose: str) -> str:
        """The last folder used for ``purpose`` ("open", "export", "pdf")."""
        value = self._qs.value(f"folders/{purpose}", "")
        return value if isinstance(value, str) and Path(value).is_dir() else str(Path.home())

    def set_folder(self, purpose: str, folder: Path) -> None:
        """Remember the folder used for ``purpose``."""
        self._qs.setValue(f"folders/{purpose}", str(folder))

    def author(self) -> str:
        """The name recorded on saved versions and waivers ("" until set)."""
        value = self._qs.value("author", "")
        return value if isinstance(value, str) else ""

    def set_author(self, name: str) -> None:
        """Remember the author name."""
        self._qs.setValue("author", name)

    def theme(self) -> str:
        """The chosen palette: "system", "light" or "dark"."""
        value = self._qs.value("theme", "system")
        return value if value in ("system", "light", "dark") else "system"

    def set_theme(self, theme: str) -> None:
        """Remember the palette."""
        self._qs.setValue("theme", theme)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()
