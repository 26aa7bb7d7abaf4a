"""The main window: step navigator on the left, the step's editor in the centre,
the compliance dock on the right; menus, toolbar and status bar around them.

The window is built in two phases so that it appears at once: the frame
(navigator, menus, toolbar, status bar) needs only Qt; :meth:`MainWindow.attach`
then imports the model, opens the document and adds the compliance dock. The
application calls ``attach`` right after the first paint; tests and other callers
get both phases in the constructor. Step editors are built the first time their
step is shown. Every editor receives the findings that point into its step.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from papdesigner import __version__
from papdesigner.ui.gc_guard import install_gc_guard
from papdesigner.ui.highlight import flash
from papdesigner.ui.icons import icon
from papdesigner.ui.interop_actions import install_interop_actions
from papdesigner.ui.navigator import StepNavigator
from papdesigner.ui.notice import NoticeBar
from papdesigner.ui.screen_fit import (
    PREFERRED_WINDOW,
    DialogFitter,
    available_geometry,
    fitted,
)
from papdesigner.ui.settings import AppSettings
from papdesigner.ui.shortcuts import WINDOW_KEYS_IN_TEXT_FIELDS, keys_of
from papdesigner.ui.status import StatusBar
from papdesigner.ui.steps import STEP_KEYS, finding_path, step_of_path, step_states
from papdesigner.ui.theme import apply_theme
from papdesigner.ui.window_actions import (
    SHORTCUTS_HELP,
    build_actions,
    build_menus,
    build_toolbar,
)

if TYPE_CHECKING:
    from papdesigner.model.jsonpath import JsonPath
    from papdesigner.model.protocol import Protocol
    from papdesigner.ui.compliance import ComplianceRunner, RuleSetChoice
    from papdesigner.ui.compliance_dock import ComplianceDock
    from papdesigner.ui.document import EditedProtocol
    from papdesigner.ui.editors.base import StepEditor
    from papdesigner.ui.export_ui import ExportController
    from papdesigner.ui.files import FileController
    from papdesigner.ui.form import FieldProblem

_EDITORS: dict[str, tuple[str, str]] = {
    "overview": ("overview", "OverviewEditor"),
    "sites": ("sites", "SitesEditor"),
    "population": ("population", "PopulationEditor"),
    "interventions": ("interventions", "InterventionsEditor"),
    "team": ("team", "TeamEditor"),
    "setting": ("setting", "SettingEditor"),
    "sessions": ("sessions", "SessionsEditor"),
    "psychotherapy": ("psychotherapy", "PsychotherapyEditor"),
    "safety": ("safety", "SafetyEditor"),
    "outcomes": ("outcomes", "OutcomesEditor"),
    "ethics": ("ethics", "EthicsEditor"),
    "review": ("review", "ReviewEditor"),
}


def _editor_class(key: str) -> type[StepEditor]:
    """Import a step's editor only when the step is first shown (fast start-up)."""
    module_name, class_name = _EDITORS[key]
    module = importlib.import_module(f"papdesigner.ui.editors.{module_name}")
    editor_class: type[StepEditor] = getattr(module, class_name)
    return editor_class


def _late(method: Callable[[], Callable[[], object]]) -> Callable[[], object]:
    """A slot that looks up its (type-checked) method only when it is triggered."""

    def call() -> object:
        return method()()

    return call


class _UndoKeysToWindow(QObject):
    """Let the window's own keys (undo, redo, export, find, quit) work inside a text field.

    Text widgets claim Ctrl+Z/Ctrl+Y for their own small undo stack and, on Linux,
    Ctrl+E (end of line) too; ours is the protocol's history and Ctrl+E exports, so
    the widget must not take them (a swallowed Ctrl+E let the typed file name land in
    the field).
    """

    _KEYS = tuple(QKeySequence(key) for name in WINDOW_KEYS_IN_TEXT_FIELDS for key in keys_of(name))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in self._KEYS):
                event.ignore()
                return True
        return False


