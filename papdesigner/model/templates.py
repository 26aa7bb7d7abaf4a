"""Example protocols shipped as templates: list them and start a new protocol from one."""

from __future__ import annotations

import uuid
from pathlib import Path

from papdesigner.model.fileformat import FILE_SUFFIX, load_protocol
from papdesigner.model.protocol import Protocol
from papdesigner.paths import resource


def examples_dir() -> Path:
    """Return the folder of shipped example protocols."""
    return resource("examples")


def template_names() -> list[str]:
    """Return the names of the shipped templates (file names without ``.pap.json``), sorted."""
    return sorted(p.name.removesuffix(FILE_SUFFIX) for p in examples_dir().glob(f"*{FILE_SUFFIX}"))


def template_path(name: str) -> Path:
    """Return the file of one template; raise KeyError naming the choices if unknown."""
    names = template_names()
    if name not in names:  # a name, never a path ("../../elsewhere/x")
        msg = f"unknown template {name!r} (choose from: {', '.join(names) or 'none'})"
        raise KeyError(msg)
    return examples_dir() / f"{name}{FILE_SUFFIX}"


def new_from_template(name: str) -> Protocol:
    """Return a copy of a template with a fresh id and without the template's waivers.

    A waiver is a decision about one protocol, signed by its author; a new protocol
    starts with every finding visible so its own team decides again.
    """
    protocol = load_protocol(template_path(name))
    return protocol.model_copy(update={"id": uuid.uuid4(), "waivers": []}, deep=True)
