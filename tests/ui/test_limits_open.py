"""Opening files at and over the limits in the window (issue 16): the same loader as the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from limits_protocols import example, largest_protocol, write

from papdesigner.model.limits import LIST_ITEMS
from papdesigner.ui.main_window import MainWindow


def test_a_file_over_a_limit_is_refused_with_one_line(
    make_window: Callable[..., MainWindow], tmp_path: Path, message_boxes: list[tuple[str, str]]
) -> None:
    window = make_window()
    title = window.document.title()
    data = example()
    data["sessions"] = data["sessions"] * 20
    path = write(tmp_path / "huge.pap.json", data)
    assert not window.open_file(str(path))
    heading, text = message_boxes[-1]
    assert heading == "Cannot open protocol"
    assert "$.sessions" in text and "at most 300" in text and "\n" not in text.strip()
    assert window.document.title() == title  # the open protocol stays


def test_the_largest_accepted_protocol_opens_and_is_checked(
    make_window: Callable[..., MainWindow], tmp_path: Path, settle: Callable[[MainWindow], None]
) -> None:
    window = make_window(None)
    path = write(tmp_path / "largest.pap.json", largest_protocol(1.0))
    assert window.open_file(str(path))
    assert len(window.document.protocol.sessions) == LIST_ITEMS["sessions"]
    settle(window)  # the compliance check runs in its worker thread; wait for its result
    assert (
        json.loads(path.read_text("utf-8"))["metadata"]["title"]
        == window.document.protocol.metadata.title
    )
