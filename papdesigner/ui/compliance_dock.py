"""The compliance dock: findings grouped by rule set and severity, with details and waivers.

Double-click (or Enter) on a finding jumps to the field its path names.
"Waive…" records a waiver with a justification as an undoable edit; a waived
finding stays listed, marked waived. Rule details show each clause's truth
value so a reviewer sees exactly why a rule fired.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from papdesigner.model.commands import RemoveItem, add_waiver
from papdesigner.model.jsonpath import parse_path
from papdesigner.model.labels import humanize, path_place
from papdesigner.ui.compliance import RuleSetChoice
from papdesigner.ui.dialogs.waive import WaiveDialog
from papdesigner.ui.document import EditedProtocol
from papdesigner.ui.icons import SEVERITY_ICON, icon
from papdesigner.ui.problems import severity_colour, severity_rank
from papdesigner.ui.settings import AppSettings

_FINDING_ROLE = Qt.ItemDataRole.UserRole
_STALE_ROLE = Qt.ItemDataRole.UserRole + 2
_LEFTOVER_ROLE = Qt.ItemDataRole.UserRole + 3
_PLACE_ROLE = Qt.ItemDataRole.UserRole + 4
_LEFTOVER_TITLE = "Example text to replace"
GROUPINGS = (("place", "What to do first"), ("ruleset", "By rule set"))
_STALE_TITLE = "Waivers that match no finding"
_SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Notes", "waived": "Waived"}
_PROVENANCE = {
    "verified": "verified against the source document",
    "secondary": "from a secondary source (the primary text was not read)",
    "uncertain": "uncertain: treat as a prompt to check the source",
}


class ComplianceDock(QDockWidget):
    """Findings tree, filter, rule-set choices, details pane, waive and jump buttons."""

    sig_jump_requested = Signal(str)
    """Emitted with a finding's JSON path when the user wants to see the field."""

    sig_rulesets_changed = Signal(object)
    """Emitted with the new :class:`RuleSetChoice` after the user changed it."""

    def __init__(
        self, document: EditedProtocol, settings: AppSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__("Compliance", parent)
        self.setObjectName("ComplianceDock")
        self.document = document
        self.settings = settings
        self.report: Any = None
        self.choice = RuleSetChoice()
        """The user's override of which rule sets apply (none by default)."""
        self.summary = QLabel("Checking…")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Compliance summary")
        self.rulesets_button = QToolButton()
        self.rulesets_button.setText("Rule sets")
        self.rulesets_button.setToolTip("Choose which applicable rule sets to check")
        self.rulesets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.rulesets_menu = QMenu(self)
        self.rulesets_button.setMenu(self.rulesets_menu)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter findings (rule, text, citation)")
        self.filter.setAccessibleName("Filter findings")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda _t: self._fill())
        self.grouping = QComboBox()
        self.grouping.setAccessibleName("Group findings")
        self.grouping.setToolTip(
            "What to do first: one row per place, the same problem from several rule sets "
            "counted once, worst first. By rule set: each rule set's findings apart."
        )
        for value, text in GROUPINGS:
            self.grouping.addItem(text, value)
        self.grouping.currentIndexChanged.connect(lambda _i: self._fill())
        self.leftovers: list[Any] = []
        """Example texts still in the protocol (papdesigner.model.leftovers)."""
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setAccessibleName("Findings")
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        # The one column is as wide as the panel, so long messages wrap instead of being cut.
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.details = QTextBrowser()
        self.details.setAccessibleName("Finding details")
        self.details.setOpenLinks(False)
        self.jump_button = QPushButton("Go to field")
        self.jump_button.setToolTip("Show the field this finding is about (Enter or double-click)")
        self.jump_button.clicked.connect(self.jump_to_current)
        self.waive_button = QPushButton("Waive…")
        self.waive_button.setToolTip("Acknowledge this finding with a justification (undoable)")
        self.waive_button.clicked.connect(self.waive_current)
        self._build_layout()
        self._on_tree_current_item_changed(None, None)

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.rulesets_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.jump_button)
        buttons.addWidget(self.waive_button)
        buttons.addStretch(1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(self.details)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        body = QWidget()
        body.setMinimumWidth(300)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter, 1)
        filter_row.addWidget(self.grouping)
        layout.addLayout(filter_row)
        layout.addWidget(splitter, 1)
        self.setWidget(body)

    # ---- showing a report -----------------------------------------------------------------------

    def show_report(self, report: Any) -> None:
        """Show a new report, keeping the selected finding if it is still there."""
        selected = self.current_finding()
        self.report = report
        self._fill()
        self._fill_rulesets_menu()
        s = report.summary
        active = [r.id for r in report.rulesets if r.active]
        first = self._first_to_do()
        start = f"<br>Start with: <b>{escape(first)}</b>" if first else ""
        self.summary.setText(
            f"<b>{s.errors}</b> errors, <b>{s.warnings}</b> warnings, {s.infos} notes, "
            f"{s.waived} waived<br><small>{len(active)} rule sets active</small>{start}"
        )
        if selected is not None:
            self.select_finding(selected.rule_id, selected.path)

    def show_failure(self, message: str) -> None:
        """Say that the check could not run (the old findings stay, marked stale)."""
        self.summary.setText(f"<b>The check could not run:</b> {escape(message)}")

    def set_grouping(self, grouping: str) -> None:
        """Group by "place" (what to do first) or by "ruleset"."""
        self.grouping.setCurrentIndex(max(self.grouping.findData(grouping), 0))

    def show_leftovers(self, leftovers: list[Any]) -> None:
        """List the example texts still to replace (a group of their own, at the top)."""
        self.leftovers = leftovers
        self._fill()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        """Re-wrap the rows for the new width."""
        super().resizeEvent(event)
        self.tree.doItemsLayout()

    def _fill(self) -> None:
        self.tree.clear()
        if self.report is None:
            return
        needle = self.filter.text().strip().lower()
        self._add_leftovers(needle)
        if self.grouping.currentData() == "place":
            self._fill_by_place(needle)
            self._add_stale(needle)
            return
        titles = {r.id: (r.title or r.id) + _user_mark(r) for r in self.report.rulesets}
        groups: dict[str, dict[str, list[Any]]] = {}
        for finding in self.report.findings:
            if needle and needle not in _haystack(finding):
                continue
            bucket = "waived" if finding.waived else finding.severity
            groups.setdefault(finding.ruleset, {}).setdefault(bucket, []).append(finding)
        for ruleset_id, buckets in groups.items():
            total = sum(len(v) for k, v in buckets.items() if k != "waived")
            top = QTreeWidgetItem(
                self.tree, [f"{ruleset_id} · {titles.get(ruleset_id, ruleset_id)}"]
            )
            top.setData(0, Qt.ItemDataRole.UserRole + 1, ruleset_id)
            top.setToolTip(0, f"{titles.get(ruleset_id, ruleset_id)}: {total} open findings")
            _bold(top)
            for bucket in ("error", "warning", "info", "waived"):
                if bucket in buckets:
                    self._add_bucket(top, bucket, buckets[bucket])
            top.setExpanded(True)
        self._add_stale(needle)

    def _data(self) -> Any:
        return self.document.protocol.model_dump(mode="json")

    def _place_groups(self, needle: str = "") -> list[tuple[str, list[Any]]]:
        """Open findings grouped by the place they point at, worst and biggest first."""
        groups: dict[str, list[Any]] = {}
        for finding in self.report.findings if self.report is not None else []:
            if finding.waived or (needle and needle not in _haystack(finding)):
                continue
            groups.setdefault(finding.path or "", []).append(finding)
        order = {path: i for i, path in enumerate(groups)}

        def rank(item: tuple[str, list[Any]]) -> tuple[int, int, int]:
            path, findings = item
            worst = min(severity_rank(f.severity) for f in findings)
            return (worst, -len(findings), order[path])

        return sorted(groups.items(), key=rank)

    def _first_to_do(self) -> str:
        groups = self._place_groups()
        if not groups or min(severity_rank(f.severity) for f in groups[0][1]) > 1:
            return ""
        return path_place(groups[0][0], self._data())

    def _fill_by_place(self, needle: str) -> None:
        data = self._data()
        for path, findings in self._place_groups(needle):
            findings.sort(key=lambda f: severity_rank(f.severity))
            worst = findings[0]
            todo = humanize(worst.fix or worst.message, data)
            place = path_place(path, data)
            top = QTreeWidgetItem(self.tree, [f"{place} ({len(findings)})"])
            top.setIcon(0, icon(SEVERITY_ICON[worst.severity]))
            top.setToolTip(0, f"What to do: {todo}\n(at {path or 'the whole protocol'})")
            top.setData(0, _PLACE_ROLE, (place, todo, len(findings), path))
            _bold(top)
            for finding in findings:
                self._add_finding(top, finding, data)
            top.setExpanded(len(findings) == 1)
        waived = [f for f in self.report.findings if f.waived]
        waived = [f for f in waived if not needle or needle in _haystack(f)]
        if waived:
            group = QTreeWidgetItem(self.tree, [f"{_SEVERITY_TITLES['waived']} ({len(waived)})"])
            group.setIcon(0, icon("waived"))
            for finding in waived:
                self._add_finding(group, finding, data)

    def _add_finding(self, parent: QTreeWidgetItem, finding: Any, data: Any) -> None:
        doubt = "" if finding.provenance == "verified" else f" [{finding.provenance}]"
        message = humanize(finding.message, data)
        item = QTreeWidgetItem(parent, [f"{finding.rule_id} · {message}{doubt}"])
        item.setData(0, _FINDING_ROLE, finding)
        item.setToolTip(0, f"{message}\n{finding.citation}\nProvenance: {finding.provenance}")
        item.setIcon(0, icon("waived" if finding.waived else SEVERITY_ICON[finding.severity]))
        if finding.waived:
            item.setForeground(0, QColor(severity_colour("waived", self.palette())))

    def _add_leftovers(self, needle: str) -> None:
        shown = [
            leftover
            for leftover in self.leftovers
            if not needle or needle in f"{leftover.label} {leftover.value}".lower()
        ]
        if not shown:
            return
        top = QTreeWidgetItem(self.tree, [f"{_LEFTOVER_TITLE} ({len(shown)})"])
        top.setIcon(0, icon(SEVERITY_ICON["warning"]))
        top.setToolTip(
            0,
            "Copied from an example and not edited yet (a papdesigner convention, not a "
            "regulatory rule): replace them before the PDF goes out.",
        )
        _bold(top)
        for leftover in shown:
            item = QTreeWidgetItem(top, [f"{leftover.label}: {leftover.value[:80]}"])
            item.setData(0, _LEFTOVER_ROLE, leftover.json_path)
            item.setToolTip(0, f"From the example “{leftover.example}”")
        top.setExpanded(True)

    def _add_stale(self, needle: str) -> None:
        """Waivers that match no finding: a small group apart, each with the reason."""
        stale = [
            w
            for w in getattr(self.report, "unmatched_waivers", ())
            if not needle or needle in _stale_haystack(w)
        ]
        if not stale:
            return
        top = QTreeWidgetItem(self.tree, [f"{_STALE_TITLE} ({len(stale)})"])
        top.setToolTip(0, "These waivers acknowledge nothing: check or remove them")
        top.setIcon(0, icon("waived"))
        for waiver in stale:
            where = waiver.path if waiver.path is not None else "whole protocol"
            item = QTreeWidgetItem(top, [f"{waiver.rule_id} · {where} — {waiver.reason}"])
            item.setData(0, _STALE_ROLE, waiver)
            item.setToolTip(0, f"Justification: {waiver.justification}\n{waiver.reason}")
        top.setExpanded(True)

    def _add_bucket(self, parent: QTreeWidgetItem, bucket: str, findings: list[Any]) -> None:
        group = QTreeWidgetItem(parent, [f"{_SEVERITY_TITLES[bucket]} ({len(findings)})"])
        group.setIcon(0, icon("waived" if bucket == "waived" else SEVERITY_ICON[bucket]))
        data = self._data()
        for finding in findings:
            self._add_finding(group, finding, data)
        group.setExpanded(bucket != "waived")

    def _fill_rulesets_menu(self) -> None:
        """One checkable entry per rule set: ticked = checked. Applicability decides by
        default; unticking an applicable set turns it off, ticking another turns it on."""
        self.rulesets_menu.clear()
        self.rulesets_menu.setToolTipsVisible(True)
        for status in self.report.rulesets:
            how = (
                "turned on by you"
                if status.id in self.choice.on
                else ("applies" if status.active else "does not apply")
            )
            as_of = f", sources as of {status.as_of}" if status.as_of else ""
            text = f"{status.title}{_user_mark(status)} ({how}{as_of})"
            self._ruleset_action(status.id, text, status.reason, status.active)
        for ruleset_id in sorted(self.choice.off):
            self._ruleset_action(ruleset_id, "(turned off by you)", "Not checked", active=False)
        if self.choice.on or self.choice.off:
            self.rulesets_menu.addSeparator()
            reset = self.rulesets_menu.addAction("Back to automatic (sites and context decide)")
            reset.triggered.connect(lambda: self._set_choice(RuleSetChoice()))

    def _ruleset_action(self, ruleset_id: str, text: str, reason: str, active: bool) -> None:
        action = QAction(f"{ruleset_id} — {text}", self.rulesets_menu)
        action.setCheckable(True)
        action.setChecked(active)
        action.setToolTip(reason)
        action.setStatusTip(reason)
        if active:
            _bold(action)
        action.toggled.connect(lambda on, rid=ruleset_id: self._on_ruleset_toggled(rid, on))
        self.rulesets_menu.addAction(action)

    def _on_ruleset_toggled(self, ruleset_id: str, on: bool) -> None:
        off, forced = set(self.choice.off), set(self.choice.on)
        if on:
            off.discard(ruleset_id)
            applies = any(s.id == ruleset_id and s.active for s in self.report.rulesets)
            if not applies and ruleset_id not in self.choice.off:
                forced.add(ruleset_id)
        elif ruleset_id in forced:
            forced.discard(ruleset_id)
        else:
            off.add(ruleset_id)
        self._set_choice(RuleSetChoice(frozenset(off), frozenset(forced)))

    def _set_choice(self, choice: RuleSetChoice) -> None:
        self.choice = choice
        self.settings.set_ruleset_choice(
            str(self.document.protocol.id), set(choice.off), set(choice.on)
        )
        self.sig_rulesets_changed.emit(choice)

    # ---- selection, details, jump ---------------------------------------------------------------

    def current_finding(self) -> Any:
        """The finding of the selected row, or None."""
        item = self.tree.currentItem()
        return item.data(0, _FINDING_ROLE) if item is not None else None

    def finding_items(self) -> list[QTreeWidgetItem]:
        """Every finding row, in display order."""
        found: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            for child in _children(item):
                if child.data(0, _FINDING_ROLE) is not None:
                    found.append(child)
                walk(child)

        walk(self.tree.invisibleRootItem())
        return found

    def select_finding(self, rule_id: str, path: str) -> bool:
        """Select the row of a finding (by rule and path); False if it is not listed."""
        for item in self.finding_items():
            finding = item.data(0, _FINDING_ROLE)
            if finding.rule_id == rule_id and finding.path == path:
                self.tree.setCurrentItem(item)
                return True
        return False

    def step(self, direction: int) -> None:
        """Select the next (+1) or previous (-1) finding and jump to it."""
        items = self.finding_items()
        if not items:
            return
        current = self.tree.currentItem()
        index = items.index(current) if current in items else (-1 if direction > 0 else 0)
        self.tree.setCurrentItem(items[(index + direction) % len(items)])
        self.jump_to_current()

    def current_stale_waiver(self) -> Any:
        """The waiver of the selected "match no finding" row, or None."""
        item = self.tree.currentItem()
        return item.data(0, _STALE_ROLE) if item is not None else None

    def jump_to_current(self) -> None:
        """Ask the window to show the field of the selected finding or stale waiver."""
        finding = self.current_finding()
        if finding is not None:
            self.sig_jump_requested.emit(finding.path)
            return
        waiver = self.current_stale_waiver()
        if waiver is not None and path_resolves(self.document.protocol, waiver.path):
            self.sig_jump_requested.emit(waiver.path)
            return
        item = self.tree.currentItem()
        leftover = item.data(0, _LEFTOVER_ROLE) if item is not None else None
        if leftover is not None:
            self.sig_jump_requested.emit(leftover)

    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        roles = (_FINDING_ROLE, _STALE_ROLE, _LEFTOVER_ROLE)
        if any(item.data(0, role) is not None for role in roles):
            self.jump_to_current()
        elif (first := item.child(0)) is not None:  # a place: go to its first finding
            self.tree.setCurrentItem(first)
            self.jump_to_current()

    def _on_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: object
    ) -> None:
        finding = current.data(0, _FINDING_ROLE) if current is not None else None
        stale = current.data(0, _STALE_ROLE) if current is not None else None
        leftover = current.data(0, _LEFTOVER_ROLE) if current is not None else None
        self.jump_button.setEnabled(
            finding is not None
            or leftover is not None
            or (stale is not None and path_resolves(self.document.protocol, stale.path))
        )
        self.waive_button.setEnabled(finding is not None)
        self.waive_button.setText(
            "Remove waiver" if finding is not None and finding.waived else "Waive…"
        )
        place = current.data(0, _PLACE_ROLE) if current is not None else None
        if place is not None:
            self.details.setHtml(place_html(*place))
        elif stale is not None:
            self.details.setHtml(stale_waiver_html(stale))
        else:
            self.details.setHtml(finding_html(finding) if finding is not None else _HINT)

    # ---- waivers --------------------------------------------------------------------------------

    def waive_current(self) -> None:
        """Waive the selected finding (ask for a justification), or remove its waiver."""
        finding = self.current_finding()
        if finding is None:
            return
        if finding.waived:
            self.remove_waiver(finding)
            return
        dialog = WaiveDialog(finding, self.settings.author(), self)
        if dialog.exec() == WaiveDialog.DialogCode.Accepted:
            justification, author = dialog.values()
            self.waive(finding, justification, author)

    def waive(self, finding: Any, justification: str, author: str) -> bool:
        """Record a waiver of ``finding`` as an undoable edit."""
        if author:
            self.settings.set_author(author)
        command = add_waiver(
            self.document.protocol,
            finding.rule_id,
            finding.path,
            justification,
            author=author,
            date=dt.date.today().isoformat(),
        )
        return self.document.push(command)

    def remove_waiver(self, finding: Any) -> bool:
        """Remove the waiver that covers ``finding`` (undoable)."""
        target = finding.waiver.path if finding.waiver is not None else finding.path
        for index, waiver in enumerate(self.document.protocol.waivers):
            if waiver.rule_id == finding.rule_id and waiver.path == target:
                return self.document.push(
                    RemoveItem(("waivers",), index, f"Remove waiver of {finding.rule_id}")
                )
        return False


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(item.childCount()) if (child := item.child(i)) is not None]


