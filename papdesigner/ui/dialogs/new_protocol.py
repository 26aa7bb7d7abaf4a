"""New protocol: a short wizard (substance, indication, context, site) -> blank or from an example.

The shipped examples are the templates. The wizard ranks them by how well they
match the answers, the user picks one, and the new protocol is a copy of it
with a fresh id, the chosen context, indication and site, and no waivers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from papdesigner.model import vocab
from papdesigner.model.protocol import Protocol, Site
from papdesigner.model.templates import new_from_template, template_names, template_path
from papdesigner.ui import choices


@dataclass(frozen=True)
class Answers:
    """What the user told the wizard."""

    substance: str
    condition: str
    context: str
    site_name: str
    country: str
    region: str | None
    title: str


@dataclass(frozen=True)
class TemplateInfo:
    """A shipped example and the facts used to rank it."""

    name: str
    title: str
    substances: tuple[str, ...]
    condition: str
    context: str


def template_infos() -> list[TemplateInfo]:
    """Read every shipped example (skipping any that fail to load)."""
    from papdesigner.model.fileformat import ProtocolFileError, load_protocol

    infos = []
    for name in template_names():
        try:
            p = load_protocol(template_path(name))
        except ProtocolFileError:
            continue
        infos.append(
            TemplateInfo(
                name,
                p.metadata.title or name,
                tuple(p.substances()),
                p.indication.condition,
                p.context,
            )
        )
    return infos


def score(info: TemplateInfo, answers: Answers) -> int:
    """How well an example matches: substance counts most, then indication, then context."""
    return (
        4 * (answers.substance in info.substances)
        + 2 * (answers.condition == info.condition)
        + (answers.context == info.context)
    )


def build_protocol(template: str, answers: Answers) -> Protocol:
    """Copy the template and apply the answers (fresh id, no waivers, version 0.1 today)."""
    p = new_from_template(template)
    p.waivers = []
    p.context = answers.context  # type: ignore[assignment]
    p.indication.condition = answers.condition  # type: ignore[assignment]
    main = p.substances()[0] if p.substances() else None
    if main is not None and answers.substance not in p.substances():
        # No example uses this substance: its active product becomes the chosen one,
        # placebos and comparators stay as they are.
        for product in p.products:
            if product.substance == main:
                product.substance = answers.substance  # type: ignore[assignment]
                product.name = f"{vocab.label(answers.substance)} (check the doses)"
    if answers.title:
        p.metadata.title = answers.title
    p.metadata.version = "0.1"
    p.metadata.version_date = dt.date.today()
    site = Site(
        id="site1",
        name=answers.site_name or "Site 1",
        country=answers.country,
        region=answers.region,
    )
    p.sites = [site]
    for setting in p.settings:
        setting.site_id = "site1" if setting.site_id is not None else None
    return p


BLANK = "__blank__"
"""The template-list entry of the blank protocol."""


def build_blank(answers: Answers) -> Protocol:
    """A protocol with no example text: only the answers (context, indication, site, product).

    Everything else starts empty, so the compliance panel lists what is still to write.
    """
    from papdesigner.model.protocol import Product

    p = Protocol()
    p.context = answers.context  # type: ignore[assignment]
    p.indication.condition = answers.condition  # type: ignore[assignment]
    p.metadata.title = answers.title
    p.metadata.version = "0.1"
    p.metadata.version_date = dt.date.today()
    p.sites = [
        Site(
            id="site1",
            name=answers.site_name or "Site 1",
            country=answers.country,
            region=answers.region,
        )
    ]
    p.products = [
        Product(
            id="product1",
            substance=answers.substance,
            name=vocab.label(answers.substance),
        )
    ]
    return p


def _combo(values: Sequence[tuple[object, str]], name: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for value, text in values:
        combo.addItem(text, value)
    return combo


class _QuestionsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("What are you planning?")
        self.setSubTitle(
            "Start blank or from the closest example; your answers fill in the basics."
        )
        self.substance = _combo(choices.vocabulary(vocab.Substance), "Substance")
        self.condition = _combo(choices.vocabulary(vocab.Condition), "Indication")
        self.context = _combo(choices.vocabulary(vocab.Context), "Context of use")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("optional; you can change it later")
        self.title_edit.setAccessibleName("Working title")
        self.site_name = QLineEdit("Site 1")
        self.site_name.setAccessibleName("Site name")
        self.country = _combo(choices.countries(), "Country")
        self.country.setCurrentIndex(max(self.country.findData("US"), 0))
        self.region = _combo((("", "— none —"), *choices.regions()), "Region")
        form = QFormLayout(self)
        for label, widget in (
            ("Substance", self.substance),
            ("Indication", self.condition),
            ("Context", self.context),
            ("Working title", self.title_edit),
            ("First site", self.site_name),
            ("Country", self.country),
            ("Region", self.region),
        ):
            form.addRow(f"{label}:", widget)

    def answers(self) -> Answers:
        region = self.region.currentData() or None
        return Answers(
            self.substance.currentData(),
            self.condition.currentData(),
            self.context.currentData(),
            self.site_name.text().strip(),
            self.country.currentData(),
            region,
            self.title_edit.text().strip(),
        )


class _TemplatePage(QWizardPage):
    def __init__(self, questions: _QuestionsPage, infos: list[TemplateInfo]) -> None:
        super().__init__()
        self.setTitle("Start blank or from an example")
        self.setSubTitle(
            "Best matches first. A copy gets a new id and your context, indication and site."
        )
        self.questions = questions
        self.infos = infos
        self.list = QListWidget()
        self.list.setAccessibleName("Example protocols")
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.note)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        answers = self.questions.answers()
        self.list.clear()
        blank = QListWidgetItem(
            "Blank protocol\nNo example text: only your answers; every section starts empty",
            self.list,
        )
        blank.setData(Qt.ItemDataRole.UserRole, BLANK)
        for info in sorted(self.infos, key=lambda i: -score(i, answers)):
            substances = ", ".join(vocab.label(s) for s in info.substances)
            facts = f"{substances} · {vocab.label(info.condition)} · {vocab.label(info.context)}"
            text = f"{info.title}\n{facts}"
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, info)
        self.list.setCurrentRow(1 if self.list.count() > 1 else 0)

    def isComplete(self) -> bool:  # noqa: N802 (Qt API)
        return self.list.currentItem() is not None

    def chosen(self) -> TemplateInfo | str | None:
        item = self.list.currentItem()
        info = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return info if isinstance(info, TemplateInfo) or info == BLANK else None

    def _on_list_current_row_changed(self, _row: int) -> None:
        info = self.chosen()
        answers = self.questions.answers()
        if info == BLANK:
            self.note.setText(
                "A blank protocol has your context, indication, first site and a product of "
                "the substance; the compliance panel lists what to write next."
            )
        elif isinstance(info, TemplateInfo) and answers.substance not in info.substances:
            self.note.setText(
                f"No example uses {vocab.label(answers.substance)}; the product becomes "
                f"{vocab.label(answers.substance)} and its doses must be checked."
            )
        else:
            self.note.setText(
                "The copy keeps the example's texts (sponsor, investigator, numbers…): each is "
                "marked “to replace” until you edit it."
            )
        self.completeChanged.emit()


class NewProtocolWizard(QWizard):
    """Two pages: questions, then the example to copy. :meth:`protocol` builds the result."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New protocol")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.questions = _QuestionsPage()
        self.templates = _TemplatePage(self.questions, template_infos())
        self.addPage(self.questions)
        self.addPage(self.templates)
        self.resize(640, 480)

    def protocol(self) -> Protocol | None:
        """The new protocol (None if no template was chosen)."""
        info = self.templates.chosen()
        if info == BLANK:
            return build_blank(self.questions.answers())
        if isinstance(info, TemplateInfo):
            return build_protocol(info.name, self.questions.answers())
        return None