class MainWindow(QMainWindow):
    """Top-level window of papdesigner."""

    sig_first_painted = Signal()
    """Emitted once, right after the window was first painted."""

    def __init__(
        self,
        protocol: Protocol | None = None,
        settings: AppSettings | None = None,
        *,
        deferred: bool = False,
    ) -> None:
        super().__init__()
        install_gc_guard()  # before any worker thread starts: collect in this thread only
        self.settings = settings or AppSettings()
        self.editors: dict[str, StepEditor] = {}
        self.problems: list[FieldProblem] = []
        self.report: Any = None
        self.ready = False
        """True once :meth:`attach` has opened the document."""
        self.setWindowIcon(icon("app"))
        self.setObjectName("MainWindow")
        self.setWindowTitle("papdesigner")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.navigator = StepNavigator()
        self.stack = QStackedWidget()
        self.stack.setAccessibleName("Step editor")
        self.loading = QLabel("Opening the protocol…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        self.notice = NoticeBar()
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.notice)
        centre_layout.addWidget(self.stack, 1)
        self.setCentralWidget(centre)
        self.nav_dock = QDockWidget("Steps", self)
        self.nav_dock.setObjectName("StepsDock")
        self.nav_dock.setWidget(self.navigator)
        self.nav_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.nav_dock)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._build_actions()
        self._painted = False
        self.installEventFilter(self)
        geometry, _state = self.settings.window_state()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(fitted(PREFERRED_WINDOW, available_geometry(self)))
        self._app_filters: list[QObject] = []
        self._filters_paused = False
        """The window's application-wide event filters (see :meth:`_app_filters_paused`)."""
        self._dialog_fitter = DialogFitter(self)
        self._install_app_filter(self._dialog_fitter)
        self._first_layout = True
        if not deferred:
            self.attach(protocol)

    def attach(self, protocol: Protocol | None = None, file: str | None = None) -> None:
        """Second phase: open the document, add the compliance dock, wire everything.

        With ``file``, that protocol file is opened before the first editor is built.
        """
        from papdesigner.model.protocol import Protocol
        from papdesigner.ui.compliance import ComplianceRunner
        from papdesigner.ui.compliance_dock import ComplianceDock
        from papdesigner.ui.document import EditedProtocol
        from papdesigner.ui.export_ui import ExportController
        from papdesigner.ui.files import FileController

        with self._app_filters_paused():
            self.document: EditedProtocol = EditedProtocol(protocol or Protocol(), self)
            self.dock: ComplianceDock = ComplianceDock(self.document, self.settings, self)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
            self.runner: ComplianceRunner = ComplianceRunner(self.document, self)
            self.files: FileController = FileController(self.document, self.settings, self)
            self.exporter: ExportController = ExportController(self.document, self.settings, self)
        self.exporter.library_head = self.files.library_head  # recorded in exported PDFs
        self._connect()
        self._undo_keys = _UndoKeysToWindow(self)
        self._install_app_filter(self._undo_keys)
        self._states_timer = QTimer(self)
        self._states_timer.setSingleShot(True)
        self._states_timer.setInterval(120)
        self._states_timer.timeout.connect(self._update_states)
        _geometry, state = self.settings.window_state()
        self._first_layout = state is None or not self.restoreState(state)
        if self._first_layout and self.isVisible():
            QTimer.singleShot(0, self._size_dock)
        self.ready = True
        for action in self.actions():
            action.setEnabled(True)
        if file is not None:
            self.files.open_file(file)
        self._on_document_state_changed()
        self.navigator.choose(STEP_KEYS[0])
        self.show_step(STEP_KEYS[0])
        self._on_document_replaced()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Tell the application when the window has been painted for the first time."""
        if watched is self and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.sig_first_painted.emit)
        return super().eventFilter(watched, event)

    # ---- construction -------------------------------------------------------------------------

    def _install_app_filter(self, event_filter: QObject) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(event_filter)
            self._app_filters.append(event_filter)

    @contextmanager
    def _app_filters_paused(self) -> Iterator[None]:
        """Build widgets without the window's application-wide event filters.

        Every event of every widget passes through them in Python. Building a step
        editor sends thousands of events (polish, child added, layout) that they never
        act on, which made building the first step ~20 ms slower (of ~50). Nothing they
        act on can happen during the construction: no dialog is shown and no key is
        delivered while it runs, so pausing them changes no behaviour.
        """
        app = QApplication.instance()
        if app is None or self._filters_paused:
            yield
            return
        self._filters_paused = True
        for event_filter in self._app_filters:
            app.removeEventFilter(event_filter)
        try:
            yield
        finally:
            for event_filter in self._app_filters:
                app.installEventFilter(event_filter)
            self._filters_paused = False

    def _build_actions(self) -> None:
        # Slots look the controllers up when triggered: they exist once attach() ran.
        slots = {
            "new": self.new_from_template,
            "open": _late(lambda: self.files.open_dialog),
            "open_library": _late(lambda: self.files.open_from_library),
            "save": _late(lambda: self.files.save),
            "save_as": _late(lambda: self.files.save_as),
            "save_copy": _late(lambda: self.files.save_copy),
            "save_note": _late(lambda: self.files.save_with_note),
            "history": _late(lambda: self.files.show_history),
            "export_pdf": self.export_pdf,
            "quit": self.close,
            "undo": _late(lambda: self.document.undo),
            "redo": _late(lambda: self.document.redo),
            "check": _late(lambda: self.runner.check_now),
            "next_finding": lambda: self.dock.step(+1),
            "previous_finding": lambda: self.dock.step(-1),
            "next_step": lambda: self._step_by(+1),
            "previous_step": lambda: self._step_by(-1),
            "about": self._about,
            "shortcuts": self._shortcuts,
            "preview_pdf": self.preview_pdf,
            "find": self.find_in_protocol,
            "guide": self.show_guide,
        }
        self.action_set = build_actions(self, slots)
        a = self.action_set
        a.show_compliance.setCheckable(True)
        a.show_compliance.setChecked(True)
        build_menus(self, a)
        self.interop_actions = install_interop_actions(self)  # File: USDM and registration
        self.toolbar = build_toolbar(self, a)
        for action in a.themes.actions():
            action.setChecked(action.data() == self.settings.theme())
        a.themes.triggered.connect(self._on_theme_triggered)
        a.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        a.undo_history_menu.aboutToShow.connect(self._fill_undo_history_menu)
        for action in self.actions():
            if action not in (a.quit, a.about, a.shortcuts, a.guide):
                action.setEnabled(False)  # until attach() opened the document

    def _connect(self) -> None:
        d = self.document
        self.navigator.sig_step_chosen.connect(self.show_step)
        d.sig_changed.connect(self._on_document_changed)
        d.sig_state_changed.connect(self._on_document_state_changed)
        d.sig_refused.connect(self._on_document_refused)
        self.runner.sig_report.connect(self._on_runner_report)
        self.runner.sig_failed.connect(self.dock.show_failure)
        self.runner.sig_started.connect(self.status.show_checking)
        self.dock.sig_jump_requested.connect(self.reveal)
        self.dock.sig_rulesets_changed.connect(self._on_dock_rulesets_changed)
        self.status.sig_counts_clicked.connect(self._show_dock)
        self.files.sig_status.connect(self._show_message)
        self.files.sig_jump_requested.connect(self.reveal)
        self.exporter.sig_status.connect(self._show_message)
        self.action_set.show_compliance.toggled.connect(self.dock.setVisible)
        self.dock.visibilityChanged.connect(self._on_dock_visibility_changed)

    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if not self.isMinimized():
            self.action_set.show_compliance.setChecked(visible)

    # ---- steps ----------------------------------------------------------------------------------

    def editor(self, key: str) -> StepEditor:
        """The editor of a step, built on first use."""
        if key not in self.editors:
            with self._app_filters_paused():
                editor = _editor_class(key)(self.document)
            self.editors[key] = editor
            self.stack.addWidget(editor)
            editor.show_problems(self._problems_of(key))
            if key == "review":
                self._wire_review(editor)
        return self.editors[key]

    def show_step(self, key: str) -> None:
        """Show a step's editor in the centre."""
        editor = self.editor(key)
        if self.stack.currentWidget() is not editor:
            self.notice.hide_notice()
        self.stack.setCurrentWidget(editor)
        if self.navigator.current_key() != key:
            self.navigator.choose(key)

    def current_step(self) -> str:
        """The key of the step on screen."""
        return self.navigator.current_key()

    def _step_by(self, delta: int) -> None:
        index = STEP_KEYS.index(self.current_step())
        self.show_step(STEP_KEYS[(index + delta) % len(STEP_KEYS)])
        self.focus_step()

    def focus_step(self) -> None:
        """Put the keyboard focus on the first field of the step on screen."""
        editor = self.stack.currentWidget()
        if editor is None:
            return
        widget = editor.nextInFocusChain()
        for _ in range(10_000):  # the focus chain is a ring: stop when it comes back
            if widget is None or widget is editor:
                return
            takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            if takes_tab and editor.isAncestorOf(widget) and widget.isVisible():
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()

    def _wire_review(self, editor: StepEditor) -> None:
        from papdesigner.ui.editors.review import ReviewEditor

        assert isinstance(editor, ReviewEditor)
        a = self.action_set
        editor.set_actions([a.save, a.save_as, a.history, a.export_pdf])
        editor.sig_step_requested.connect(self.show_step)
        editor.show_states(self._states())

    # ---- findings -------------------------------------------------------------------------------

    def _narrative_m11(self, *paths: JsonPath) -> dict[str, tuple[str, ...]]:
        """Which step edits each narrative section (read from the catalogue when needed)."""
        wanted = [*paths, *(p.path for p in self.problems)]
        if not any(path[:1] == ("narrative",) for path in wanted):
            return {}
        from papdesigner.ui import choices

        return choices.narrative_m11()

    def _problems_of(self, key: str) -> list[FieldProblem]:
        m11 = self._narrative_m11()
        return [p for p in self.problems if step_of_path(p.path, m11) == key]

    def _on_runner_report(self, report: Any) -> None:
        from papdesigner.model.labels import humanize
        from papdesigner.model.leftovers import template_leftovers
        from papdesigner.ui.form import FieldProblem

        self.report = report
        data = self.document.protocol.model_dump(mode="json")
        self.problems = [
            FieldProblem(
                finding_path(f.path), f.severity, f"{humanize(f.message, data)} [{f.rule_id}]"
            )
            for f in report.findings
            if not f.waived
        ]
        leftovers = template_leftovers(self.document.protocol)
        self.problems += [
            FieldProblem(
                left.path,
                "warning",
                f"To replace: this is still the text of the example “{left.example}”.",
            )
            for left in leftovers
        ]
        self.dock.leftovers = leftovers
        for key, editor in self.editors.items():
            editor.show_problems(self._problems_of(key))
        self.dock.show_report(report)
        self.status.show_report(report)
        self._update_states()

    def _states(self) -> Any:
        findings = (
            [(f.path, f.severity, f.waived) for f in self.report.findings] if self.report else []
        )
        return step_states(self.document.protocol, findings, self._narrative_m11())

    def _update_states(self) -> None:
        states = self._states()
        self.navigator.show_states(states)
        review = self.editors.get("review")
        if review is not None:
            review.show_states(states)  # type: ignore[attr-defined]

    def reveal(self, path_text: str) -> bool:
        """Jump to the field a finding's JSON path names, and highlight it."""
        return self.reveal_path(finding_path(path_text))

    def _on_dock_rulesets_changed(self, choice: RuleSetChoice) -> None:
        self.runner.choice = choice
        self.runner.check_now()

    def _show_dock(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.dock.tree.setFocus()

    # ---- document events ------------------------------------------------------------------------

    def _on_document_changed(self, change: Any) -> None:
        self.notice.hide_notice()  # the next edit went through: the old refusal is history
        if change.reason == "reset":
            self._on_document_replaced()
        self._states_timer.start()

    def _on_document_replaced(self) -> None:
        from papdesigner.ui.compliance import RuleSetChoice

        off, on = self.settings.ruleset_choice(str(self.document.protocol.id))
        choice = RuleSetChoice(frozenset(off), frozenset(on))
        self.runner.choice = choice
        self.dock.choice = choice
        self.runner.schedule()
        self._update_states()
        self._on_document_state_changed()

    def _on_document_state_changed(self) -> None:
        d = self.document
        history = d.history
        a = self.action_set
        a.undo.setEnabled(history.can_undo())
        a.redo.setEnabled(history.can_redo())
        a.undo.setText(f"&Undo {history.undo_label()}" if history.can_undo() else "&Undo")
        a.redo.setText(f"&Redo {history.redo_label()}" if history.can_redo() else "&Redo")
        undo_key, redo_key = keys_of("undo")[0], keys_of("redo")[0]
        a.undo.setToolTip(
            f"Undo {history.undo_label()} ({undo_key})" if history.can_undo() else "Nothing to undo"
        )
        a.redo.setToolTip(
            f"Redo {history.redo_label()} ({redo_key})" if history.can_redo() else "Nothing to redo"
        )
        where = self.files.location_text()
        self.setWindowTitle(f"{d.title()}[*] — {where} — papdesigner")
        self.setWindowModified(d.is_modified())
        stored = d.file_path is not None or bool(d.library_id)
        self.status.show_saved(modified=d.is_modified(), where=where, stored=stored)

    def _on_document_refused(self, message: str, path: object) -> None:
        """Say why an edit was refused where the user is looking: in the notice bar above
        the step (field editors also show it under the field); the status line repeats it."""
        from papdesigner.model.labels import humanize, place_label

        error = self.document.last_error
        reason = error.message if error is not None else message
        where = place_label(path) if isinstance(path, tuple) and path else ""
        text = humanize(reason)
        self.notice.show_notice(f"Not applied: {text}" + (f" ({where})" if where else ""))
        self._show_message(f"Not applied: {text}", 8000)

    def _show_message(self, message: str, timeout: int = 6000) -> None:
        self.status.showMessage(message, timeout)

    # ---- menus ------------------------------------------------------------------------------

    def _fill_recent_menu(self) -> None:
        menu = self.action_set.recent_menu
        menu.clear()
        entries = [e for e in self.settings.recent() if e.exists()]
        for entry in entries:
            where = "library" if entry.kind == "library" else Path(entry.ref).name
            action = menu.addAction(f"{entry.title} ({where})")
            action.triggered.connect(lambda _c=False, e=entry: self.files.open_recent(e))
        if not entries:
            menu.addAction("No recent protocols").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear list").triggered.connect(self.settings.clear_recent)

    def _fill_undo_history_menu(self) -> None:
        menu = self.action_set.undo_history_menu
        menu.clear()
        labels = self.document.history.undo_labels()[:20]
        for depth, label in enumerate(labels, start=1):
            action = menu.addAction(f"Undo {depth} step{'s' if depth > 1 else ''}: {label}")
            action.triggered.connect(lambda _c=False, n=depth: self._undo_steps(n))
        if not labels:
            menu.addAction("Nothing to undo").setEnabled(False)

    def _undo_steps(self, count: int) -> None:
        for _ in range(count):
            self.document.undo()

    def _on_theme_triggered(self, action: Any) -> None:
        theme = str(action.data())
        self.settings.set_theme(theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About papdesigner",
            f"<b>papdesigner {__version__}</b><br>Design psychedelic-assisted psychotherapy trial "
            "protocols offline, checked live against cited regulatory rule sets.<br><br>"
            "Nothing in this application uses the network.",
        )

    def _shortcuts(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setText(SHORTCUTS_HELP)
        box.exec()

    # ---- file actions ---------------------------------------------------------------------------

    def open_file(self, path: str) -> bool:
        """Open a protocol file (used by ``papdesigner open FILE``)."""
        return self.files.open_file(path)

    def new_from_template(self) -> bool:
        """Run the New-from-template wizard and open its result."""
        from papdesigner.ui.dialogs.new_protocol import NewProtocolWizard

        if not self.files.confirm_discard():
            return False
        wizard = NewProtocolWizard(self)
        if wizard.exec() != NewProtocolWizard.DialogCode.Accepted:
            return False
        protocol = wizard.protocol()
        if protocol is None:
            return False
        self.files.new_protocol(protocol)
        self.show_step("overview")
        return True

    def preview_pdf(self) -> Any:
        """Export to a temporary PDF and show it in the preview (with Print)."""
        from papdesigner.ui.pdf_preview import preview_protocol

        return preview_protocol(self)

    def find_in_protocol(self) -> Any:
        """Open the search over the whole protocol (Ctrl+F)."""
        from papdesigner.ui.search import SearchDialog

        dialog = SearchDialog(self.document, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_jump_requested.connect(self._jump_from_search)
        dialog.show()
        return dialog

    def _jump_from_search(self, path: JsonPath) -> None:
        self.activateWindow()  # back from the search box: the keyboard goes to the field
        self.reveal_path(path)

    def show_guide(self) -> Any:
        """Show the built-in user guide (F1)."""
        from papdesigner.ui.guide import GuideDialog

        dialog = GuideDialog(self)
        dialog.show()
        return dialog

    def reveal_path(self, path: JsonPath) -> bool:
        """Jump to the field of a JSON path given as a tuple."""
        key = step_of_path(path, self._narrative_m11(path))
        self.show_step(key)
        editor = self.editor(key)
        if editor.reveal(path):
            return True
        flash(editor)
        return False

    def export_pdf(self) -> Any:
        """Export the PDF (with the current report when it is up to date)."""
        report = self.runner.report if self.runner.is_current() else None
        return self.exporter.export(report=report)

    # ---- window state ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """On the very first start, give the compliance dock a readable width."""
        super().showEvent(event)
        if self.ready and self._first_layout:
            QTimer.singleShot(0, self._size_dock)  # once the layout has its real size

    def _size_dock(self) -> None:
        if not self._first_layout:
            return
        self._first_layout = False
        width = max(self.width() // 4, 360)
        steps = self.navigator.minimumWidth() + 8
        self.resizeDocks([self.nav_dock, self.dock], [steps, width], Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Ask about unsaved edits, remember the layout, close the library cleanly."""
        if self.ready and not self.files.confirm_discard():
            event.ignore()
            return
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        if self.ready:
            self.runner.wait(5000)
            self.files.close_library()
        app = QApplication.instance()
        if app is not None:
            for event_filter in self._app_filters:
                app.removeEventFilter(event_filter)
        self._app_filters.clear()
        event.accept()