_HINT = "<p>Select a finding to see its rule, citation and why it fired.</p>"


def _haystack(finding: Any) -> str:
    return f"{finding.rule_id} {finding.message} {finding.citation} {finding.title}".lower()


def _stale_haystack(waiver: Any) -> str:
    return f"{waiver.rule_id} {waiver.path} {waiver.justification} {waiver.reason}".lower()


def path_resolves(protocol: Any, path: str | None) -> bool:
    """True when ``path`` parses and names an element that exists in the protocol."""
    if path is None:
        return False
    try:
        parts = parse_path(path)
    except ValueError:
        return False
    node: Any = protocol.model_dump(mode="json")
    for part in parts:
        in_list = isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node)
        in_dict = isinstance(part, str) and isinstance(node, dict) and part in node
        if not (in_list or in_dict):
            return False
        node = node[part]
    return True


def place_html(place: str, todo: str, count: int, path: str) -> str:
    """The details pane for a place: what to do first, and how many findings point there."""
    many = f"{count} findings from the rule sets point here" if count > 1 else "1 finding"
    return (
        f"<h3>{escape(place)}</h3><p><b>What to do:</b> {escape(todo)}</p>"
        f"<p>{many}; the same problem is listed once per rule set that asks for it. "
        "Fixing it answers all of them. Open a finding below for its source.</p>"
        f"<p><small>at <code>{escape(path or '$')}</code></small></p>"
    )


