"""From jinja2 templates to a list of document blocks (no reportlab here).

The templates in ``templates/pdf/`` write a small, well-formed block language::

    <h1 key="population" m11="5">Trial population</h1>  headings (h1-h3; appendix="yes")
    <p style="body">text with <b>, <i>, <code>, <br/></p>
    <ul><li>...</li></ul>   <dl><dt>label</dt><dd>value</dd></dl>
    <table widths="2cm * 20%" header="1"><tr><th>..</th></tr><tr><td>..</td></tr></table>
    <td><pageref keys="a b" ok="1"/></td>   <td><secref keys="a b"/></td>
    <figure name="timeline">caption</figure>   <missing/>   <anchor key="x"/>
    <toc/>   <pagebreak/>   <spacer height="12"/>

A heading is numbered by its ``m11`` attribute, an ICH M11 section number that must
be listed in ``resources/catalogues/m11_sections.yaml`` (:mod:`.sections`) and used
once; a body heading without one is not numbered. Appendix headings
(``appendix="yes"``) are lettered (Appendix A, A.1, A.2, ...).

Every value a template prints is escaped (autoescaping), passed through
:func:`papdesigner.export.fonts.printable_logical`, and so stays data: ``<font>``, ``&``
or ``{{ x }}`` in a protocol title print literally. Undefined names are errors
(StrictUndefined). A user template directory is searched before the built-in one,
so any template can be overridden by a file of the same name.

Template folders travel between institutions, so templates run in jinja2's
immutable sandbox: no attribute that starts with an underscore (``__globals__``,
``__subclasses__``, ``__init__``), no method that changes data, no ``str.format``
walks, and only the filters and globals registered below. A template that tries
any of that stops the export with one line naming the template and line.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from papdesigner.export.fact_sentences import TEMPLATE_FUNCTIONS as FACT_SENTENCES
from papdesigner.export.fonts import printable_logical
from papdesigner.export.template_cache import bytecode_cache
from papdesigner.export.xmltext import escape
from papdesigner.model.catalogues import instruments
from papdesigner.model.timeline import format_number
from papdesigner.model.vocab import label
from papdesigner.paths import templates_dir

DOCUMENT_TEMPLATE = "pdf/document.xml.j2"
COMPLIANCE_TEMPLATE = "pdf/appendix_compliance.xml.j2"
COMPLIANCE_HEADING = "appx_compliance"
"""The compliance report is always the built-in template, and every document must have it."""
HEADING_MAX_CHARS = 150
"""Longer headings are shortened (with an ellipsis) in the heading, TOC and outline."""

_INLINE = {
    "b": ("<b>", "</b>"),
    "strong": ("<b>", "</b>"),
    "i": ("<i>", "</i>"),
    "em": ("<i>", "</i>"),
    "u": ("<u>", "</u>"),
    "sup": ("<super>", "</super>"),
    "sub": ("<sub>", "</sub>"),
    "code": ('<font face="PapMono">', "</font>"),
    "small": ('<font size="7">', "</font>"),
    "muted": ('<font color="#666666">', "</font>"),
}


class TemplateError(ValueError):
    """A template could not be rendered or wrote malformed output; ``str()`` is one line."""


# --- blocks -----------------------------------------------------------------------------------


@dataclass
class Heading:
    """A heading; ``key`` is its stable anchor for bookmarks and page references.

    ``number`` is its own number ("" when it has none); ``section`` the number a
    reference cites: its own, else that of the nearest numbered heading above it.
    """

    level: int
    key: str
    title: str
    number: str
    toc: bool = True
    section: str = ""


@dataclass
class Para:
    """A paragraph of reportlab paragraph markup."""

    markup: str
    style: str = "body"


@dataclass
class Bullets:
    """A bulleted list; each item is paragraph markup."""

    items: list[str]


@dataclass
class Cell:
    """A table cell: text, a page reference or a section reference."""

    kind: str
    markup: str = ""
    keys: tuple[str, ...] = ()
    ok: bool = True
    header: bool = False
    span: int = 1
    align: str = "left"
    vertical: bool = False


@dataclass
class TableBlock:
    """A table that splits across pages, repeating its header rows."""

    rows: list[list[Cell]]
    widths: list[str]
    header_rows: int
    style: str


@dataclass
class Figure:
    """A drawn figure (by registered name) with its caption markup."""

    name: str
    caption: str


@dataclass
class Missing:
    """A placeholder printed where the protocol gives no content."""

    markup: str


@dataclass
class Anchor:
    """An invisible place that page references may point at."""

    key: str


@dataclass
class Simple:
    """``toc``, ``pagebreak`` or ``spacer`` (with a height in points)."""

    kind: str
    height: float = 0.0


Block = Heading | Para | Bullets | TableBlock | Figure | Missing | Anchor | Simple


@dataclass
class DocumentBlocks:
    """The parsed document: blocks in order, headings by key and what has content."""

    blocks: list[Block]
    headings: dict[str, Heading]
    addressed: set[str] = field(default_factory=set)
    anchor_sections: dict[str, str] = field(default_factory=dict)
    """Anchor key -> number of the section it sits in (the nearest numbered heading above)."""

    def first_addressed(self, keys: tuple[str, ...]) -> Heading | Anchor | None:
        """Return the first of ``keys`` that exists and has content (headings or anchors)."""
        for key in keys:
            if key in self.addressed:
                return self.headings.get(key) or Anchor(key)
        return None


# --- jinja2 -----------------------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return printable_logical(value if isinstance(value, str) else str(value))


def paragraphs(text: str | None, style: str = "body") -> Markup:
    """Jinja filter: user text as ``<p>`` blocks (blank lines split, newlines break)."""
    if not text or not text.strip():
        return Markup("")
    chunks = [c.strip() for c in re.split(r"\n\s*\n", printable_logical(text)) if c.strip()]
    style_attr = escape(style, quote=True)
    return Markup("").join(
        Markup(f'<p style="{style_attr}">{escape(chunk).replace(chr(10), "<br/>")}</p>')
        for chunk in chunks
    )


def _yesno(value: object) -> str:
    return "Yes" if value else "No"


def instrument_name(name: str) -> str:
    """Template global: the full name of a catalogued instrument ("" if unknown)."""
    entry = instruments().resolve(name)
    return entry.full_name if entry else ""


def instrument_reference(name: str) -> str:
    """Template filter: the reference publication of a catalogued instrument ("" if none)."""
    entry = instruments().resolve(name)
    return entry.reference if entry else ""


MAX_REPEAT_CHARS = 100_000
"""Largest text or list a template may make by repetition (``"x" * n``)."""
MAX_POWER_BITS = 4096
"""Largest result of ``a ** b`` in a template, in bits (``9 ** 9 ** 9`` would never finish)."""


class _TemplateSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, also bounding the two operators that can exhaust memory or time."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif _power_too_large(left, right):
            msg = f"{left} ** {right} is too large"
            raise SecurityError(msg)
        return super().call_binop(context, operator, left, right)


def _power_too_large(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or abs(base) < 2:
        return False
    return exponent > 0 and exponent * abs(base).bit_length() > MAX_POWER_BITS


def _check_repeat(sequence: Any, count: Any) -> None:
    sized = isinstance(sequence, str | list | tuple) and isinstance(count, int)
    if sized and len(sequence) * count > MAX_REPEAT_CHARS:
        msg = f"repeating a text or list {count} times makes it too long"
        raise SecurityError(msg)


@cache
def environment(user_dir: str | None = None) -> jinja2.Environment:
    """Return the (cached) jinja2 environment: user templates first, then the built-in ones."""
    search = [user_dir] if user_dir else []
    search.append(str(templates_dir()))
    env = _TemplateSandbox(
        loader=jinja2.FileSystemLoader(search, encoding="utf-8"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        bytecode_cache=bytecode_cache(),  # compiled templates kept between exports
    )
    env.filters.update(
        paras=paragraphs,
        label=label,
        num=format_number,
        yesno=_yesno,
        instrument_reference=instrument_reference,
    )
    # Only what the templates use: jinja2's default globals (range, dict, lipsum,
    # cycler, joiner, namespace) are dropped; the sandbox already blocks their internals.
    env.globals.clear()
    env.globals["instrument_name"] = instrument_name
    env.globals.update(FACT_SENTENCES)
    return env


def _template_location(exc: BaseException) -> str:
    lineno = getattr(exc, "lineno", None)
    name = getattr(exc, "name", None) or getattr(exc, "filename", None)
    if lineno is None:
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, lineno = filename, tb.tb_lineno
            tb = tb.tb_next
    if name is None:
        return "template"
    return f"template {name} line {lineno}" if lineno else f"template {name}"


def _refuse_protected(user_dir: str | os.PathLike[str]) -> None:
    """A template folder may restyle the protocol, never replace the compliance report."""
    if (Path(user_dir) / COMPLIANCE_TEMPLATE).exists():
        msg = (
            f"template folder {user_dir}: {COMPLIANCE_TEMPLATE} cannot be replaced "
            "(the compliance report is always papdesigner's own)"
        )
        raise TemplateError(msg)


def render(context: dict[str, Any], user_dir: str | os.PathLike[str] | None = None) -> str:
    """Render the document template to block-language text."""
    if user_dir:
        _refuse_protected(user_dir)
    env = environment(str(user_dir) if user_dir else None)
    try:
        return env.get_template(DOCUMENT_TEMPLATE).render(context)
    except jinja2.TemplateNotFound as exc:
        msg = f"template {exc.name} not found"
        raise TemplateError(msg) from None
    except SecurityError as exc:
        msg = f"{_template_location(exc)}: not allowed in a template ({exc})"
        raise TemplateError(msg) from None
    except jinja2.TemplateError as exc:
        msg = f"{_template_location(exc)}: {exc.message or type(exc).__name__}"
        raise TemplateError(msg) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        msg = f"{_template_location(exc)}: {type(exc).__name__}: {exc}"
        raise TemplateError(msg) from None


# --- block language -> blocks -----------------------------------------------------------------


def inline(element: ET.Element, *, include_tail: bool = False) -> str:
    """Return reportlab paragraph markup for the content of ``element``."""
    out = [escape(element.text or "")]
    for child in element:
        if child.tag == "br":
            out.append("<br/>")
        elif child.tag in _INLINE:
            start, end = _INLINE[child.tag]
            out.append(start + inline(child) + end)
        else:
            msg = f"<{child.tag}> is not allowed inside <{element.tag}>"
            raise TemplateError(msg)
        out.append(escape(child.tail or ""))
    if include_tail:
        out.append(escape(element.tail or ""))
    return " ".join("".join(out).split())


def shorten(text: str, limit: int = HEADING_MAX_CHARS) -> str:
    """Collapse whitespace and cut ``text`` to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Parser:
    """Walks the rendered XML once, numbering headings and noting which have content."""

    def __init__(self, m11: Mapping[str, str]) -> None:
        self.blocks: list[Block] = []
        self.headings: dict[str, Heading] = {}
        self.addressed: set[str] = set()
        self.counters = [0, 0, 0]
        self.appendix = 0
        self.open: list[Heading] = []
        self.m11 = m11
        self.m11_used: dict[str, str] = {}
        self.anchor_sections: dict[str, str] = {}

    def heading(self, el: ET.Element) -> None:
        level = int(el.tag[1])
        key = el.get("key") or f"h{len(self.headings) + 1}"
        if key in self.headings:
            msg = f"heading key {key!r} is used twice"
            raise TemplateError(msg)
        if el.get("numbered") == "no":
            number = ""
        elif level == 1 and el.get("appendix") == "yes":
            self.appendix += 1
            number = f"Appendix {chr(ord('A') + self.appendix - 1)}"
            self.counters = [0, 0, 0]
        elif self.appendix:
            self.counters[level - 1] += 1
            self.counters[level:] = [0] * (3 - level)
            number = ".".join(str(n) for n in self.counters[:level])
            number = chr(ord("A") + self.appendix - 1) + "." + number.split(".", 1)[-1]
        else:
            number = self.m11_number(el.get("m11"), key)
        h = Heading(level, key, shorten("".join(el.itertext())), number, el.get("toc") != "no")
        self.headings[key] = h
        self.open = [o for o in self.open if o.level < level] + [h]
        h.section = next((o.number for o in reversed(self.open) if o.number), "")
        self.blocks.append(h)

    def m11_number(self, m11: str | None, key: str) -> str:
        """The heading's ICH M11 number, checked against the catalogue ("" for none)."""
        if not m11:
            return ""
        if m11 not in self.m11:
            msg = (
                f"heading {key!r} names ICH M11 section {m11!r}, which "
                "resources/catalogues/m11_sections.yaml does not list"
            )
            raise TemplateError(msg)
        if m11 in self.m11_used:
            msg = f"headings {self.m11_used[m11]!r} and {key!r} both claim ICH M11 section {m11}"
            raise TemplateError(msg)
        self.m11_used[m11] = key
        return m11

    def content(self, block: Block) -> None:
        self.blocks.append(block)
        self.addressed.update(h.key for h in self.open)

    def walk(self, root: ET.Element) -> None:
        for el in root:
            self.element(el)

    def element(self, el: ET.Element) -> None:  # noqa: PLR0912 - one branch per block tag
        tag = el.tag
        if tag in ("h1", "h2", "h3"):
            self.heading(el)
        elif tag == "p":
            markup = inline(el)
            if markup:
                self.content(Para(markup, el.get("style", "body")))
        elif tag == "ul":
            items = [inline(li) for li in el if li.tag == "li"]
            if items:
                self.content(Bullets(items))
        elif tag == "dl":
            self.content(_definition_table(el))
        elif tag == "table":
            table = _table(el)
            if len(table.rows) > table.header_rows:
                self.content(table)
        elif tag == "figure":
            self.content(Figure(el.get("name", ""), inline(el)))
        elif tag == "missing":
            self.blocks.append(Missing(inline(el) or "Not specified in this protocol."))
        elif tag == "anchor":
            key = el.get("key", "")
            self.addressed.add(key)
            if self.open:
                self.anchor_sections[key] = self.open[-1].section
            self.blocks.append(Anchor(key))
        elif tag in ("toc", "pagebreak"):
            self.blocks.append(Simple(tag))
        elif tag == "spacer":
            self.blocks.append(Simple("spacer", float(el.get("height", "12"))))
        elif tag == "section":
            self.walk(el)
        else:
            msg = f"unknown block <{tag}>"
            raise TemplateError(msg)


