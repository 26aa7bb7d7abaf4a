"""Loading rule sets: every kind of broken file is reported with file, rule id and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papdesigner.rules.loader import load_catalogue, load_ruleset_file


def _problems(kit: Any, folder: Path) -> list[tuple[str, int | None, str | None, str]]:
    catalogue = kit.catalogue(folder)
    return [(Path(p.file).name, p.line, p.rule_id, p.message) for p in catalogue.problems]


def test_good_set_loads_with_compiled_rules(kit: Any, write_set: Callable[..., Path]) -> None:
    folder = write_set(
        "GOOD", [kit.rule("G-1", scope="sessions", when="it.day > 0", require=["true"])]
    )
    catalogue = kit.catalogue(folder)
    assert catalogue.problems == []
    (ruleset,) = catalogue.rulesets
    assert ruleset.id == "GOOD"
    assert ruleset.rules[0].line == 9
    assert catalogue.rule("G-1") is not None


def test_invalid_yaml_names_the_line(kit: Any, write_set: Callable[..., Path]) -> None:
    folder = write_set("BAD", [], text="id: BAD\ntitle: [unclosed\nversion: 1\n")
    ((name, line, rule, message),) = _problems(kit, folder)
    assert name == "bad.yaml" and rule is None
    assert line is not None and line >= 2
    assert message.startswith("invalid YAML")


def test_unknown_key_in_a_rule_drops_only_that_rule(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    bad = kit.rule("U-2").replace(
        "    fix: Fix it.\n", "    fix: Fix it.\n    requires: ['true']\n"
    )
    folder = write_set("U", [kit.rule("U-1"), bad, kit.rule("U-3")])
    ((name, line, rule, message),) = _problems(kit, folder)
    assert (name, rule) == ("u.yaml", "U-2")
    assert message == "requires: unknown key (did you mean 'require'?)"
    text = (folder / "u.yaml").read_text().splitlines()
    assert line is not None and text[line - 1].strip().startswith("requires:")
    (ruleset,) = kit.catalogue(folder).rulesets
    assert [r.spec.id for r in ruleset.rules] == ["U-1", "U-3"]


def test_a_misspelt_key_is_named_before_the_key_it_hides(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    """``requires:`` instead of ``require:`` used to read "require: Field required"."""
    bad = kit.rule("M-1").replace("    require:", "    requires:")
    folder = write_set("M", [bad, kit.rule("M-2")])
    ((_name, line, rule, message),) = _problems(kit, folder)
    assert rule == "M-1"
    assert message == "requires: unknown key (did you mean 'require'?)"
    assert line is not None
    assert (folder / "m.yaml").read_text().splitlines()[line - 1].strip().startswith("requires:")


def test_missing_keys_and_empty_files_are_said_in_words(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    folder = write_set("E", [], text="# nothing here yet\n")
    ((name, line, _rule, message),) = _problems(kit, folder)
    assert (name, line, message) == ("e.yaml", None, "file is empty")
    folder = write_set("F", [], text="id: F\ntitle: t\n")
    messages = [p[3] for p in _problems(kit, folder)]
    assert "version: required key is missing" in messages
    assert not any("Field required" in m for m in messages)


def test_cel_that_does_not_compile_is_reported_at_its_line(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    folder = write_set("C", [kit.rule("C-1", require=["true", "p.sessions.size( >"])])
    ((_name, line, rule, message),) = _problems(kit, folder)
    assert rule == "C-1"
    assert message.startswith("require[1]: ")
    text = (folder / "c.yaml").read_text().splitlines()
    assert line is not None and "require" in text[line - 1]


def test_a_clause_cannot_escape_its_brackets(kit: Any, write_set: Callable[..., Path]) -> None:
    folder = write_set("INJ", [kit.rule("INJ-1", require=["true), (false"])])
    ((_n, _l, rule, message),) = _problems(kit, folder)
    assert rule == "INJ-1" and "unbalanced brackets" in message


def test_session_lists_are_rewritten_outside_string_literals() -> None:
    from papdesigner.rules.expr import derive_lists

    assert derive_lists("size(p.dosing_sessions) > 0 && 'p.dosing_sessions' != ''") == (
        "cel.bind(dosing_sessions__, p.sessions.filter(s__, s__.kind == 'dosing'), "
        "size(dosing_sessions__) > 0 && 'p.dosing_sessions' != '')"
    )
    assert derive_lists("it.p.dosing_sessions + p.dosing_sessions_x") == (
        "it.p.dosing_sessions + p.dosing_sessions_x"
    )


def test_undeclared_variable_is_a_load_error(kit: Any, write_set: Callable[..., Path]) -> None:
    folder = write_set("V", [kit.rule("V-1", when="itt.day > 1")])
    ((_n, _l, rule, message),) = _problems(kit, folder)
    assert rule == "V-1" and "undeclared reference to 'itt" in message


def test_applies_when_that_does_not_compile_drops_the_set(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    folder = write_set("A", [kit.rule("A-1")], applies="p.context ==")
    ((_n, line, rule, message),) = _problems(kit, folder)
    assert rule is None and line == 6 and message.startswith("applies_when:")
    assert kit.catalogue(folder).rulesets == []


def test_unknown_scope_and_bad_placeholders(kit: Any, write_set: Callable[..., Path]) -> None:
    folder = write_set(
        "S",
        [
            kit.rule("S-1", scope="visits"),
            kit.rule("S-2", message="{dose} mg"),
            kit.rule("S-3", message="{it}"),
            kit.rule("S-4", message="unbalanced {it.day"),
        ],
    )
    found = {rule: message for _n, _l, rule, message in _problems(kit, folder)}
    assert "unknown scope 'visits'" in found["S-1"]
    assert "unknown placeholder {dose}" in found["S-2"]
    assert "names a whole object" in found["S-3"]
    assert "bad placeholder" in found["S-4"]


def test_duplicate_rule_id_across_sets_keeps_the_first(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    write_set("ONE", [kit.rule("D-1")])
    folder = write_set("TWO", [kit.rule("D-1"), kit.rule("D-2")])
    catalogue = kit.catalogue(folder)
    ((_n, line, rule, message),) = _problems(kit, folder)
    assert rule == "D-1" and "duplicate rule id" in message and line == 9
    two = catalogue.get("TWO")
    assert two is not None and [r.spec.id for r in two.rules] == ["D-2"]


def test_duplicate_rule_id_in_one_file(kit: Any, write_set: Callable[..., Path]) -> None:
    folder = write_set("DUP", [kit.rule("X-1"), kit.rule("X-1")])
    ((_n, _l, rule, message),) = _problems(kit, folder)
    assert rule == "X-1" and "dup.yaml" in message


def test_duplicate_set_id_from_another_folder(
    kit: Any, write_set: Callable[..., Path], tmp_path: Path
) -> None:
    first = write_set("SAME", [kit.rule("S-1")])
    other = tmp_path / "other"
    other.mkdir()
    (other / "same.yaml").write_text((first / "same.yaml").read_text().replace("S-1", "S-9"))
    catalogue = load_catalogue([(first, "shipped"), (other, "user")])
    assert [s.id for s in catalogue.rulesets] == ["SAME"]
    assert "already defined" in catalogue.problems[0].message


def test_file_name_must_match_the_id(kit: Any, tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(kit.set_text("RIGHT", [kit.rule("R-1")]))
    ruleset, problems = load_ruleset_file(path)
    assert ruleset is None
    assert problems[0].message == "file must be named right.yaml"


def test_duplicate_keys_aliases_and_encoding(kit: Any, tmp_path: Path) -> None:
    dup = tmp_path / "dup.yaml"
    dup.write_text("id: DUP\nid: DUP\n")
    alias = tmp_path / "alias.yaml"
    alias.write_text("a: &x [1, 2]\nb: *x\n")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9".encode("latin-1"))
    assert load_ruleset_file(dup)[1][0].message == "duplicate key 'id'"
    assert load_ruleset_file(dup)[1][0].line == 2
    assert "aliases" in load_ruleset_file(alias)[1][0].message
    assert load_ruleset_file(latin)[1][0].message == "not UTF-8 text"


def test_missing_required_keys_and_empty_rules(kit: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: X\nrules: []\n")
    ruleset, problems = load_ruleset_file(path)
    assert ruleset is None
    messages = {p.message.split(":")[0] for p in problems}
    assert {"title", "authority", "source", "applies_when", "rules"} <= messages


def test_other_sets_still_load_next_to_a_broken_one(
    kit: Any, write_set: Callable[..., Path]
) -> None:
    write_set("BROKEN", [], text=": : :\n")
    folder = write_set("FINE", [kit.rule("F-1")])
    catalogue = kit.catalogue(folder)
    assert [s.id for s in catalogue.rulesets] == ["FINE"]
    assert len(catalogue.problems) == 1


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    ruleset, problems = load_ruleset_file(path)
    assert ruleset is None
    assert problems and all(p.message for p in problems)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    clause=st.text(
        alphabet=st.sampled_from(list("pit.()[]'\"=!<>&|?:,0123 abcdefsize")), max_size=40
    )
)
def test_arbitrary_expressions_are_load_problems_or_rules(
    kit: Any, tmp_path: Path, clause: str
) -> None:
    import json

    path = tmp_path / "e.yaml"
    path.write_text(kit.set_text("E", [kit.rule("E-1", require=[clause])]), encoding="utf-8")
    ruleset, problems = load_ruleset_file(path)
    assert ruleset is not None  # a bad rule never sinks the header
    loaded = [r.spec.id for r in ruleset.rules]
    assert loaded == ["E-1"] or (loaded == [] and problems[0].rule_id == "E-1"), json.dumps(clause)
