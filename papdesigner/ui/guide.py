"""Help > User guide (F1): a short tour of papdesigner, offline, inside the application.

It follows the README's tour: the steps, the compliance panel, the schedule, the
PDF hand-off, the library; then the keys. The step list is read from
:mod:`papdesigner.ui.steps`, so it always names the steps the navigator shows.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from papdesigner.ui.shortcuts import help_rows
from papdesigner.ui.steps import STEPS

_INTRO = """
<h2>papdesigner — a short tour</h2>
<p>papdesigner helps you design a psychedelic-assisted psychotherapy trial protocol, checks it
live against the regulatory rule sets that apply to it, and exports a PDF for the ethics board.
Nothing in it uses the network.</p>
<h3>1. Start</h3>
<p><b>File › New</b> offers a <b>blank protocol</b> (a short guided start asks for the context,
the country of the first site, the substance and the indication) or a copy of an example.
Values copied from an example are marked <i>to replace</i> until you edit them, and the
compliance panel lists what is still example text.</p>
<h3>2. Work through the steps</h3>
<p>The navigator on the left lists the steps; each shows a mark for how complete it is and
how many findings point into it. <b>Ctrl+PgDown</b> / <b>Ctrl+PgUp</b> move between steps and put
the cursor in the first field.</p>
"""

_MIDDLE = """
<h3>3. Doses</h3>
<p><b>Interventions &amp; dosing</b> has a dose overview: one row per arm, one column per dosing
session. Edit a dose in its cell; a cell without an administration reads <i>none</i>. Each
dosing session's full details (supplemental doses, observation, discharge) are in
<b>Sessions &amp; schedule</b>, where the timeline shows every session by study day (drag a
marker, or Shift+Left/Right, to move it) and the sessions can be sorted by day.</p>
<h3>4. The compliance panel</h3>
<p>On the right, "What to do first" groups the findings by the place they point at, worst
first: the same problem asked for by several rule sets is one row with a count, and selecting
the row says what to do ("By rule set" lists each set apart). Each finding says what is wrong, the
document and section it rests on, and how sure that source is (verified, secondary,
uncertain). Double-click or Enter goes to the field; <b>Waive…</b> records a justified waiver.
<b>F8</b> walks through the findings.</p>
<h3>5. Find anything</h3>
<p><b>Ctrl+F</b> searches every field of the protocol and jumps to the one you choose.</p>
<h3>6. Hand-off</h3>
<p><b>Ctrl+E</b> exports the PDF; <b>Ctrl+P</b> shows it in a preview with <b>Print…</b> (no PDF
viewer needed). The schedule of activities can be saved as CSV for a spreadsheet. The PDF
carries a fingerprint that <code>papdesigner verify</code> checks against the protocol file.</p>
<h3>7. Versions</h3>
<p><b>Ctrl+S</b> saves a new version in the local library with a message; <b>Version history</b>
compares two versions and, once the protocol is approved, records each change as an amendment.
Every edit can be undone (<b>Ctrl+Z</b>); typing in one field is one undo step.</p>
"""


def guide_html() -> str:
    """The user guide as HTML (steps and keys filled in from the application itself)."""
    steps = "".join(f"<li>{escape(s.title)}</li>" for s in STEPS)
    keys = "".join(
        f"<tr><td><b>{escape(k)}</b></td><td>{escape(what)}</td></tr>" for k, what in help_rows()
    )
    return (
        _INTRO
        + f"<ol>{steps}</ol>"
        + _MIDDLE
        + f'<h3>Keys</h3><table cellspacing="4">{keys}</table>'
    )


class GuideDialog(QDialog):
    """The user guide in a scrolling, searchable-by-eye text view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("papdesigner user guide")
        self.text = QTextBrowser()
        self.text.setAccessibleName("User guide")
        self.text.setHtml(guide_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 640)