def _cell(el: ET.Element) -> Cell:
    span = int(el.get("span", "1"))
    header = el.tag == "th"
    children = list(el)
    if (
        len(children) == 1
        and children[0].tag in ("pageref", "secref")
        and not (el.text or "").strip()
    ):
        ref = children[0]
        keys = tuple((ref.get("keys") or "").split())
        return Cell(ref.tag, keys=keys, ok=ref.get("ok", "1") == "1", header=header, span=span)
    return Cell(
        "text",
        inline(el),
        header=header,
        span=span,
        align=el.get("align", "left"),
        vertical=el.get("vertical") == "1",
    )


def _table(el: ET.Element) -> TableBlock:
    rows = [[_cell(c) for c in tr if c.tag in ("td", "th")] for tr in el if tr.tag == "tr"]
    return TableBlock(
        rows=rows,
        widths=(el.get("widths") or "").split(),
        header_rows=int(el.get("header", "0")),
        style=el.get("style", "grid"),
    )


def _definition_table(el: ET.Element) -> TableBlock:
    rows: list[list[Cell]] = []
    for child in el:
        if child.tag == "dt":
            rows.append([Cell("text", inline(child), header=True)])
        elif child.tag == "dd" and rows and len(rows[-1]) == 1:
            rows[-1].append(Cell("text", inline(child)))
    rows = [r if len(r) == 2 else [*r, Cell("text", "")] for r in rows]
    return TableBlock(rows, el.get("widths", "30% *").split(), 0, "definitions")