def stale_waiver_html(waiver: Any) -> str:
    """The details pane for a waiver that matches no finding."""
    where = waiver.path if waiver.path is not None else "the whole protocol"
    return (
        f"<h3>Waiver that matches no finding</h3>"
        f"<p><b>{escape(waiver.rule_id)}</b> at <code>{escape(where)}</code> "
        f"(waiver {waiver.index + 1} of the protocol)</p>"
        f"<p><b>Why it matches nothing:</b> {escape(waiver.reason)}</p>"
        f"<p><b>Justification:</b> {escape(waiver.justification)}</p>"
        "<p>It waives nothing. If the element moved, the finding at its new place is not "
        "waived: waive that finding again and remove this waiver.</p>"
    )


def _bold(target: QTreeWidgetItem | QAction) -> None:
    if isinstance(target, QTreeWidgetItem):
        font = QFont(target.font(0))
        font.setBold(True)
        target.setFont(0, font)
    else:
        font = QFont(target.font())
        font.setBold(True)
        target.setFont(font)


def _rule_spec(rule_id: str) -> Any:
    from papdesigner.rules import default_catalogue

    found = default_catalogue().rule(rule_id)
    return found if found is not None else (None, None)


def finding_html(finding: Any) -> str:
    """The details pane: message, citation, provenance, fix, clauses, waiver."""
    ruleset, rule = _rule_spec(finding.rule_id)
    parts = [
        f"<h3>{escape(finding.title or finding.rule_id)}</h3>",
        f"<p><b>{escape(finding.severity.capitalize())}</b> · {escape(finding.rule_id)} · "
        f"{escape(finding.ruleset)}</p>",
        f"<p>{escape(humanize(finding.message))}</p>",
        f"<p><b>Source:</b> {escape(finding.citation)}",
    ]
    if ruleset is not None:
        source = ruleset.spec.source
        when = f"{escape(source.date)}, {escape(source.status)}"
        parts.append(f"<br><small>{escape(source.title)} ({when})</small>")
    parts.append("</p>")
    provenance = _PROVENANCE.get(finding.provenance, finding.provenance)
    note = (
        f" {escape(rule.spec.provenance_note)}"
        if rule is not None and rule.spec.provenance_note
        else ""
    )
    parts.append(f"<p><b>Provenance:</b> {escape(provenance)}.{note}</p>")
    if finding.fix:
        parts.append(f"<p><b>How to fix:</b> {escape(humanize(finding.fix))}</p>")
    if rule is not None:
        parts.append(f"<p><b>Why:</b> {escape(rule.spec.rationale)}</p>")
    parts.append(
        f"<p><b>Where:</b> {escape(path_place(finding.path))}<br>"
        f"<small>at <code>{escape(finding.path)}</code></small></p>"
    )
    parts.append(_clauses_html(finding))
    if finding.waived and finding.waiver is not None:
        w = finding.waiver
        who = ", ".join(x for x in (w.author, w.date or "") if x)
        parts.append(
            f"<p><b>Waived</b>{' by ' + escape(who) if who else ''}: {escape(w.justification)}</p>"
        )
    for problem in finding.problems:
        parts.append(f"<p><i>Rule problem: {escape(problem)}</i></p>")
    return "".join(parts)


def _clauses_html(finding: Any) -> str:
    if not finding.clauses:
        return ""
    rows = []
    for clause in finding.clauses:
        mark = {True: "✔ true", False: "✘ false", None: "? unknown"}[clause.value]
        error = f"<br><small>{escape(clause.error)}</small>" if clause.error else ""
        rows.append(
            f"<tr><td>{escape(clause.role)}</td><td><code>{escape(clause.expr)}</code>{error}</td>"
            f"<td><b>{mark}</b></td></tr>"
        )
    return (
        "<p><b>Clauses</b> (the rule requires every <i>require</i> clause to be true):</p>"
        '<table border="0" cellspacing="4">' + "".join(rows) + "</table>"
    )


def _user_mark(status: Any) -> str:
    """A set papdesigner does not ship is labelled: an id like "FDA-PSY-2025" is not official."""
    return " (user rule set)" if getattr(status, "user_set", False) else ""
