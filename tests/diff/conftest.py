"""Shared fixtures of the amendment tests: a realistic approved protocol and edited copies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from papdesigner.model import load_protocol
from papdesigner.model.protocol import Protocol

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def base_protocol() -> Protocol:
    """Version 1.0 of a three-arm psilocybin dose-comparison trial (approved by its IRB)."""
    return load_protocol(DATA / "trd_v1.pap.json")


@pytest.fixture
def v1(base_protocol: Protocol) -> Protocol:
    """A fresh copy of version 1.0 that a test may change freely."""
    return base_protocol.model_copy(deep=True)


Edit = Callable[[Protocol], None]


@pytest.fixture
def edited(base_protocol: Protocol) -> Callable[[Edit], Protocol]:
    """Return version 1.0 changed by ``edit`` (a function that mutates a copy)."""

    def make(edit: Edit) -> Protocol:
        copy = base_protocol.model_copy(deep=True)
        edit(copy)
        return copy

    return make
