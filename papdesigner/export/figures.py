"""The figures of the protocol, drawn with reportlab graphics from Qt-free layout data.

The numbers come from :mod:`papdesigner.model.timeline`, which the GUI uses too.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect
from reportlab.graphics.shapes import String as _String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from papdesigner.export.bidi import visual
from papdesigner.export.fonts import SANS, SANS_BOLD, printable_logical
from papdesigner.export.scripts import single_font
from papdesigner.export.styles import ACCENT, ERROR, HEADER_FILL, INK, MUTED, RULE
from papdesigner.model.protocol import Protocol
from papdesigner.model.timeline import (
    KIND_STYLES,
    Marker,
    Schema,
    Timeline,
    build_schema,
    build_timeline,
)

MAX_HEIGHT = 640.0
"""A figure taller than this (points) is scaled down to fit a page."""
LABEL_WIDTH = 78.0
MARKER = 4.2
TICK_FONT = 6.0


def String(x: float, y: float, text: str, *, fontName: str, **kw: object) -> _String:  # noqa: N802, N803
    """A reportlab String in a font that has its characters (a fallback font for CJK...)."""
    return _String(x, y, text, fontName=single_font(text, fontName), **kw)


def _lines(text: str, font: str, size: float, width: float, limit: int) -> list[str]:
    text = printable_logical(text)
    font = single_font(text, font)  # measure in the font the line is drawn with
    lines = simpleSplit(text, font, size, width) or [""]
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1][: max(len(lines[-1]) - 1, 0)] + "…"
    # Lines are broken in logical order; each is drawn in visual order (right-to-left text).
    return [
        visual(line if stringWidth(line, font, size) <= width else _cut(line, font, size, width))
        for line in lines
    ]


def _cut(text: str, font: str, size: float, width: float) -> str:
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def marker_shape(shape: str, x: float, y: float, r: float, colour: str) -> Group:
    """Draw one marker shape (see ``papdesigner.model.timeline.SHAPES``) centred on (x, y)."""
    fill = colors.HexColor(colour)
    kw = {"fillColor": fill, "strokeColor": colors.white, "strokeWidth": 0.5}
    points = {
        "diamond": [x, y + r * 1.3, x + r * 1.3, y, x, y - r * 1.3, x - r * 1.3, y],
        "triangle": [x - r * 1.2, y - r, x + r * 1.2, y - r, x, y + r * 1.2],
        "triangle_down": [x - r * 1.2, y + r, x + r * 1.2, y + r, x, y - r * 1.2],
        "cross": [
            x - r,
            y - r * 0.4,
            x - r * 0.4,
            y - r * 0.4,
            x - r * 0.4,
            y - r,
            x + r * 0.4,
            y - r,
            x + r * 0.4,
            y - r * 0.4,
            x + r,
            y - r * 0.4,
            x + r,
            y + r * 0.4,
            x + r * 0.4,
            y + r * 0.4,
            x + r * 0.4,
            y + r,
            x - r * 0.4,
            y + r,
            x - r * 0.4,
            y + r * 0.4,
            x - r,
            y + r * 0.4,
        ],
    }
    group = Group()
    if shape == "circle":
        from reportlab.graphics.shapes import Circle

        group.add(Circle(x, y, r, **kw))
    elif shape in points:
        group.add(Polygon(points[shape], **kw))
    else:
        group.add(Rect(x - r, y - r, 2 * r, 2 * r, **kw))
    return group


def _fit(drawing: Drawing) -> Drawing:
    if drawing.height <= MAX_HEIGHT:
        return drawing
    factor = MAX_HEIGHT / drawing.height
    drawing.scale(factor, factor)
    drawing.width *= factor
    drawing.height = MAX_HEIGHT
    return drawing


# --- timeline ---------------------------------------------------------------------------------


DOSE_BAND = 11.0
ROW = 13.0


def _lane_height(tl: Timeline) -> float:
    return DOSE_BAND + 16.0 + tl.max_stack * ROW


def _legend(tl: Timeline, width: float, y: float) -> Group:
    group = Group()
    kinds = [k for k in KIND_STYLES if any(m.kind == k for m in tl.markers)]
    x = LABEL_WIDTH
    for kind in kinds:
        style = KIND_STYLES[kind]
        group.add(marker_shape(style.shape, x + MARKER, y + 3, MARKER, style.colour))
        group.add(String(x + 3 * MARKER, y, style.label, fontName=SANS, fontSize=7, fillColor=INK))
        x += 3 * MARKER + stringWidth(style.label, SANS, 7) + 12
        if x > width - 40:
            break
    return group


def _axis(tl: Timeline, x0: float, plot: float, y: float) -> Group:
    group = Group()
    group.add(Line(x0, y, x0 + plot, y, strokeColor=MUTED, strokeWidth=0.5))
    last = -1e9
    for tick in tl.ticks:
        x = x0 + tick.x * plot
        group.add(Line(x, y, x, y - 2.5, strokeColor=MUTED, strokeWidth=0.5))
        text = str(tick.day)
        if x - last >= stringWidth(text, SANS, TICK_FONT) + 4:
            group.add(
                String(
                    x,
                    y - 9,
                    text,
                    fontName=SANS,
                    fontSize=TICK_FONT,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
            last = x
    group.add(String(3, y - 9, "Study day", fontName=SANS_BOLD, fontSize=6.5, fillColor=MUTED))
    return group


def _dose_label(marker: Marker, x: float, placed: list[tuple[float, float]]) -> str:
    """The dose label of a marker, cut to the room left of it in its lane ("" if none).

    Labels share one band per lane: two dosing sessions a few days apart drew their
    labels over each other ("120 mg +60120 mg"), so each label keeps clear of the
    ones already placed to its left.
    """
    label = " / ".join(dose.short for dose in marker.doses)
    if not label:
        return ""
    right_of_previous = max((right for _left, right in placed), default=-1e9)
    room = min(90.0, 2 * (x - right_of_previous - 3))
    if room < stringWidth("99…", SANS_BOLD, 6):
        return ""  # no room: the dosing table of the PDF lists every dose
    text = _lines(label, SANS_BOLD, 6, room, 1)[0]
    half = stringWidth(text, SANS_BOLD, 6) / 2
    placed.append((x - half, x + half))
    return text


def timeline_drawing(protocol: Protocol, width: float) -> Drawing:
    """Sessions on study days, one lane per arm; dosing markers carry the dose per arm."""
    plot = width - LABEL_WIDTH - 30
    x0 = LABEL_WIDTH + 15
    tl = build_timeline(protocol, min_separation=(3 * MARKER) / plot)
    lane_h = _lane_height(tl)
    axis_h, legend_h = 26.0, 16.0
    height = axis_h + lane_h * len(tl.lanes) + legend_h
    d = Drawing(width, height, initialFontName=SANS, initialFontSize=7)
    top = height - legend_h
    d.add(_legend(tl, width, top + 4))
    for i, lane in enumerate(tl.lanes):
        y_top = top - i * lane_h
        if i % 2 == 0:
            d.add(Rect(0, y_top - lane_h, width, lane_h, fillColor=HEADER_FILL, strokeColor=None))
        for j, line in enumerate(_lines(lane.label, SANS_BOLD, 7, LABEL_WIDTH - 4, 2)):
            d.add(
                String(3, y_top - 11 - j * 8.5, line, fontName=SANS_BOLD, fontSize=7, fillColor=INK)
            )
    placed: dict[int, list[tuple[float, float]]] = {}  # per lane: dose labels drawn so far
    for m in sorted(tl.markers, key=lambda marker: marker.x):
        style = KIND_STYLES.get(m.kind, KIND_STYLES["other"])
        x = x0 + m.x * plot
        lane_top = top - m.lane * lane_h
        y = lane_top - DOSE_BAND - 8 - m.stack * ROW
        if m.window_days:
            d.add(Line(x - 3, y, x + 3, y, strokeColor=MUTED, strokeWidth=0.6))
        d.add(marker_shape(style.shape, x, y, MARKER, style.colour))
        text = _dose_label(m, x, placed.setdefault(m.lane, []))
        if text:
            d.add(
                String(
                    x,
                    lane_top - 8,
                    text,
                    fontName=SANS_BOLD,
                    fontSize=6,
                    fillColor=colors.HexColor(style.colour),
                    textAnchor="middle",
                )
            )
    d.add(_axis(tl, x0, plot, axis_h - 6))
    if tl.empty:
        d.add(
            String(
                width / 2,
                height / 2,
                "No sessions planned",
                fontName=SANS,
                fontSize=8,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    return _fit(d)


# --- schema -----------------------------------------------------------------------------------


def _box(
    d: Drawing,
    box: tuple[float, float, float, float],
    lines: list[str],
    *,
    bold_first: bool = False,
) -> None:
    x, y, w, h = box
    d.add(Rect(x, y, w, h, rx=3, ry=3, fillColor=colors.white, strokeColor=ACCENT, strokeWidth=0.7))
    for i, line in enumerate(lines):
        font = SANS_BOLD if bold_first and i == 0 else SANS
        d.add(String(x + 4, y + h - 10 - i * 8.5, line, fontName=font, fontSize=6.8, fillColor=INK))


def _row_lines(schema: Schema, width: float) -> list[list[list[str]]]:
    rows = []
    for arm in schema.arms:
        head = _lines(arm.label, SANS_BOLD, 6.8, width - 8, 2)
        extra = [arm.role] if arm.role else []
        if arm.planned is not None:
            extra.append(f"n = {arm.planned}")
        cells = [head + _lines(", ".join(extra), SANS, 6.8, width - 8, 2)] if extra else [head]
        for cell in arm.cells:
            lines: list[str] = []
            for text in cell:
                lines.extend(_lines(text, SANS, 6.8, width - 8, 3))
            cells.append(lines[:8] or ["—"])
        rows.append(cells)
    return rows


def schema_drawing(protocol: Protocol, width: float) -> Drawing:
    """The design at a glance: enrolment, then each arm's path through the periods."""
    schema = build_schema(protocol)
    columns = 1 + len(schema.periods)
    gap = 10.0
    col_w = (width - gap * (columns - 1)) / columns
    rows = _row_lines(schema, col_w)
    heights = [max(len(c) for c in row) * 8.5 + 8 for row in rows] or [20.0]
    header_h = 24.0
    height = header_h + sum(h + gap for h in heights)
    d = Drawing(width, height, initialFontName=SANS, initialFontSize=7)
    headers = ["Arm"] + [
        f"{p.label}|Day {p.first_day} to {p.last_day}"
        if p.first_day != p.last_day
        else f"{p.label}|Day {p.first_day}"
        for p in schema.periods
    ]
    for c, text in enumerate(headers):
        x = c * (col_w + gap)
        for k, part in enumerate(text.split("|")):
            d.add(
                String(
                    x + col_w / 2,
                    height - 9 - k * 8,
                    part,
                    textAnchor="middle",
                    fontName=SANS_BOLD if k == 0 else SANS,
                    fontSize=7,
                    fillColor=ACCENT if k == 0 else MUTED,
                )
            )
    y = height - header_h
    for row, h in zip(rows, heights, strict=True):
        y -= h
        for c, lines in enumerate(row):
            x = c * (col_w + gap)
            _box(d, (x, y, col_w, h), lines, bold_first=c == 0)
            if c:
                d.add(
                    Line(
                        x - gap + 1, y + h / 2, x - 1, y + h / 2, strokeColor=RULE, strokeWidth=0.8
                    )
                )
                d.add(
                    Polygon(
                        [x - 1, y + h / 2, x - 4, y + h / 2 + 2, x - 4, y + h / 2 - 2],
                        fillColor=RULE,
                        strokeColor=None,
                    )
                )
        y -= gap
    if schema.randomised:
        _randomisation_mark(d, schema, col_w, gap, (height - header_h, y + gap))
    return _fit(d)


def _randomisation_mark(
    d: Drawing, schema: Schema, col_w: float, gap: float, span: tuple[float, float]
) -> None:
    """A dashed line with a circled R where participants are randomised: before treatment."""
    top, bottom = span
    first = next((i for i, p in enumerate(schema.periods) if p.key.startswith("treatment")), None)
    if first is None:
        return
    x = (first + 1) * (col_w + gap) - gap / 2  # the gap before the treatment column
    d.add(Line(x, bottom, x, top, strokeColor=ERROR, strokeWidth=0.8, strokeDashArray=[2, 2]))
    d.add(Circle(x, top - 6, 5, fillColor=colors.white, strokeColor=ERROR, strokeWidth=0.8))
    d.add(
        String(
            x,
            top - 8.4,
            "R",
            textAnchor="middle",
            fontName=SANS_BOLD,
            fontSize=6.5,
            fillColor=ERROR,
        )
    )
    total = f" (N = {schema.sample_size})" if schema.sample_size is not None else ""
    d.add(
        String(
            0,
            2,
            f"R: participants are randomised to the arms{total} before the first dosing session.",
            fontName=SANS,
            fontSize=6.5,
            fillColor=MUTED,
        )
    )
