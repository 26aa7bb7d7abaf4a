"""Measure the CEL bindings on PyPI against expressions written the way our rules are.

This produced the table in papdesigner/rules/CEL.md. Run it in a scratch virtual
environment that has the candidates installed (bindings that are missing are
skipped)::

    pip install cel-expr-python common-expression-language cel-python
    python tests/bench/bench_cel_bindings.py

It checks each binding's answers against the expected value of every expression
and prints median microseconds for compiling, evaluating with bound data, binding a
protocol-sized view, and evaluating one rule over a scope in one call.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

Data = dict[str, Any]


def make_view(n_sessions: int = 30) -> Data:
    """A protocol view shaped like papdesigner's resolved view."""
    roles = [
        {"id": "lead", "kind": "lead_therapist", "qualifications": {"degree": "doctoral"}},
        {"id": "asst", "kind": "assistant_monitor", "qualifications": {"degree": "bachelor"}},
    ]
    setting = {"id": "room", "name": "Room A", "lighting": "dimmable", "music": ""}
    sessions = []
    for i in range(n_sessions):
        kind = ("preparation", "dosing", "integration")[i % 3]
        sessions.append(
            {
                "id": f"s{i}",
                "kind": kind,
                "title": f"Session {i}",
                "day": i * 7,
                "duration_hours": 8.0 if kind == "dosing" else 1.5,
                "group_size": None,
                "setting": setting,
                "monitor_count": 2,
                "assessments": ["C-SSRS", "vitals"],
                "staff": [{"role": r, "count": 1, "present_throughout": True} for r in roles],
                "max_total_dose_mg": 25.0 if kind == "dosing" else 0.0,
                "days_since_previous_dosing": None if i < 3 else 21,
                "path": f"$.sessions[{i}]",
            }
        )
    return {
        "context": "ind_trial",
        "jurisdictions": ["US", "US-CA"],
        "substances": ["psilocybin"],
        "exclusion_codes": ["psychosis_personal", "psychosis_family", "bipolar_i"],
        "sessions": sessions,
        "dosing_sessions": [s for s in sessions if s["kind"] == "dosing"],
        "first_dosing_day": 1,
        "roles": roles,
        "washouts": [{"medication_class": "SSRI", "min_days": 14, "supervised_taper": True}],
        "psychotherapy": {"model": "MAPS manualised"},
        "safety": {"suicidality_instrument": "C-SSRS", "dsmb": ""},
        "narrative": {"background": "." * 300},
    }


CASES: list[tuple[str, bool]] = [
    ("p.context == 'ind_trial' && 'US' in p.jurisdictions", True),
    ("'psychosis_personal' in p.exclusion_codes", True),
    ("p.substances.exists(s, s in ['psilocybin', 'lsd'])", True),
    ("p.washouts.all(w, w.supervised_taper)", True),
    ("p.washouts.exists(w, w.medication_class == 'SSRI' && w.min_days >= 14)", True),
    ("size(p.safety.dsmb) > 0", False),
    ("p.safety.suicidality_instrument != null && p.safety.suicidality_instrument != ''", True),
    ("p.sessions.exists(s, s.kind == 'preparation' && s.day < p.first_dosing_day)", True),
    ("p.psychotherapy.model.contains('MAPS')", True),
    ("has(p.safety.dsmb)", True),
    ("p.dosing_sessions.all(s, s.monitor_count >= 2)", True),
    ("it.monitor_count >= 2", True),
    ("it.max_total_dose_mg <= 180.0", True),
    ("it.max_total_dose_mg <= 180", True),
    ("it.duration_hours >= 6", True),
    ("it.setting != null && it.setting.lighting != ''", True),
    ("it.staff.exists(s, s.role.kind == 'lead_therapist' && s.present_throughout)", True),
    ("it.days_since_previous_dosing == null || it.days_since_previous_dosing >= 21", True),
    ("it.day - p.first_dosing_day <= 90", True),
    ("it.group_size == null || it.group_size <= 25", True),
    ("'C-SSRS' in it.assessments", True),
]
BATCH = "p.dosing_sessions.map(it, [it.monitor_count >= 2, it.max_total_dose_mg <= 180.0])"
HEAVY = "p.sessions.exists(s, s.kind == 'preparation' && s.day < p.first_dosing_day)"


