"""Rule fixtures: protocols that must pass or fail one rule, written as small patches.

A fixture file ``<RULE-ID>.yaml`` (format in ``AUTHORING.md``) lists ``pass`` and
``fail`` cases. Each case names a base protocol and patches it (``remove``, then
``set``, then ``append``, each keyed by JSON path). The project's test suite runs
every shipped rule's fixtures; ``papdesigner rulesets test`` runs an institution's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from papdesigner.model.fileformat import FILE_SUFFIX, ProtocolFileError, loads_protocol
from papdesigner.model.jsonpath import PathPart, format_path, parse_path
from papdesigner.rules.engine import run_check
from papdesigner.rules.loader import Catalogue
from papdesigner.rules.yamlsource import YamlSourceError, parse_yaml

PathText = Annotated[str, StringConstraints(pattern=r"^\$")]


class Case(BaseModel):
    """One fixture case: a base protocol, patches, and (for fail cases) the expected paths."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    base: str
    remove: list[PathText] = Field(default_factory=list)
    set: dict[PathText, Any] = Field(default_factory=dict)
    append: dict[PathText, Any] = Field(default_factory=dict)
    expect_paths: list[PathText] | None = None
    expect_message: str | None = Field(None, description="Text every finding message contains")


class FixtureFile(BaseModel):
    """The fixtures of one rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    pass_: list[Case] = Field(alias="pass", default_factory=list)
    fail: list[Case] = Field(default_factory=list)


class FixtureError(ValueError):
    """A fixture that cannot be applied (bad path, missing base, invalid result)."""


def read_fixture_file(path: Path) -> FixtureFile:
    """Parse and validate one fixture file; raise FixtureError with file and line."""
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8"))
        return FixtureFile.model_validate(doc.data)
    except YamlSourceError as exc:
        msg = f"{path}:{exc.line}: {exc}"
        raise FixtureError(msg) from None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(x) for x in first["loc"])
        msg = f"{path}: {loc}: {first['msg']}"
        raise FixtureError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot read: {exc.strerror or exc}"
        raise FixtureError(msg) from None
    except UnicodeDecodeError:
        msg = f"{path}: not UTF-8 text"
        raise FixtureError(msg) from None


def read_base(path: Path) -> dict[str, Any]:
    """Read a base protocol as raw JSON; raise FixtureError naming the file if it is not one."""
    try:
        raw = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        msg = f"base {path}: cannot read: {exc.strerror or exc}"
        raise FixtureError(msg) from None
    except UnicodeDecodeError:
        msg = f"base {path}: not UTF-8 text"
        raise FixtureError(msg) from None
    except json.JSONDecodeError as exc:
        msg = f"base {path}: not valid JSON ({exc.msg}, line {exc.lineno})"
        raise FixtureError(msg) from None
    if not isinstance(raw, dict):
        msg = f"base {path}: not a protocol (a JSON object)"
        raise FixtureError(msg)
    return raw


# --- bases and patches ----------------------------------------------------------------------


def find_base(name: str, folders: Sequence[Path]) -> Path:
    """Return ``<folder>/<name>.pap.json`` from the first folder that has it."""
    for folder in folders:
        candidate = folder / f"{name}{FILE_SUFFIX}"
        if candidate.is_file():
            return candidate
    where = ", ".join(str(f) for f in folders)
    msg = f"base protocol {name!r} not found (looked in {where})"
    raise FixtureError(msg)


def _container(data: Any, parts: tuple[PathPart, ...], path: str) -> Any:
    current = data
    for part in parts:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            msg = f"path {path} does not exist in the base protocol"
            raise FixtureError(msg) from None
    return current


def _split(path: str) -> tuple[tuple[PathPart, ...], PathPart]:
    try:
        parts = parse_path(path)
    except ValueError as exc:
        raise FixtureError(str(exc)) from None
    if not parts:
        msg = "cannot patch the whole protocol ($)"
        raise FixtureError(msg)
    return parts[:-1], parts[-1]


def apply_patches(raw: dict[str, Any], case: Case) -> dict[str, Any]:
    """Return a patched deep copy: removals (highest index first), then sets, then appends."""
    data = copy.deepcopy(raw)
    parsed = [(_split(p), p) for p in case.remove]
    for (parent, last), path in sorted(parsed, key=lambda x: _sort_key(x[0]), reverse=True):
        holder = _container(data, parent, path)
        try:
            del holder[last]
        except (KeyError, IndexError, TypeError):
            msg = f"cannot remove {path}: it does not exist"
            raise FixtureError(msg) from None
    for path, value in case.set.items():
        parent, last = _split(path)
        holder = _container(data, parent, path)
        if isinstance(holder, list) and isinstance(last, int) and last >= len(holder):
            msg = f"cannot set {path}: index out of range (use append)"
            raise FixtureError(msg)
        holder[last] = copy.deepcopy(value)
    for path, value in case.append.items():
        parent, last = _split(path)
        target = _container(data, (*parent, last), path)
        if not isinstance(target, list):
            msg = f"cannot append to {path}: not a list"
            raise FixtureError(msg)
        target.append(copy.deepcopy(value))
    return data


def _sort_key(split: tuple[tuple[PathPart, ...], PathPart]) -> tuple[str, ...]:
    """Order paths so that, reversed, deeper and higher list indices are removed first."""
    parent, last = split
    return tuple(f"{p:08d}" if isinstance(p, int) else p for p in (*parent, last))


# --- running ------------------------------------------------------------------------------


@dataclass
class CaseResult:
    """What one case produced for its rule, and what went wrong (empty = as expected)."""

    kind: str
    case: Case
    paths: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """The rendered message and fix of each finding of the rule, for wording checks."""
    errors: list[str] = field(default_factory=list)
    active: bool = False


def run_case(
    kind: str,
    case: Case,
    rule_id: str,
    catalogue: Catalogue,
    *,
    base_folders: Sequence[Path],
    raw_cache: dict[Path, dict[str, Any]] | None = None,
) -> CaseResult:
    """Apply a case and check it against the set that holds ``rule_id``."""
    result = CaseResult(kind, case)
    located = catalogue.rule(rule_id)
    if located is None:
        result.errors.append(f"rule {rule_id} is not loaded")
        return result
    ruleset, _rule = located
    try:
        base = find_base(case.base, base_folders)
        cache = raw_cache if raw_cache is not None else {}
        if base not in cache:
            cache[base] = read_base(base)
        patched = apply_patches(cache[base], case)
        protocol = loads_protocol(json.dumps(patched), source=f"{case.base} (patched)")
    except (FixtureError, ProtocolFileError) as exc:
        result.errors.append(str(exc))
        return result
    report = run_check(protocol, catalogue, [ruleset.id])
    result.active = any(s.active for s in report.rulesets)
    mine = [f for f in report.findings if f.rule_id == rule_id]
    result.paths = [f.path for f in mine]
    result.texts = [text for f in mine for text in (f.message, f.fix)]
    result.errors.extend(_expectations(kind, case, mine))
    return result


def _expectations(kind: str, case: Case, findings: Iterable[Any]) -> list[str]:
    findings = list(findings)
    errors = [f"{f.path}: {problem}" for f in findings for problem in f.problems]
    paths = sorted(f.path for f in findings)
    if kind == "pass" and findings:
        errors.append(f"expected no finding, got findings at {paths}")
    if kind == "fail":
        expected = sorted(_normal(p) for p in case.expect_paths or [])
        if not case.expect_paths:
            errors.append("a fail case must list expect_paths")
        elif paths != expected:
            errors.append(f"expected findings at {expected}, got {paths}")
        if case.expect_message:
            errors.extend(
                f"message at {f.path} lacks {case.expect_message!r}: {f.message!r}"
                for f in findings
                if case.expect_message not in f.message
            )
    return errors


def _normal(path: str) -> str:
    try:
        return format_path(parse_path(path))
    except ValueError:
        return path
