"""Measure CEL bindings on papdesigner-like expressions."""
import statistics, sys, time, json

def make_view(n_sessions=30):
    roles = [{"id": "lead", "kind": "lead_therapist", "title": "Lead", "qualifications": {"degree": "doctoral", "licensed": True, "mental_health_experience_years": 5.0}},
             {"id": "asst", "kind": "assistant_monitor", "title": "Assistant", "qualifications": {"degree": "bachelor", "licensed": False, "mental_health_experience_years": 1.5}}]
    setting = {"id": "room", "name": "Room A", "lighting": "dimmable", "music": "", "emergency_equipment": "crash cart"}
    sessions = []
    for i in range(n_sessions):
        kind = ["preparation", "dosing", "integration"][i % 3]
        s = {"id": f"s{i}", "kind": kind, "title": f"Session {i}", "day": i * 7, "duration_hours": 8.0 if kind == "dosing" else 1.5,
             "format": "individual", "group_size": None, "setting": setting,
             "staff": [{"role": roles[0], "count": 1, "present_throughout": True}, {"role": roles[1], "count": 1, "present_throughout": True}],
             "monitor_count": 2, "has_lead": True, "assessments": ["C-SSRS", "vitals"],
             "max_total_dose_mg": 25.0 if kind == "dosing" else None, "days_since_previous_dosing": None if i < 3 else 21,
             "preparation_before": i // 3, "overnight_stay": False, "path": f"$.sessions[{i}]"}
        sessions.append(s)
    return {"context": "ind_trial", "jurisdictions": ["US", "US-CA"], "substances": ["psilocybin"],
            "exclusion_codes": ["psychosis_personal", "psychosis_family", "bipolar_i_personal"],
            "sessions": sessions, "dosing_sessions": [s for s in sessions if s["kind"] == "dosing"],
            "first_dosing_day": 1, "washouts": [{"medication_class": "SSRI", "min_days": 14, "supervised_taper": True}],
            "psychotherapy": {"model": "MAPS manualised", "rationale": "x"}, "safety": {"suicidality_instrument": "C-SSRS", "dsmb": ""},
            "narrative": {"background": "..." * 100, "rationale": "..." * 100}, "roles": roles}

P_EXPRS = [
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
]
IT_EXPRS = [
    ("it.monitor_count >= 2", True),
    ("it.max_total_dose_mg <= 180.0", True),
    ("it.max_total_dose_mg <= 180", True),  # double vs int literal
    ("it.duration_hours >= 6", True),
    ("it.setting != null && it.setting.lighting != ''", True),
    ("it.staff.exists(s, s.role.kind == 'lead_therapist' && s.present_throughout)", True),
    ("it.days_since_previous_dosing == null || it.days_since_previous_dosing >= 21", True),
    ("it.day - p.first_dosing_day <= 90", True),
    ("it.group_size == null || it.group_size <= 25", True),
    ("'C-SSRS' in it.assessments", True),
]

def bench(fn, n=2000):
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        ts.append((time.perf_counter() - t) / n * 1e6)
    return statistics.median(ts)

def run_cel_rust(view, it):
    import cel
    res = {}
    progs = [(e, cel.compile(e)) for e, _ in P_EXPRS + IT_EXPRS]
    ctx = cel.Context(); ctx.add_variable("p", view); ctx.add_variable("it", it)
    out = {}
    for e, pr in progs:
        try: out[e] = pr.execute(ctx)
        except Exception as x: out[e] = f"ERR {type(x).__name__}: {x}"[:90]
    pr = progs[0][1]; pr2 = cel.compile("it.monitor_count >= 2")
    t_ctx_reuse = bench(lambda: pr2.execute(ctx))
    def fresh():
        c = cel.Context(); c.add_variable("p", view); c.add_variable("it", it); pr2.execute(c)
    t_ctx_fresh = bench(fresh, 200)
    def swap_it():
        ctx.add_variable("it", it); pr2.execute(ctx)
    t_swap = bench(swap_it, 500)
    vec = cel.compile("p.dosing_sessions.map(it, it.monitor_count >= 2 && it.max_total_dose_mg <= 180.0)")
    t_vec = bench(lambda: vec.execute(ctx), 500)
    t_compile = bench(lambda: cel.compile("p.sessions.exists(s, s.kind == 'preparation' && s.day < p.first_dosing_day)"), 500)
    return out, dict(exec_reused_ctx=t_ctx_reuse, new_ctx_per_eval=t_ctx_fresh, rebind_it_then_exec=t_swap, vectorised_map_10=t_vec, compile=t_compile)

def run_celpy(view, it):
    import celpy
    from celpy import json_to_cel
    env = celpy.Environment()
    progs = [(e, env.program(env.compile(e))) for e, _ in P_EXPRS + IT_EXPRS]
    act = {"p": json_to_cel(view), "it": json_to_cel(it)}
    out = {}
    for e, pr in progs:
        try: out[e] = pr.evaluate(act)
        except Exception as x: out[e] = f"ERR {type(x).__name__}: {x}"[:90]
    pr2 = env.program(env.compile("it.monitor_count >= 2"))
    t_reuse = bench(lambda: pr2.evaluate(act), 300)
    t_conv = bench(lambda: json_to_cel(view), 50)
    vec = env.program(env.compile("p.dosing_sessions.map(it, it.monitor_count >= 2 && it.max_total_dose_mg <= 180.0)"))
    t_vec = bench(lambda: vec.evaluate(act), 100)
    t_compile = bench(lambda: env.compile("p.sessions.exists(s, s.kind == 'preparation' && s.day < p.first_dosing_day)"), 50)
    return out, dict(exec_reused_activation=t_reuse, convert_view=t_conv, vectorised_map_10=t_vec, compile=t_compile)

def run_celexpr(view, it):
    from cel_expr_python import cel
    env = cel.NewEnv(variables={"p": cel.Type.DYN, "it": cel.Type.DYN})
    progs = []
    out = {}
    for e, _ in P_EXPRS + IT_EXPRS:
        try: progs.append((e, env.compile(e)))
        except Exception as x: out[e] = f"COMPILE ERR {x}"[:90]
    act = env.Activation({"p": view, "it": it})
    for e, pr in progs:
        try: out[e] = pr.eval(act).plain_value()
        except Exception as x: out[e] = f"ERR {type(x).__name__}: {x}"[:90]
    pr2 = env.compile("it.monitor_count >= 2")
    t_reuse = bench(lambda: pr2.eval(act).value(), 2000)
    t_fresh = bench(lambda: pr2.eval(env.Activation({"p": view, "it": it})).value(), 200)
    vec = env.compile("p.dosing_sessions.map(it, it.monitor_count >= 2 && it.max_total_dose_mg <= 180.0)")
    t_vec = bench(lambda: vec.eval(act).plain_value(), 500)
    t_compile = bench(lambda: env.compile("p.sessions.exists(s, s.kind == 'preparation' && s.day < p.first_dosing_day)"), 500)
    return out, dict(exec_reused_activation=t_reuse, new_activation_per_eval=t_fresh, vectorised_map_10=t_vec, compile=t_compile)

if __name__ == "__main__":
    view = make_view(); it = view["dosing_sessions"][1]
    expected = dict(P_EXPRS + IT_EXPRS)
    for name, fn in [("common-expression-language", run_cel_rust), ("cel-python", run_celpy), ("cel-expr-python", run_celexpr)]:
        try:
            out, times = fn(view, it)
        except Exception as x:
            print(name, "FAILED", type(x).__name__, x); continue
        wrong = {e: v for e, v in out.items() if v != expected[e]}
        print(f"== {name}: {len(expected)-len(wrong)}/{len(expected)} correct")
        for e, v in wrong.items(): print("   wrong:", e, "->", v)
        print("   times (us):", {k: round(v, 2) for k, v in times.items()})