def median_us(fn: Callable[[], object], runs: int) -> float:
    """Median of five rounds of ``runs`` calls, in microseconds per call."""
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(runs):
            fn()
        rounds.append((time.perf_counter() - start) / runs * 1e6)
    return statistics.median(rounds)


def _answers(evaluate: Callable[[str], Any]) -> dict[str, Any]:
    out = {}
    for expr, _ in CASES:
        try:
            out[expr] = evaluate(expr)
        except Exception as exc:  # any failure is a wrong answer here
            out[expr] = f"error: {type(exc).__name__}"
    return out


def cel_expr_python(view: Data, it: Data) -> tuple[dict[str, Any], dict[str, float]]:
    """Google's C++ runtime."""
    from cel_expr_python import cel

    env = cel.NewEnv(variables={"p": cel.Type.DYN, "it": cel.Type.DYN})
    act = env.Activation({"p": view, "it": it})

    def evaluate(expr: str) -> Any:
        result = env.compile(expr).eval(act)
        return "error" if result.type() == cel.Type.ERROR else result.plain_value()

    simple, batch = env.compile("it.monitor_count >= 2"), env.compile(BATCH)
    times = {
        "compile": median_us(lambda: env.compile(HEAVY), 200),
        "eval, bound data": median_us(lambda: simple.eval(act).value(), 2000),
        "bind view + eval": median_us(
            lambda: simple.eval(env.Activation({"p": view, "it": it})), 50
        ),
        "rule over 10 sessions": median_us(lambda: batch.eval(act).plain_value(), 500),
    }
    return _answers(evaluate), times


def common_expression_language(view: Data, it: Data) -> tuple[dict[str, Any], dict[str, float]]:
    """The Rust binding (PyO3)."""
    import cel

    ctx = cel.Context()
    ctx.add_variable("p", view)
    ctx.add_variable("it", it)
    simple, batch = cel.compile("it.monitor_count >= 2"), cel.compile(BATCH)

    def bind() -> object:
        fresh = cel.Context()
        fresh.add_variable("p", view)
        fresh.add_variable("it", it)
        return simple.execute(fresh)

    times = {
        "compile": median_us(lambda: cel.compile(HEAVY), 200),
        "eval, bound data": median_us(lambda: simple.execute(ctx), 2000),
        "bind view + eval": median_us(bind, 50),
        "rule over 10 sessions": median_us(lambda: batch.execute(ctx), 200),
    }
    return _answers(lambda e: cel.compile(e).execute(ctx)), times


def cel_python(view: Data, it: Data) -> tuple[dict[str, Any], dict[str, float]]:
    """The pure-Python interpreter (module celpy)."""
    import celpy

    env = celpy.Environment()
    act = {"p": celpy.json_to_cel(view), "it": celpy.json_to_cel(it)}
    simple = env.program(env.compile("it.monitor_count >= 2"))
    batch = env.program(env.compile(BATCH))
    times = {
        "compile": median_us(lambda: env.compile(HEAVY), 20),
        "eval, bound data": median_us(lambda: simple.evaluate(act), 200),
        "bind view + eval": median_us(lambda: celpy.json_to_cel(view), 20),
        "rule over 10 sessions": median_us(lambda: batch.evaluate(act), 20),
    }
    return _answers(lambda e: env.program(env.compile(e)).evaluate(act)), times


def main() -> None:
    """Measure every binding that is installed."""
    view = make_view()
    it = view["dosing_sessions"][1]
    expected = dict(CASES)
    for name, run in (
        ("cel-expr-python", cel_expr_python),
        ("common-expression-language", common_expression_language),
        ("cel-python", cel_python),
    ):
        try:
            answers, times = run(view, it)
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        wrong = {e: v for e, v in answers.items() if v != expected[e]}
        print(f"{name}: {len(expected) - len(wrong)}/{len(expected)} correct")
        for expr, value in wrong.items():
            print(f"    wrong: {expr} -> {value}")
        for label, value in times.items():
            print(f"    {label:24} {value:10.2f} µs")


if __name__ == "__main__":
    main()
