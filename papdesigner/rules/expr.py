"""The one place that talks to the CEL library (cel-expr-python, the C++ CEL runtime).

Rule sets never see the binding: they get :func:`compile_expr`, which returns a
:class:`Program`, and :class:`Program.evaluate`, which returns a plain Python value
or raises :class:`CelEvalError`. Why this binding: see ``CEL.md`` beside this file.

Every expression is type-checked at compile time against two variables of dynamic
type, ``p`` (the resolved protocol view) and ``it`` (the element in scope), with
the CEL ``strings`` and ``math`` extensions. A reference to any other name fails
to compile, so a typo such as ``p.sesions`` inside a macro or ``itt.day`` is caught
when the rule set loads, not when a user runs a check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from cel_expr_python import cel
from cel_expr_python.ext import ext_bindings, ext_math, ext_strings

VARIABLES = ("p", "it")

DERIVED_SESSION_LISTS: dict[str, str] = {
    "screening_sessions": "s__.kind == 'screening'",
    "preparation_sessions": "s__.kind == 'preparation'",
    "dosing_sessions": "s__.kind == 'dosing'",
    "integration_sessions": "s__.kind == 'integration'",
    "follow_up_sessions": "s__.kind == 'follow_up'",
    "group_dosing_sessions": "s__.kind == 'dosing' && s__.format == 'group'",
}
"""Lists of the view that CEL computes from ``p.sessions`` (see :func:`derive_lists`)."""
"""The names an expression may use: the protocol view and the element in scope."""


class CelCompileError(ValueError):
    """An expression that does not parse or type-check; the message is one line."""


class CelEvalError(ValueError):
    """An expression that failed while evaluating (missing key, no overload, ...)."""


@cache
def _env() -> Any:
    variables = dict.fromkeys(VARIABLES, cel.Type.DYN)
    # Bindings: cel.bind, with which derive_lists computes the session-kind lists once.
    extensions = [ext_strings.ExtStrings(), ext_math.ExtMath(), ext_bindings.ExtBindings()]
    return cel.NewEnv(variables=variables, extensions=extensions)


MAX_DIAGNOSTIC = 300
"""A CEL diagnostic longer than this is cut in the middle (a conversion error quotes the data)."""


def _first_line(text: str) -> str:
    """Return the first meaningful line of a CEL diagnostic, without the status prefix."""
    for raw in text.splitlines():
        line = raw.strip().removeprefix("INVALID_ARGUMENT:").strip()
        if line.startswith("ERROR: <input>:"):
            line = "at " + line.removeprefix("ERROR: <input>:")
        if line:
            return _clipped(line)
    return _clipped(text.strip()) or "unknown CEL error"


def _clipped(text: str) -> str:
    if len(text) <= MAX_DIAGNOSTIC:
        return text
    half = (MAX_DIAGNOSTIC - 3) // 2
    return f"{text[:half]} … {text[-half:]}"


BUDGET_MESSAGE = (
    "the protocol is too large for this rule (the rule engine's iteration budget was exceeded)"
)


def _budget_or_first_line(text: str) -> str:
    if "budget" in text.lower():
        return BUDGET_MESSAGE
    return _first_line(text)


class Program:
    """A compiled CEL expression, ready to evaluate many times."""

    __slots__ = ("_compiled", "source", "source_text")

    def __init__(self, source: str, compiled: Any, source_text: str | None = None) -> None:
        self.source = source
        self.source_text = source_text or source  # what was compiled (after rewriting)
        self._compiled = compiled

    def evaluate(self, variables: Mapping[str, Any]) -> Any:
        """Evaluate over plain Python data; return plain Python data or raise CelEvalError."""
        activation = _env().Activation(dict(variables))
        return self.evaluate_in(activation)

    def evaluate_in(self, activation: Any) -> Any:
        """Evaluate in an activation made by :func:`activation` (cheaper when reused)."""
        compiled = self._compiled if self._compiled is not None else self._compile_now()
        try:
            result = compiled.eval(activation)
        except RuntimeError as exc:
            # The runtime raises instead of returning an error value when a comprehension
            # runs past its iteration budget; that is a failed evaluation, not a crash.
            raise CelEvalError(_budget_or_first_line(str(exc))) from None
        if result.type() == cel.Type.ERROR:
            raise CelEvalError(_first_line(str(result.value())))
        return result.plain_value()

    def _compile_now(self) -> Any:
        """Compile a program made with ``compiled=None`` (text known to compile) on first use.

        The rule-set cache (:mod:`papdesigner.rules.compiled_cache`) makes such programs:
        most rule sets never apply to a protocol, and compiling costs ~0.2 ms each.
        """
        try:
            self._compiled = _compile_text(self.source_text, keep=True)
        except RuntimeError as exc:  # the text compiled when it was cached; never expected
            raise CelEvalError(f"does not compile: {_first_line(str(exc))}") from None
        return self._compiled

    def __repr__(self) -> str:
        return f"Program({self.source!r})"


def activation(view: Any) -> Any:
    """Bind the protocol view as ``p`` for a whole check.

    The binding converts Python data to CEL data on first use *in each activation*,
    which for a protocol view costs milliseconds, and converted values cannot be
    carried into another activation. So a check uses this one activation for every
    evaluation, and reaches elements through ``p`` (see :func:`on_element`) instead of
    binding ``it`` in new activations. The session-kind lists are left out: compiled
    expressions compute them from ``p.sessions`` (see :func:`derive_lists`).
    """
    cel_view = {k: v for k, v in view.items() if k not in DERIVED_SESSION_LISTS}
    return _env().Activation({"p": cel_view, "it": None})


def on_element(scope: str | None, index: int | None, expr: str) -> str:
    """CEL source that evaluates ``expr`` with ``it`` bound to one element of a scope.

    ``scope=None`` means the protocol itself. ``index=None`` evaluates ``expr`` for
    every element and yields the list of results.
    """
    items = "[p]" if scope is None else f"p.{scope}"
    if index is None:
        return f"{items}.map(it, {expr})"
    if scope is not None:
        items = f"[{items}[{index}]]"
    return f"{items}.map(it, {expr})[0]"


@lru_cache(maxsize=4096)
def compile_cached(source: str) -> Program:
    """Compile an engine-generated expression once per process (fallback paths).

    Not kept between starts: many of these name one element of one protocol (a
    failing session's index), so keeping them would grow the cache with every edit.
    """
    return compile_expr(source)


def compile_expr(source: str, *, derive: bool = True, keep: bool = False) -> Program:
    """Parse and type-check one expression; raise CelCompileError with a one-line reason.

    With ``derive`` (the default) the session-kind lists are computed in CEL (see
    :func:`derive_lists`); pass ``derive=False`` to check an author's text as written,
    so error columns match it. With ``keep`` the compiled program is read from and
    kept in the program cache (:mod:`.program_cache`): for the programs of a rule set
    that a check evaluates on every start, not for the hundreds a rule set's first load
    only checks, nor for programs about one element of one protocol.
    """
    if not isinstance(source, str) or not source.strip():
        msg = "empty expression"
        raise CelCompileError(msg)
    text = derive_lists(source) if derive else source
    try:
        compiled = _compile_text(text, keep=keep)
    except RuntimeError as exc:
        raise CelCompileError(_first_line(str(exc))) from None
    return Program(source, compiled, text)


def _compile_text(text: str, *, keep: bool) -> Any:
    """The runtime's compiled program for ``text``; raises RuntimeError when it does not compile.

    With ``keep``, a program compiled by an earlier start is read back from the cache
    (a fraction of a millisecond instead of 1-3 ms), and a fresh one is kept for the next.
    """
    if not keep:
        return _env().compile(text)
    from papdesigner.rules.program_cache import keep_program, kept_program

    kept = kept_program(text)
    if kept is not None:
        try:
            return _env().deserialize(kept)
        except RuntimeError:
            pass  # an authentic entry always reads back; if not, compile as without a cache
    compiled = _env().compile(text)
    keep_program(text, compiled.serialize())
    return compiled


_STRING = re.compile(
    r"""[rR]?(?:'{3}.*?'{3}|"{3}.*?"{3}|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""", re.DOTALL
)
_DERIVED = re.compile(r"(?<![\w.])p\.(" + "|".join(DERIVED_SESSION_LISTS) + r")\b")


def derive_lists(source: str) -> str:
    """Compute ``p.dosing_sessions`` (and the other session-kind lists) in CEL, once.

    Those lists hold the same sessions as ``p.sessions``; computing them in CEL from
    the converted ``p.sessions`` instead of converting them again from Python halves
    the cost of a check. Each list the expression uses is bound once around the
    whole expression (``cel.bind``), so a list used inside a comprehension is not
    filtered again for every element: that multiplied the iterations by the number
    of sessions and ran a large protocol past the runtime's iteration budget.
    String literals are left alone.
    """
    out: list[str] = []
    used: dict[str, None] = {}

    def local(match: re.Match[str]) -> str:
        used[match.group(1)] = None
        return f"{match.group(1)}__"

    pos = 0
    for match in _STRING.finditer(source):
        out.append(_DERIVED.sub(local, source[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_DERIVED.sub(local, source[pos:]))
    text = "".join(out)
    for name in reversed(used):
        text = f"cel.bind({name}__, {_filter_for(name)}, {text})"
    return text


def strip_strings(source: str) -> str:
    """The expression with its string literals removed (for structural checks)."""
    return _STRING.sub("''", source)


def _filter_for(name: str) -> str:
    return f"p.sessions.filter(s__, {DERIVED_SESSION_LISTS[name]})"
