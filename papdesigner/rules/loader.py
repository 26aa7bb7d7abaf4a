"""Load rule-set files: parse, validate, compile every expression once, report problems.

A broken file never stops the others from loading: each problem becomes a
:class:`LoadProblem` naming the file, the rule id (when there is one) and the line,
and the loader goes on with the next file (or, for a bad rule, the next rule).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from papdesigner.model.limits import read_regular_file
from papdesigner.rules import compiled_cache
from papdesigner.rules.expr import (
    CelCompileError,
    Program,
    compile_expr,
    derive_lists,
    on_element,
    strip_strings,
)
from papdesigner.rules.schema import (
    RuleSetSpec,
    RuleSpec,
    Source,
    placeholder_problem,
    placeholders,
)
from papdesigner.rules.view import SCOPES
from papdesigner.rules.yamlsource import PathKey, YamlDocument, YamlSourceError, parse_yaml

MAX_RULESET_BYTES = 2 * 1024 * 1024
"""Largest rule-set file accepted; the biggest shipped set is a few dozen kB."""
QUICK_CHUNK_CHARS = 40_000
"""Most characters of quick passes compiled into one program (CEL refuses 100,000)."""


@dataclass(frozen=True)
class LoadProblem:
    """Why a rule set, or one rule of it, was not loaded."""

    file: str
    line: int | None
    rule_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        rule = f" rule {self.rule_id}:" if self.rule_id else ""
        return f"{where}:{rule} {self.message}"


@dataclass(frozen=True)
class CompiledRule:
    """A rule checked at load; ``batch`` evaluates every element in one call.

    ``quick`` yields one boolean per element (true = passes or filtered out), the
    cheap first pass of every check. ``values_batch`` computes the rule's ``values``
    for every element in one call (None when the rule has none). Element-by-element
    programs for the fallback path are compiled on demand by the engine.
    """

    spec: RuleSpec
    quick: Program
    batch: Program
    values_batch: Program | None = None
    line: int | None = None


@dataclass(frozen=True)
class CompiledRuleSet:
    """A loaded rule set: its header, compiled condition and rules, and where it came from."""

    spec: RuleSetSpec
    file: str
    origin: str
    applies: Program
    rules: tuple[CompiledRule, ...]
    sha256: str = ""
    """SHA-256 of the file as read: binds a saved report or a PDF to these exact rules."""

    @property
    def id(self) -> str:
        """The rule set id, e.g. ``CLIN-SAFETY-COMMON``."""
        return self.spec.id

    @property
    def user_set(self) -> bool:
        """True for a set that papdesigner does not ship (user folder or ``--rules-dir``)."""
        return self.origin != "shipped"

    @cached_property
    def active_rules(self) -> tuple[CompiledRule, ...]:
        """The rules that are evaluated (not retired), in file order."""
        return tuple(r for r in self.rules if r.spec.status == "active")

    @cached_property
    def quick_all(self) -> tuple[Program, ...] | None:
        """Every active rule's quick pass in a few programs (one CEL call per chunk).

        Compiled on first use, so sets that never apply cost nothing. Per call the
        binding has an overhead of a few microseconds; a set of 50 rules evaluated
        in one call is several times faster than 50 calls. A large set is cut into
        chunks below CEL's expression-size limit; None when a chunk does not compile
        (the engine then runs the rules one by one).
        """
        if not self.active_rules:
            return None
        return _chunked([rule.quick.source_text for rule in self.active_rules])

    @cached_property
    def selects_all(self) -> tuple[tuple[str, ...], tuple[Program, ...] | None]:
        """The ids of the active rules with a ``when``, and programs that say per rule
        whether its ``when`` selects any element (:func:`selects_source`).

        Compiled on first use, and only asked for rules that had no finding: it tells a
        rule that passed from one that does not apply to this protocol. None for the
        programs when a chunk does not compile (the engine then asks rule by rule).
        """
        rules = [rule for rule in self.active_rules if rule.spec.when]
        ids = tuple(rule.spec.id for rule in rules)
        if not rules:
            return ids, None
        return ids, _chunked([derive_lists(selects_source(rule.spec)) for rule in rules])


def _chunked(texts: list[str]) -> tuple[Program, ...] | None:
    """Programs that each yield the list of several expressions' values (one CEL call each).

    Chunks stay below CEL's expression-size limit; None when a chunk does not compile.
    """
    chunks: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if chunks[-1] and size + len(text) > QUICK_CHUNK_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += len(text) + 2
    try:
        return tuple(compile_expr("[" + ", ".join(chunk) + "]", keep=True) for chunk in chunks)
    except CelCompileError:
        return None


@dataclass
class Catalogue:
    """Every rule set that loaded, in id order, and every problem met on the way."""

    rulesets: list[CompiledRuleSet] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    def get(self, ruleset_id: str) -> CompiledRuleSet | None:
        """Return the set with this id (case-insensitive), or None."""
        wanted = ruleset_id.upper()
        return next((s for s in self.rulesets if s.id == wanted), None)

    def rule(self, rule_id: str) -> tuple[CompiledRuleSet, CompiledRule] | None:
        """Return the set and rule with this rule id, or None."""
        for ruleset in self.rulesets:
            for rule in ruleset.rules:
                if rule.spec.id == rule_id:
                    return ruleset, rule
        return None


# --- one file -------------------------------------------------------------------------------


def load_ruleset_file(  # noqa: PLR0911 - one return per way a file fails, one from the cache
    path: Path, origin: str = "shipped"
) -> tuple[CompiledRuleSet | None, list[LoadProblem]]:
    """Load one file; return the set (None if unusable) and the problems found.

    A file that loaded with no problem before is taken from :mod:`.compiled_cache`.
    """
    name = str(path)
    try:
        raw = read_regular_file(path, MAX_RULESET_BYTES)  # a named pipe would wait forever
        if len(raw) > MAX_RULESET_BYTES:
            return None, [LoadProblem(name, None, None, "file is too large for a rule set")]
        kept = compiled_cache.cached_ruleset(path, raw, origin)  # loaded cleanly before
        if kept is not None:
            return kept, []
        doc = parse_yaml(raw.decode("utf-8"))
    except OSError as exc:
        return None, [LoadProblem(name, None, None, f"cannot read: {exc.strerror or exc}")]
    except UnicodeDecodeError:
        return None, [LoadProblem(name, None, None, "not UTF-8 text")]
    except YamlSourceError as exc:
        return None, [LoadProblem(name, exc.line, None, str(exc))]
    if doc.data is None:  # nothing but blanks and comments
        return None, [LoadProblem(name, None, None, "file is empty")]
    ruleset, problems = _build(doc, name, path, origin, hashlib.sha256(raw).hexdigest())
    if ruleset is not None and not problems:
        compiled_cache.remember(path, raw, ruleset)
    return ruleset, problems


def _build(
    doc: YamlDocument, name: str, path: Path, origin: str, sha256: str
) -> tuple[CompiledRuleSet | None, list[LoadProblem]]:
    if not isinstance(doc.data, dict):
        return None, [LoadProblem(name, 1, None, "a rule set must be a YAML mapping")]
    data = doc.data
    problems: list[LoadProblem] = []
    good_rules: list[object] = []
    compiled: list[CompiledRule] = []
    raw_rules = data.get("rules")
    for index, raw_rule in enumerate(raw_rules if isinstance(raw_rules, list) else []):
        result = _check_rule(raw_rule, ("rules", index), doc, name)
        if isinstance(result, LoadProblem):
            problems.append(result)
        else:
            good_rules.append(raw_rule)
            compiled.append(result)
    empty = isinstance(raw_rules, list) and not raw_rules
    if empty:
        problems.append(LoadProblem(name, doc.line_of(("rules",)), None, "rules: no rules"))
    header = {**data, "rules": good_rules} if isinstance(raw_rules, list) else data
    try:
        spec = RuleSetSpec.model_validate(header)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, (), doc, name, None))
        return None, problems
    if empty:
        return None, problems
    expected = f"{spec.id.lower()}.yaml"
    if path.name != expected:
        line = doc.line_of(("id",))
        problems.append(LoadProblem(name, line, None, f"file must be named {expected}"))
        return None, problems
    try:
        _balanced(spec.applies_when)
        applies = compile_expr(on_element(None, 0, f"({spec.applies_when})"))
    except CelCompileError:
        try:  # say what is wrong in the author's own text, with its columns
            compile_expr(spec.applies_when, derive=False)
            reason = "does not compile"
        except CelCompileError as exc:
            reason = str(exc)
        problems.append(
            LoadProblem(name, doc.line_of(("applies_when",)), None, f"applies_when: {reason}")
        )
        return None, problems
    return CompiledRuleSet(spec, name, origin, applies, tuple(compiled), sha256), problems


def _check_rule(
    raw_rule: object, loc: PathKey, doc: YamlDocument, name: str
) -> CompiledRule | LoadProblem:
    """Validate and compile one rule on its own, so one bad rule does not sink the set."""
    rule_id = raw_rule.get("id") if isinstance(raw_rule, dict) else None
    rid = str(rule_id) if rule_id is not None else None
    try:
        spec = RuleSpec.model_validate(raw_rule)
    except ValidationError as exc:
        return _validation_problems(exc, loc, doc, name, rid)[0]
    if spec.scope is not None and spec.scope not in SCOPES:
        known = ", ".join(sorted(SCOPES))
        return LoadProblem(
            name, doc.line_of((*loc, "scope")), rid, f"unknown scope {spec.scope!r} ({known})"
        )
    for text_key in ("message", "fix"):
        for field_name, _spec in placeholders(getattr(spec, text_key)):
            why = placeholder_problem(field_name, set(spec.values))
            if why:
                return LoadProblem(name, doc.line_of((*loc, text_key)), rid, why)
    try:
        return _compile_rule(spec, doc.line_of(loc))
    except CelCompileError as exc:
        for key, source in _expressions(spec):  # find the expression at fault
            try:
                _balanced(source)
                compile_expr(source, derive=False)
            except CelCompileError as inner:
                return LoadProblem(name, doc.line_of((*loc, *key)), rid, f"{_label(key)}: {inner}")
        return LoadProblem(name, doc.line_of(loc), rid, f"does not compile: {exc}")


def _balanced(source: str) -> None:
    """Refuse an expression that could close the brackets the engine wraps it in.

    Every expression is compiled inside a larger generated one (``[true, (c1), ...]``);
    ``c1`` = ``true), (false`` would compile there while meaning nothing on its own.
    """
    depth = 0
    for char in strip_strings(source):
        depth += char in "([{"
        depth -= char in ")]}"
        if depth < 0:
            msg = "unbalanced brackets"
            raise CelCompileError(msg)
    if depth:
        msg = "unbalanced brackets"
        raise CelCompileError(msg)


def _label(key: tuple[str | int, ...]) -> str:
    return str(key[0]) if len(key) == 1 else f"{key[0]}[{key[1]}]"


def _expressions(spec: RuleSpec) -> list[tuple[tuple[str | int, ...], str]]:
    found: list[tuple[tuple[str | int, ...], str]] = []
    if spec.when is not None:
        found.append((("when",), spec.when))
    found.extend((("require", i), c) for i, c in enumerate(spec.require))
    found.extend((("values", k), v) for k, v in spec.values.items())
    return found


def _validation_problems(
    exc: ValidationError, base: PathKey, doc: YamlDocument, name: str, rule_id: str | None
) -> list[LoadProblem]:
    """One problem per pydantic error, in words; misspelt keys first, with a suggestion.

    A misspelt ``requires:`` also makes ``require`` missing; the misspelling is the
    cause, so it is named first.
    """
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    out = []
    for error in errors:
        loc = (*base, *error["loc"])
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        out.append(LoadProblem(name, doc.line_of(loc), rule_id, f"{where}: {_in_words(error)}"))
    return out


def _in_words(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        import difflib  # only for a set with a mistake: not on every start

        key = str(error["loc"][-1]) if error["loc"] else ""
        close = difflib.get_close_matches(key, _KNOWN_KEYS, n=1)
        return f"unknown key (did you mean {close[0]!r}?)" if close else "unknown key"
    if kind == "missing":
        return "required key is missing"
    return str(error["msg"]).removeprefix("Value error, ")


_KNOWN_KEYS = sorted(
    {
        *RuleSetSpec.model_fields,
        *RuleSpec.model_fields,
        *Source.model_fields,
    }
)


def _compile_rule(spec: RuleSpec, line: int | None) -> CompiledRule:
    """Compile a rule's batch programs (which type-checks every expression in it)."""
    for _key, source in _expressions(spec):
        _balanced(source)
    quick = compile_expr(quick_source(spec))
    batch = compile_expr(batch_source(spec))
    values = compile_expr(values_source(spec, None)) if spec.values else None
    return CompiledRule(spec, quick, batch, values, line)


def quick_source(spec: RuleSpec) -> str:
    """One boolean per element: ``!(when) || (c1 && ... && cn)``.

    A clause that errors where another clause is false is absorbed here (CEL's
    ``&&``), but the element is then failing and the detailed pass reports the error.
    """
    clauses = " && ".join(f"({c})" for c in spec.require)
    body = f"(!({spec.when}) || ({clauses}))" if spec.when else f"({clauses})"
    return on_element(spec.scope, None, body)


def batch_source(spec: RuleSpec) -> str:
    """One expression that yields, per element, ``[true, c1, ..., cn]`` or ``[false]``.

    Evaluating a whole scope in one call is what keeps a full check within its
    budget; when it fails (an element makes a clause error) the engine falls back
    to evaluating element by element, clause by clause, to say exactly where.
    """
    clauses = ", ".join(f"({c})" for c in spec.require)
    guarded = (
        f"(({spec.when}) ? [true, {clauses}] : [false])" if spec.when else f"[true, {clauses}]"
    )
    return on_element(spec.scope, None, guarded)


def selects_source(spec: RuleSpec) -> str:
    """True when the rule's ``when`` is not false for some element of its scope.

    A ``when`` that yields a non-boolean counts as selecting (as in the engine, where
    such a rule is reported, never passed); one that errors makes the whole
    expression error unless another element is selected.
    """
    items = "[p]" if spec.scope is None else f"p.{spec.scope}"
    return f"{items}.exists(it, ({spec.when}) != false)"


def values_source(spec: RuleSpec, index: int | None) -> str:
    """The rule's ``values`` as one list per element (or for element ``index`` only)."""
    values = ", ".join(f"({v})" for v in spec.values.values())
    return on_element(spec.scope, index, f"[{values}]")


# --- many files -----------------------------------------------------------------------------


def ruleset_files(directory: Path) -> list[Path]:
    """Return the ``*.yaml`` files of a folder, sorted; [] if it does not exist."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix == ".yaml" and p.is_file())


def load_catalogue(sources: Sequence[tuple[Path, str]]) -> Catalogue:
    """Load every rule set from ``(folder, origin)`` pairs; earlier folders win on clashes."""
    catalogue = Catalogue()
    seen_rules: dict[str, str] = {}
    for directory, origin in sources:
        for path in ruleset_files(directory):
            ruleset, problems = load_ruleset_file(path, origin)
            catalogue.problems.extend(problems)
            if ruleset is not None:
                _admit(catalogue, ruleset, seen_rules)
    catalogue.rulesets.sort(key=lambda s: s.id)
    return catalogue


def _admit(catalogue: Catalogue, ruleset: CompiledRuleSet, seen_rules: dict[str, str]) -> None:
    clash = catalogue.get(ruleset.id)
    if clash is not None:
        message = f"rule set id {ruleset.id} is already defined in {clash.file}"
        catalogue.problems.append(LoadProblem(ruleset.file, 1, None, message))
        return
    kept: list[CompiledRule] = []
    for rule in ruleset.rules:
        owner = seen_rules.get(rule.spec.id)
        if owner is not None:
            message = f"duplicate rule id (already used in {owner})"
            catalogue.problems.append(LoadProblem(ruleset.file, rule.line, rule.spec.id, message))
            continue
        seen_rules[rule.spec.id] = ruleset.file
        kept.append(rule)
    catalogue.rulesets.append(
        CompiledRuleSet(
            ruleset.spec,
            ruleset.file,
            ruleset.origin,
            ruleset.applies,
            tuple(kept),
            ruleset.sha256,
        )
    )