def _error_context(text: str, exc: ET.ParseError) -> str:
    line, column = exc.position
    lines = text.splitlines()
    snippet = lines[line - 1][max(0, column - 30) : column + 30] if 0 < line <= len(lines) else ""
    return f"line {line}, column {column}: {snippet!r}"


def parse_blocks(text: str, m11: Mapping[str, str] | None = None) -> DocumentBlocks:
    """Parse rendered block-language text into numbered, content-tracked blocks.

    ``m11`` maps the ICH M11 section numbers headings may claim to their titles
    (default: the shipped catalogue, :func:`papdesigner.export.sections.m11_sections`).
    """
    if m11 is None:
        from papdesigner.export.sections import m11_sections

        m11 = m11_sections()
    source = f"<document>{text}</document>"
    try:
        root = ET.fromstring(source)
    except ET.ParseError as exc:
        msg = f"template output is not well-formed ({_error_context(source, exc)})"
        raise TemplateError(msg) from None
    parser = _Parser(m11)
    parser.walk(root)
    return DocumentBlocks(parser.blocks, parser.headings, parser.addressed, parser.anchor_sections)


def iter_headings(doc: DocumentBlocks) -> Iterator[Heading]:
    """Yield the headings in document order."""
    return (b for b in doc.blocks if isinstance(b, Heading))
