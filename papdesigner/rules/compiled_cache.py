"""Keep loaded rule sets between starts, so later starts skip parsing and compiling them.

Loading the shipped rule sets took about 0.25 s on every start: YAML parsing, checks
of every rule, and compiling 780 CEL expressions, although most sets never apply to
a given protocol. What is kept, for a file that loaded with no problem at all, is the
outcome of everything before the compile: the validated header and rules (as JSON)
and the exact CEL text of every program, which all compiled. A set read from the
cache is validated again by its pydantic models (cheap) and its programs compile on
first evaluation, so sets that do not apply are never compiled; the programs a check
does evaluate are kept apart, compiled, by :mod:`.program_cache`. Files that had any
problem are never kept and are loaded in full on every start, so their problems are
always reported.

An entry is a file in ``<cache>/rulesets`` named by a digest of the file's bytes, its
name, the source of the modules that load it and the CEL runtime's build; its content
is sealed by an HMAC over entry name and JSON under the cache's random per-user secret
(see :mod:`papdesigner.model.cachefiles`). A changed file, a new papdesigner or a
new CEL runtime therefore never finds an old entry; a damaged, truncated, copied or
planted entry fails a check and is ignored, then rebuilt; nothing in the cache is
executed or unpickled. Entries are written through a temporary file and a rename. A
cache folder that cannot be read or written only means loading everything, as
without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papdesigner.model.cachefiles import cache_dir, read_sealed, write_sealed

if TYPE_CHECKING:
    from papdesigner.rules.loader import CompiledRule, CompiledRuleSet

FORMAT = b"papdesigner-ruleset-cache-1"
MAX_ENTRY_BYTES = 16 * 1024 * 1024
"""Larger than any entry a rule-set file (at most 2 MB) produces; a bigger file is not ours."""
_CODE_MODULES = (
    "compiled_cache.py",
    "expr.py",
    "loader.py",
    "program_cache.py",
    "schema.py",
    "view.py",
)
"""The modules whose text decides what a rule set loads to (hashed into every key)."""


def cached_ruleset(path: Path, raw: bytes, origin: str) -> CompiledRuleSet | None:
    """The set that ``raw`` (the bytes of ``path``) loaded to before, or None (never raises)."""
    file = _entry(path, raw)
    payload = read_sealed(file, MAX_ENTRY_BYTES) if file is not None else None
    if payload is None:
        return None
    try:
        return _with_file_facts(_ruleset_from(json.loads(payload), str(path), origin), raw)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None  # cannot happen for an authentic entry; still never trusted to raise


def remember(path: Path, raw: bytes, ruleset: CompiledRuleSet) -> bool:
    """Keep a set that loaded with no problem; False when the cache cannot be written."""
    file = _entry(path, raw)
    if file is None:
        return False
    payload = json.dumps(_ruleset_data(ruleset), ensure_ascii=False).encode("utf-8")
    return write_sealed(file, payload)


# --- what is kept -----------------------------------------------------------------------------


def _ruleset_data(ruleset: CompiledRuleSet) -> dict[str, Any]:
    return {
        "spec": ruleset.spec.model_dump(mode="json"),
        "applies": _program_data(ruleset.applies),
        "rules": [
            {
                "line": rule.line,
                "quick": _program_data(rule.quick),
                "batch": _program_data(rule.batch),
                "values": _program_data(rule.values_batch) if rule.values_batch else None,
            }
            for rule in ruleset.rules
        ],
    }


def _program_data(program: Any) -> list[str]:
    return [program.source, program.source_text]


def _ruleset_from(data: dict[str, Any], file: str, origin: str) -> CompiledRuleSet:
    from papdesigner.rules.loader import CompiledRule, CompiledRuleSet
    from papdesigner.rules.schema import RuleSetSpec

    spec = RuleSetSpec.model_validate(data["spec"])
    if len(spec.rules) != len(data["rules"]):
        raise ValueError("rules do not match")
    rules: list[CompiledRule] = []
    for rule_spec, kept in zip(spec.rules, data["rules"], strict=True):
        values = _program(kept["values"]) if kept["values"] is not None else None
        line = kept["line"]
        if line is not None and type(line) is not int:
            raise TypeError("line")
        rules.append(
            CompiledRule(rule_spec, _program(kept["quick"]), _program(kept["batch"]), values, line)
        )
    return CompiledRuleSet(spec, file, origin, _program(data["applies"]), tuple(rules))


def _with_file_facts(ruleset: CompiledRuleSet, raw: bytes) -> CompiledRuleSet:
    """Fill what the loader derives from the file's bytes rather than from its rules.

    A set that records the digest of its file (``sha256``, which binds a saved report
    or a PDF to these exact rules) gets it from the bytes just read, never from the cache.
    """
    facts: dict[str, Any] = {}
    if "sha256" in {f.name for f in dataclasses.fields(ruleset)}:
        facts["sha256"] = hashlib.sha256(raw).hexdigest()
    return dataclasses.replace(ruleset, **facts) if facts else ruleset


def _program(kept: Any) -> Any:
    """A program that compiles on first evaluation (its text compiled when it was kept)."""
    from papdesigner.rules.expr import Program

    source, text = kept
    if not isinstance(source, str) or not isinstance(text, str):
        raise TypeError("program text")
    return Program(source, None, text)


# --- where ------------------------------------------------------------------------------------


def _entry(path: Path, raw: bytes) -> Path | None:
    """The entry file for these bytes; None when caching is off or the code cannot be read."""
    folder = cache_dir("rulesets")
    code = code_fingerprint()
    if folder is None or code is None:
        return None
    digest = hashlib.sha256(b"\0".join((FORMAT, code, path.name.encode("utf-8"), raw)))
    return folder / f"{digest.hexdigest()}.json"


@cache
def code_fingerprint() -> bytes | None:
    """A digest of the compiling code and of the CEL runtime's build; None if unreadable."""
    from cel_expr_python import cel

    here = Path(__file__).parent
    digest = hashlib.sha256()
    try:
        for name in _CODE_MODULES:
            digest.update((here / name).read_bytes())
        runtime = Path(cel.__file__ or "")
        stat = runtime.stat()
    except OSError:  # e.g. a frozen build without source files: no cache at all
        return None
    digest.update(f"{runtime}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.digest()
