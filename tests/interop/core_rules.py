"""CDISC CORE conformance rules for USDM 4.0 that can be checked on one file (test support).

Each rule is a function registered under its CORE id (``DDF00083``...) that returns the
violations found in a USDM wrapper, as 'JSON path: what is wrong'. The rule texts are in
reference/USDM_CORE_Rules.xlsx; papdesigner/interop/CORE.md lists which rules are implemented
here and why the others are out of scope.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import yaml
from usdm_checks import (
    api_schemas,
    dangling_references,
    duplicate_ids,
    instances,
    schema_errors,
    unknown_attributes,
)

from papdesigner.paths import resource

Rule = Callable[[dict[str, Any]], list[str]]
RULES: dict[str, Rule] = {}
WARNINGS: set[str] = set()
"""Rules the CORE spreadsheet classes as WARNING (checked all the same)."""

CDISC = "http://www.cdisc.org"
ISO_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
RELEASE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def rule(core_id: str, *, warning: bool = False) -> Callable[[Rule], Rule]:
    """Register a rule under its CORE id."""

    def register(function: Rule) -> Rule:
        RULES[core_id] = function
        if warning:
            WARNINGS.add(core_id)
        return function

    return register


# --- helpers --------------------------------------------------------------------------------


def of(doc: Any, cls: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, instance) of every instance of ``cls``."""
    return ((p, i) for p, i in instances(doc) if i["instanceType"] == cls)


def version(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["study"]["versions"][0]


def designs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(version(doc)["studyDesigns"])


@cache
def _ct() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        resource("catalogues", "usdm_ct.yaml").read_text(encoding="utf-8")
    )
    return data


def ddf_codes(attribute: str) -> dict[str, str]:
    """Code -> decode of a DDF value set (``Entity.attribute``) from USDM_CT.xlsx."""
    return {t["code"]: t["decode"] for t in _ct()["ddf"][attribute]["terms"]}


def sdtm_codes(codelist: str) -> dict[str, str]:
    """Code -> decode of the SDTM terms papdesigner's catalogue lists for one code list."""
    for block in _ct()["sdtm"].values():
        if block["codelist"] == codelist:
            return {t["code"]: t["decode"] for t in block["terms"].values()}
    raise KeyError(codelist)


def code_of(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The Code of a Code or AliasCode attribute."""
    if value is None:
        return None
    return value["standardCode"] if value["instanceType"] == "AliasCode" else value


def codelist_violations(doc: Any, cls: str, attribute: str, allowed: dict[str, str]) -> list[str]:
    """Codes of ``cls.attribute`` whose code or decode is not the code list's entry."""
    found = []
    for path, instance in of(doc, cls):
        values = instance.get(attribute)
        for value in values if isinstance(values, list) else [values]:
            code = code_of(value)
            if code is None:
                continue
            if code["codeSystem"] != CDISC or allowed.get(code["code"]) != code["decode"]:
                found.append(f"{path}.{attribute}: {code['code']} {code['decode']!r} not in list")
    return found


def ids(doc: Any) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for _, i in instances(doc) if "id" in i}


# --- schema-level rules ---------------------------------------------------------------------


@rule("DDF00081")
def _schema_relationships(doc: dict[str, Any]) -> list[str]:
    return schema_errors(doc)


@rule("DDF00082")
def _schema_types(doc: dict[str, Any]) -> list[str]:
    return schema_errors(doc)


@rule("DDF00125")
def _attributes(doc: dict[str, Any]) -> list[str]:
    return unknown_attributes(doc)


@rule("DDF00126")
def _cardinality(doc: dict[str, Any]) -> list[str]:
    schemas = api_schemas()
    found = []
    for path, instance in instances(doc):
        schema = schemas[f"{instance['instanceType']}-Input"]
        for key in schema.get("required", []):
            prop = schema["properties"][key]
            if prop.get("type") == "array" and not instance.get(key):
                found.append(f"{path}.{key}: required list is empty")
    return found


@rule("DDF00083")
def _unique_ids(doc: dict[str, Any]) -> list[str]:
    return duplicate_ids(doc)


@rule("DDF00260", warning=True)
def _ids_without_spaces(doc: dict[str, Any]) -> list[str]:
    return [f"{p}.id" for p, i in instances(doc) if " " in str(i.get("id", ""))]


def _references_resolve(doc: dict[str, Any]) -> list[str]:
    return dangling_references(doc)


RULES["references"] = _references_resolve


@rule("DDF00010")
def _sibling_names(doc: dict[str, Any]) -> list[str]:
    found = []
    for path, instance in instances(doc):
        for key, value in instance.items():
            if not isinstance(value, list):
                continue
            names = Counter(
                (v["instanceType"], v["name"])
                for v in value
                if isinstance(v, dict) and "instanceType" in v and "name" in v
            )
            found += [
                f"{path}.{key}: name {n!r} used twice" for (_, n), c in names.items() if c > 1
            ]
    return found


# --- ordering -------------------------------------------------------------------------------

ORDERED = ("Activity", "EligibilityCriterion", "Encounter", "NarrativeContent", "StudyEpoch")


@rule("DDF00023")
def _previous_matches_next(doc: dict[str, Any]) -> list[str]:
    by_id = ids(doc)
    found = []
    for cls in ORDERED:
        for path, instance in of(doc, cls):
            nxt = instance.get("nextId")
            if nxt and by_id[nxt].get("previousId") != instance["id"]:
                found.append(f"{path}.nextId: {nxt} does not point back")
            prev = instance.get("previousId")
            if prev and by_id[prev].get("nextId") != instance["id"]:
                found.append(f"{path}.previousId: {prev} does not point back")
    return found


@rule("DDF00027")
def _referenced_once(doc: dict[str, Any]) -> list[str]:
    found = []
    for cls in ORDERED:
        for key in ("previousId", "nextId"):
            counts = Counter(i.get(key) for _, i in of(doc, cls) if i.get(key))
            found += [f"{cls}.{key} {k} referenced {n} times" for k, n in counts.items() if n > 1]
    return found


@rule("DDF00021")
def _not_own_previous(doc: dict[str, Any]) -> list[str]:
    return [p for p, i in instances(doc) if i.get("previousId") and i["previousId"] == i.get("id")]


@rule("DDF00022")
def _not_own_next(doc: dict[str, Any]) -> list[str]:
    return [p for p, i in instances(doc) if i.get("nextId") and i["nextId"] == i.get("id")]


def _same_design(doc: dict[str, Any], cls: str, list_key: str, keys: tuple[str, ...]) -> list[str]:
    found = []
    for d_index, design in enumerate(designs(doc)):
        own = {i["id"] for i in design.get(list_key, [])}
        for instance in design.get(list_key, []):
            for key in keys:
                ref = instance.get(key)
                if ref and ref not in own:
                    found.append(f"design {d_index} {cls} {instance['id']}.{key} -> {ref}")
    return found


@rule("DDF00028")
def _activity_order_in_design(doc: dict[str, Any]) -> list[str]:
    return _same_design(doc, "Activity", "activities", ("previousId", "nextId"))


@rule("DDF00029")
def _encounter_order_in_design(doc: dict[str, Any]) -> list[str]:
    return _same_design(doc, "Encounter", "encounters", ("previousId", "nextId"))


@rule("DDF00024")
def _epoch_order_in_design(doc: dict[str, Any]) -> list[str]:
    return _same_design(doc, "StudyEpoch", "epochs", ("previousId", "nextId"))


# --- objectives and endpoints ---------------------------------------------------------------


@rule("DDF00041")
def _a_primary_endpoint(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        levels = [e["level"]["code"] for o in design["objectives"] for e in o["endpoints"]]
        if "C94496" not in levels:
            found.append(f"design {index}: no primary endpoint")
    return found


@rule("DDF00096")
def _primary_endpoints_under_primary_objectives(doc: dict[str, Any]) -> list[str]:
    return [
        f"{p}: primary endpoint {e['id']} under a non-primary objective"
        for p, o in of(doc, "Objective")
        for e in o["endpoints"]
        if e["level"]["code"] == "C94496" and o["level"]["code"] != "C85826"
    ]


@rule("DDF00148")
def _endpoint_level(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Endpoint", "level", ddf_codes("Endpoint.level"))


@rule("DDF00147")
def _objective_level(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Objective", "level", ddf_codes("Objective.level"))


@rule("DDF00084")
def _one_primary_objective(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        primary = [o for o in design["objectives"] if o["level"]["code"] == "C85826"]
        if len(primary) != 1:
            found.append(f"design {index}: {len(primary)} primary objectives")
    return found


# --- schedule timeline ----------------------------------------------------------------------


def _timelines(doc: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, design in enumerate(designs(doc)):
        for timeline in design.get("scheduleTimelines", []):
            yield index, timeline


@rule("DDF00012")
def _one_main_timeline(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        mains = [t for t in design.get("scheduleTimelines", []) if t["mainTimeline"]]
        if len(mains) != 1:
            found.append(f"design {index}: {len(mains)} main timelines")
    return found


@rule("DDF00008")
def _condition_xor_exit(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, i in of(doc, "ScheduledActivityInstance")
        if bool(i.get("defaultConditionId")) == bool(i.get("timelineExitId"))
    ]


@rule("DDF00019")
def _not_own_condition(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for cls in ("ScheduledActivityInstance", "ScheduledDecisionInstance")
        for p, i in of(doc, cls)
        if i.get("defaultConditionId") == i["id"]
    ]


@rule("DDF00037")
def _an_instance_exits(doc: dict[str, Any]) -> list[str]:
    return [
        f"timeline {t['id']}: no instance points to an exit"
        for _, t in _timelines(doc)
        if not any(i.get("timelineExitId") for i in t.get("instances", []))
    ]


@rule("DDF00108")
def _timeline_has_exit(doc: dict[str, Any]) -> list[str]:
    return [f"timeline {t['id']}: no exit" for _, t in _timelines(doc) if not t.get("exits")]


@rule("DDF00102")
def _exit_in_same_timeline(doc: dict[str, Any]) -> list[str]:
    found = []
    for _, timeline in _timelines(doc):
        exits = {e["id"] for e in timeline.get("exits", [])}
        for instance in timeline.get("instances", []):
            ref = instance.get("timelineExitId")
            if ref and ref not in exits:
                found.append(f"{instance['id']}.timelineExitId -> {ref}")
    return found


@rule("DDF00105")
def _epoch_in_same_design(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        epochs = {e["id"] for e in design["epochs"]}
        for _, timeline in _timelines({"study": {"versions": [{"studyDesigns": [design]}]}}):
            for instance in timeline.get("instances", []):
                if instance.get("epochId") and instance["epochId"] not in epochs:
                    found.append(f"design {index}: {instance['id']}.epochId")
    return found


def _is_anchor(timing: dict[str, Any]) -> bool:
    return bool(timing["type"]["code"] == "C201358")


@rule("DDF00009")
def _an_anchor(doc: dict[str, Any]) -> list[str]:
    return [
        f"timeline {t['id']}: no Fixed Reference timing"
        for _, t in _timelines(doc)
        if not any(_is_anchor(x) for x in t.get("timings", []))
    ]


@rule("DDF00011")
def _anchor_from_instance(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, t in of(doc, "Timing")
        if _is_anchor(t) and not t.get("relativeFromScheduledInstanceId")
    ]


@rule("DDF00007")
def _anchor_one_instance(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, t in of(doc, "Timing")
        if _is_anchor(t)
        and t.get("relativeToScheduledInstanceId")
        not in (None, t["relativeFromScheduledInstanceId"])
    ]


@rule("DDF00036")
def _anchor_start_to_start(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, t in of(doc, "Timing")
        if _is_anchor(t) and t["relativeToFrom"]["decode"] != "Start to Start"
    ]


@rule("DDF00031")
def _relative_timing_two_instances(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, t in of(doc, "Timing")
        if not _is_anchor(t)
        and (
            not t.get("relativeToScheduledInstanceId")
            or t["relativeToScheduledInstanceId"] == t["relativeFromScheduledInstanceId"]
        )
    ]


@rule("DDF00046")
def _timing_instances_in_timeline(doc: dict[str, Any]) -> list[str]:
    found = []
    for _, timeline in _timelines(doc):
        own = {i["id"] for i in timeline.get("instances", [])}
        for timing in timeline.get("timings", []):
            for key in ("relativeFromScheduledInstanceId", "relativeToScheduledInstanceId"):
                if timing.get(key) and timing[key] not in own:
                    found.append(f"{timing['id']}.{key}")
    return found


@rule("DDF00060")
def _timing_value(doc: dict[str, Any]) -> list[str]:
    return [p for p, t in of(doc, "Timing") if not ISO_DURATION.match(t["value"])]


@rule("DDF00061")
def _window_lower(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, t in of(doc, "Timing")
        if t.get("windowLower") and not ISO_DURATION.match(t["windowLower"])
    ]


@rule("DDF00062")
def _window_upper(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, t in of(doc, "Timing")
        if t.get("windowUpper") and not ISO_DURATION.match(t["windowUpper"])
    ]


@rule("DDF00006")
def _window_complete(doc: dict[str, Any]) -> list[str]:
    keys = ("windowLabel", "windowLower", "windowUpper")
    return [p for p, t in of(doc, "Timing") if len({bool(t.get(k)) for k in keys}) != 1]


@rule("DDF00025")
def _no_window_on_anchor(doc: dict[str, Any]) -> list[str]:
    return [p for p, t in of(doc, "Timing") if _is_anchor(t) and t.get("windowLower")]


@rule("DDF00051")
def _timing_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Timing", "type", ddf_codes("Timing.type"))


@rule("DDF00104")
def _timing_relative(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Timing", "relativeToFrom", ddf_codes("Timing.relativeToFrom"))


@rule("DDF00127")
def _encounter_timing_in_design(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        timings = {
            t["id"] for tl in design.get("scheduleTimelines", []) for t in tl.get("timings", [])
        }
        for encounter in design.get("encounters", []):
            if encounter.get("scheduledAtId") and encounter["scheduledAtId"] not in timings:
                found.append(f"design {index}: {encounter['id']}.scheduledAtId")
    return found


@rule("DDF00153", warning=True)
def _main_timeline_duration(doc: dict[str, Any]) -> list[str]:
    return [
        f"timeline {t['id']}: no planned duration"
        for _, t in _timelines(doc)
        if t["mainTimeline"] and not t.get("plannedDuration")
    ]


# --- encounters, activities -----------------------------------------------------------------


@rule("DDF00150")
def _encounter_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Encounter", "type", ddf_codes("Encounter.type"))


@rule("DDF00136")
def _contact_modes(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Encounter", "contactModes", sdtm_codes("C171445"))


@rule("DDF00157")
def _environmental_settings(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Encounter", "environmentalSettings", sdtm_codes("C127262"))


@rule("DDF00054")
def _distinct_contact_modes(doc: dict[str, Any]) -> list[str]:
    return _distinct_codes(doc, "Encounter", "contactModes")


@rule("DDF00156")
def _distinct_settings(doc: dict[str, Any]) -> list[str]:
    return _distinct_codes(doc, "Encounter", "environmentalSettings")


def _distinct_codes(doc: dict[str, Any], cls: str, key: str) -> list[str]:
    found = []
    for path, instance in of(doc, cls):
        codes = [c["code"] for c in instance.get(key, [])]
        if len(codes) != len(set(codes)):
            found.append(f"{path}.{key}: duplicate codes")
    return found


@rule("DDF00160")
def _parent_activity(doc: dict[str, Any]) -> list[str]:
    keys = ("timelineId", "definedProcedures", "biomedicalConceptIds", "bcCategoryIds")
    return [p for p, a in of(doc, "Activity") if a.get("childIds") and any(a.get(k) for k in keys)]


# --- arms, epochs, cells, elements ----------------------------------------------------------


@rule("DDF00069")
def _cell_unique(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        pairs = Counter((c["armId"], c["epochId"]) for c in design["studyCells"])
        found += [f"design {index}: cell {k} {n} times" for k, n in pairs.items() if n > 1]
    return found


@rule("DDF00243", warning=True)
def _cell_per_arm_epoch(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        pairs = {(c["armId"], c["epochId"]) for c in design["studyCells"]}
        for arm in design["arms"]:
            for epoch in design["epochs"]:
                if (arm["id"], epoch["id"]) not in pairs:
                    found.append(f"design {index}: no cell for {arm['id']} x {epoch['id']}")
    return found


@rule("DDF00040")
def _element_in_a_cell(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        used = {e for c in design["studyCells"] for e in c["elementIds"]}
        found += [
            f"design {index}: {e['id']} in no cell"
            for e in design.get("elements", [])
            if e["id"] not in used
        ]
    return found


def _cell_refs(doc: dict[str, Any], key: str, list_key: str) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        own = {i["id"] for i in design.get(list_key, [])}
        for cell in design["studyCells"]:
            refs = cell[key] if isinstance(cell[key], list) else [cell[key]]
            found += [f"design {index}: {cell['id']}.{key} -> {r}" for r in refs if r not in own]
    return found


@rule("DDF00071")
def _cell_arm(doc: dict[str, Any]) -> list[str]:
    return _cell_refs(doc, "armId", "arms")


@rule("DDF00072")
def _cell_epoch(doc: dict[str, Any]) -> list[str]:
    return _cell_refs(doc, "epochId", "epochs")


@rule("DDF00047")
def _cell_elements(doc: dict[str, Any]) -> list[str]:
    return _cell_refs(doc, "elementIds", "elements")


@rule("DDF00252")
def _element_interventions(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        own = set(design.get("studyInterventionIds", []))
        for element in design.get("elements", []):
            found += [
                f"design {index}: {element['id']} -> {i}"
                for i in element.get("studyInterventionIds", [])
                if i not in own
            ]
    return found


@rule("DDF00149")
def _arm_data_origin(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(
        doc, "StudyArm", "dataOriginType", ddf_codes("StudyArm.dataOriginType")
    )


def _arm_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "StudyArm", "type", sdtm_codes("C174222"))


RULES["arm-type"] = _arm_type


# --- design characteristics, blinding, model, phase -----------------------------------------


@rule("DDF00218")
def _characteristics(doc: dict[str, Any]) -> list[str]:
    allowed = ddf_codes("StudyDesign.characteristics")
    return codelist_violations(doc, "InterventionalStudyDesign", "characteristics", allowed)


@rule("DDF00219")
def _distinct_characteristics(doc: dict[str, Any]) -> list[str]:
    return _distinct_codes(doc, "InterventionalStudyDesign", "characteristics")


def _both(doc: dict[str, Any], first: str, second: str) -> list[str]:
    return [
        p
        for p, d in of(doc, "InterventionalStudyDesign")
        if {first, second} <= {c["decode"] for c in d.get("characteristics", [])}
    ]


@rule("DDF00154")
def _centres(doc: dict[str, Any]) -> list[str]:
    return _both(doc, "Single-Centre", "Multicentre")


@rule("DDF00257")
def _countries(doc: dict[str, Any]) -> list[str]:
    return _both(doc, "Single Country", "Multiple Countries")


@rule("DDF00217")
def _blinding(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(
        doc, "InterventionalStudyDesign", "blindingSchema", sdtm_codes("C66735")
    )


@rule("DDF00216")
def _model(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "InterventionalStudyDesign", "model", sdtm_codes("C99076"))


@rule("DDF00227")
def _interventional_class(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, d in instances(doc)
        if d["instanceType"] == "ObservationalStudyDesign"
        and (d.get("studyType") or {}).get("code") == "C98388"
    ]


@rule("DDF00229")
def _phase(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "InterventionalStudyDesign", "studyPhase", sdtm_codes("C66737"))


@rule("DDF00230")
def _study_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "InterventionalStudyDesign", "studyType", sdtm_codes("C99077"))


@rule("DDF00213", warning=True)
def _interventions_and_model(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        count = len(design.get("studyInterventionIds", []))
        single = design["model"]["code"] == "C82640"
        if (single and count != 1) or (not single and count < 2):
            found.append(f"design {index}: {design['model']['decode']} with {count} interventions")
    return found


# --- eligibility and population -------------------------------------------------------------


@rule("DDF00110")
def _criterion_category(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "EligibilityCriterion", "category", sdtm_codes("C66797"))


@rule("DDF00248")
def _item_once(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        uses = Counter(c["criterionItemId"] for c in design["eligibilityCriteria"])
        found += [f"design {index}: item {k} used {n} times" for k, n in uses.items() if n > 1]
    return found


@rule("DDF00249", warning=True)
def _item_used(doc: dict[str, Any]) -> list[str]:
    used = {c["criterionItemId"] for d in designs(doc) for c in d["eligibilityCriteria"]}
    return [i["id"] for i in version(doc)["eligibilityCriterionItems"] if i["id"] not in used]


@rule("DDF00250")
def _criterion_population_or_cohort(doc: dict[str, Any]) -> list[str]:
    found = []
    for design in designs(doc):
        population = design["population"]
        in_population = set(population.get("criterionIds", []))
        for cohort in population.get("cohorts", []):
            found += [
                f"{c} in population and cohort"
                for c in cohort.get("criterionIds", [])
                if c in in_population
            ]
    return found


@rule("DDF00097")
def _age_population_or_cohorts(doc: dict[str, Any]) -> list[str]:
    return _population_or_cohorts(doc, "plannedAge")


@rule("DDF00098")
def _sex_population_or_cohorts(doc: dict[str, Any]) -> list[str]:
    return _population_or_cohorts(doc, "plannedSex")


@rule("DDF00133")
def _enrolment_population_or_cohorts(doc: dict[str, Any]) -> list[str]:
    return _population_or_cohorts(doc, "plannedEnrollmentNumber")


def _population_or_cohorts(doc: dict[str, Any], key: str) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        population = design["population"]
        cohorts = population.get("cohorts", [])
        if population.get(key) and any(c.get(key) for c in cohorts):
            found.append(f"design {index}: {key} in population and cohorts")
        if (
            cohorts
            and not population.get(key)
            and 0 < sum(bool(c.get(key)) for c in cohorts) < len(cohorts)
        ):
            found.append(f"design {index}: {key} in some cohorts only")
    return found


@rule("DDF00234")
def _enrolment_without_unit(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, pop in of(doc, "StudyDesignPopulation")
        if (pop.get("plannedEnrollmentNumber") or {}).get("unit")
    ]


@rule("DDF00237")
def _age_unit(doc: dict[str, Any]) -> list[str]:
    found = []
    for path, pop in of(doc, "StudyDesignPopulation"):
        age = pop.get("plannedAge")
        if age:
            for end in ("minValue", "maxValue"):
                code = code_of(age[end].get("unit"))
                if code is None or code["decode"] not in {"Year", "Month", "Week", "Day", "Hour"}:
                    found.append(f"{path}.plannedAge.{end}.unit")
    return found


# --- titles, identifiers, roles, organisations ----------------------------------------------


@rule("DDF00115")
def _official_title(doc: dict[str, Any]) -> list[str]:
    titles = version(doc)["titles"]
    return (
        [] if any(t["type"]["code"] == "C207616" for t in titles) else ["no Official Study Title"]
    )


@rule("DDF00100")
def _title_per_type(doc: dict[str, Any]) -> list[str]:
    counts = Counter(t["type"]["code"] for t in version(doc)["titles"])
    return [f"title type {k} {n} times" for k, n in counts.items() if n > 1]


@rule("DDF00146")
def _title_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "StudyTitle", "type", ddf_codes("StudyTitle.type"))


def _sponsor_roles(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in version(doc)["roles"] if r["code"]["code"] == "C70793"]


@rule("DDF00201")
def _one_sponsor_role(doc: dict[str, Any]) -> list[str]:
    roles = _sponsor_roles(doc)
    return [] if len(roles) == 1 else [f"{len(roles)} sponsor roles"]


@rule("DDF00202")
def _sponsor_one_organisation(doc: dict[str, Any]) -> list[str]:
    return [r["id"] for r in _sponsor_roles(doc) if len(r.get("organizationIds", [])) != 1]


@rule("DDF00203")
def _sponsor_applies_to_version(doc: dict[str, Any]) -> list[str]:
    version_id = version(doc)["id"]
    return [r["id"] for r in _sponsor_roles(doc) if version_id not in r.get("appliesToIds", [])]


@rule("DDF00172")
def _one_sponsor_identifier(doc: dict[str, Any]) -> list[str]:
    sponsors = {o for r in _sponsor_roles(doc) for o in r.get("organizationIds", [])}
    found = [i for i in version(doc)["studyIdentifiers"] if i["scopeId"] in sponsors]
    return [] if len(found) == 1 else [f"{len(found)} sponsor study identifiers"]


@rule("DDF00173")
def _identifiers_unique_in_scope(doc: dict[str, Any]) -> list[str]:
    counts = Counter((i["scopeId"], i["text"]) for i in version(doc)["studyIdentifiers"])
    return [f"identifier {k} {n} times" for k, n in counts.items() if n > 1]


@rule("DDF00174", warning=True)
def _one_identifier_per_organisation(doc: dict[str, Any]) -> list[str]:
    counts = Counter(i["scopeId"] for i in version(doc)["studyIdentifiers"])
    return [f"organisation {k} has {n} identifiers" for k, n in counts.items() if n > 1]


@rule("DDF00189")
def _role_applies_to_version_or_designs(doc: dict[str, Any]) -> list[str]:
    version_id = version(doc)["id"]
    design_ids = {d["id"] for d in designs(doc)}
    found = []
    for role in version(doc)["roles"]:
        applies = set(role.get("appliesToIds", []))
        to_version = version_id in applies
        to_designs = bool(applies & design_ids)
        if to_version == to_designs:
            found.append(f"{role['id']}: applies to version {to_version}, designs {to_designs}")
    return found


@rule("DDF00190")
def _persons_or_organisations(doc: dict[str, Any]) -> list[str]:
    return [
        r["id"]
        for r in version(doc)["roles"]
        if r.get("assignedPersons") and r.get("organizationIds")
    ]


@rule("DDF00259")
def _role_code(doc: dict[str, Any]) -> list[str]:
    allowed = {k: v.strip() for k, v in ddf_codes("StudyRole.code").items()}
    return codelist_violations(doc, "StudyRole", "code", allowed)


@rule("DDF00191", warning=True)
def _open_label_no_masking(doc: dict[str, Any]) -> list[str]:
    found = []
    for design in designs(doc):
        if (code_of(design.get("blindingSchema")) or {}).get("code") == "C49659":
            found += [r["id"] for r in version(doc)["roles"] if r.get("masking")]
    return found


@rule("DDF00192", warning=True)
def _double_blind_masking(doc: dict[str, Any]) -> list[str]:
    found = []
    for design in designs(doc):
        if (code_of(design.get("blindingSchema")) or {}).get("code") == "C15228":
            masked = [r for r in version(doc)["roles"] if r.get("masking")]
            if len(masked) < 2:
                found.append("double blind with fewer than two masked roles")
    return found


@rule("DDF00194")
def _address_not_empty(doc: dict[str, Any]) -> list[str]:
    keys = ("text", "lines", "city", "district", "state", "postalCode", "country")
    return [p for p, a in of(doc, "Address") if not any(a.get(k) for k in keys)]


# --- interventions and products -------------------------------------------------------------


@rule("DDF00112")
def _intervention_role(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(
        doc, "StudyIntervention", "role", ddf_codes("StudyIntervention.role")
    )


@rule("DDF00128")
def _intervention_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "StudyIntervention", "type", sdtm_codes("C99078"))


@rule("DDF00210")
def _product_designation(doc: dict[str, Any]) -> list[str]:
    allowed = ddf_codes("AdministrableProduct.productDesignation")
    return codelist_violations(doc, "AdministrableProduct", "productDesignation", allowed)


@rule("DDF00179")
def _dose_form(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "AdministrableProduct", "administrableDoseForm", {})


@rule("DDF00178")
def _dose_needs_frequency(doc: dict[str, Any]) -> list[str]:
    return [p for p, a in of(doc, "Administration") if a.get("dose") and not a.get("frequency")]


@rule("DDF00185")
def _dose_needs_product(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, a in of(doc, "Administration")
        if bool(a.get("dose")) != bool(a.get("administrableProductId") or a.get("medicalDeviceId"))
    ]


@rule("DDF00177", warning=True)
def _dose_and_route(doc: dict[str, Any]) -> list[str]:
    return [p for p, a in of(doc, "Administration") if bool(a.get("dose")) != bool(a.get("route"))]


@rule("DDF00176")
def _route(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Administration", "route", sdtm_codes("C66729"))


@rule("DDF00175")
def _frequency(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Administration", "frequency", sdtm_codes("C71113"))


@rule("DDF00033")
def _duration_text_or_quantity(doc: dict[str, Any]) -> list[str]:
    return [p for p, d in of(doc, "Duration") if not d.get("text") and not d.get("quantity")]


@rule("DDF00034")
def _duration_reason(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, d in of(doc, "Duration")
        if bool(d["durationWillVary"]) != bool(d.get("reasonDurationWillVary"))
    ]


@rule("DDF00039", warning=True)
def _varying_duration_without_quantity(doc: dict[str, Any]) -> list[str]:
    return [p for p, d in of(doc, "Duration") if d["durationWillVary"] == bool(d.get("quantity"))]


# --- amendments, dates, documents -----------------------------------------------------------


@rule("DDF00143")
def _amendment_reason(doc: dict[str, Any]) -> list[str]:
    allowed = ddf_codes("StudyAmendmentReason.code")
    return codelist_violations(doc, "StudyAmendmentReason", "code", allowed)


@rule("DDF00020")
def _other_reason(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, r in of(doc, "StudyAmendmentReason")
        if (r["code"]["code"] == "C17649") != bool(r.get("otherReason"))
    ]


@rule("DDF00255", warning=True)
def _primary_reason_applicable(doc: dict[str, Any]) -> list[str]:
    return [
        p for p, a in of(doc, "StudyAmendment") if a["primaryReason"]["code"]["code"] == "C48660"
    ]


@rule("DDF00256", warning=True)
def _primary_not_secondary(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, a in of(doc, "StudyAmendment")
        if a["primaryReason"]["code"]["code"]
        in {r["code"]["code"] for r in a.get("secondaryReasons", [])}
    ]


@rule("DDF00199")
def _impact_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(
        doc, "StudyAmendmentImpact", "type", ddf_codes("StudyAmendmentImpact.type")
    )


@rule("DDF00144")
def _scope_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "GeographicScope", "type", ddf_codes("GeographicScope.type"))


@rule("DDF00261", warning=True)
def _scope_code(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, s in of(doc, "GeographicScope")
        if (s["type"]["decode"] == "Global") == bool(s.get("code"))
    ]


@rule("DDF00151")
def _global_alone(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for cls in ("GovernanceDate", "StudyAmendment")
        for p, g in of(doc, cls)
        if any(s["type"]["decode"] == "Global" for s in g["geographicScopes"])
        and len(g["geographicScopes"]) > 1
    ]


@rule("DDF00142")
def _date_type(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "GovernanceDate", "type", ddf_codes("GovernanceDate.type"))


@rule("DDF00093")
def _version_dates_unique(doc: dict[str, Any]) -> list[str]:
    keys = Counter(
        (d["type"]["code"], tuple(sorted(s["type"]["code"] for s in d["geographicScopes"])))
        for d in version(doc).get("dateValues", [])
    )
    return [f"date {k} {n} times" for k, n in keys.items() if n > 1]


@rule("DDF00169")
def _document_status(doc: dict[str, Any]) -> list[str]:
    allowed = ddf_codes("StudyDefinitionDocumentVersion.status")
    return codelist_violations(doc, "StudyDefinitionDocumentVersion", "status", allowed)


@rule("DDF00166")
def _document_type(doc: dict[str, Any]) -> list[str]:
    allowed = ddf_codes("StudyDefinitionDocument.type")
    return codelist_violations(doc, "StudyDefinitionDocument", "type", allowed)


@rule("DDF00167")
def _document_version_once(doc: dict[str, Any]) -> list[str]:
    counts = Counter(version(doc).get("documentVersionIds", []))
    return [k for k, n in counts.items() if n > 1]


@rule("DDF00196")
def _section_number_title(doc: dict[str, Any]) -> list[str]:
    found = []
    for path, amendment in of(doc, "StudyAmendment"):
        titles: dict[str, set[str]] = defaultdict(set)
        for change in amendment["changes"]:
            for section in change["changedSections"]:
                titles[section["sectionNumber"]].add(section["sectionTitle"])
        found += [f"{path}: section {k} has titles {v}" for k, v in titles.items() if len(v) > 1]
    return found


# --- codes ----------------------------------------------------------------------------------


@rule("DDF00155")
def _cdisc_release_date(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, c in of(doc, "Code")
        if c["codeSystem"] == CDISC and not RELEASE_DATE.match(c["codeSystemVersion"])
    ]


@rule("DDF00073", warning=True)
def _one_version_per_system(doc: dict[str, Any]) -> list[str]:
    versions: dict[str, set[str]] = defaultdict(set)
    for _, code in of(doc, "Code"):
        versions[code["codeSystem"]].add(code["codeSystemVersion"])
    return [f"{k}: versions {sorted(v)}" for k, v in versions.items() if len(v) > 1]


@rule("DDF00035", warning=True)
def _code_decode_one_to_one(doc: dict[str, Any]) -> list[str]:
    decodes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for _, code in of(doc, "Code"):
        decodes[(code["codeSystem"], code["codeSystemVersion"], code["code"])].add(code["decode"])
    return [f"{k}: decodes {sorted(v)}" for k, v in decodes.items() if len(v) > 1]


# --- more single-file rules -----------------------------------------------------------------


def codelist_conflicts(doc: Any, cls: str, attribute: str, allowed: dict[str, str]) -> list[str]:
    """For an extensible list: a term that reuses a list code or decode must be the list's entry."""
    by_decode = {v: k for k, v in allowed.items()}
    found = []
    for path, instance in of(doc, cls):
        code = code_of(instance.get(attribute))
        if code is None:
            continue
        clash = code["code"] in allowed and allowed[code["code"]] != code["decode"]
        clash |= code["decode"] in by_decode and by_decode[code["decode"]] != code["code"]
        if clash:
            found.append(f"{path}.{attribute}: {code['code']} {code['decode']!r} conflicts")
    return found


@rule("DDF00200")
def _organisation_type(doc: dict[str, Any]) -> list[str]:
    return codelist_conflicts(doc, "Organization", "type", ddf_codes("Organization.type"))


@rule("DDF00233")
def _quantity_unit(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "Quantity", "unit", sdtm_codes("C71620"))


@rule("DDF00141")
def _planned_sex(doc: dict[str, Any]) -> list[str]:
    return codelist_violations(doc, "StudyDesignPopulation", "plannedSex", sdtm_codes("C66732"))


@rule("DDF00241")
def _range_order(doc: dict[str, Any]) -> list[str]:
    return [p for p, r in of(doc, "Range") if not r["minValue"]["value"] < r["maxValue"]["value"]]


@rule("DDF00242")
def _range_units(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, r in of(doc, "Range")
        if bool(r["minValue"].get("unit")) != bool(r["maxValue"].get("unit"))
    ]


@rule("DDF00042", warning=True)
def _age_not_approximate(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, pop in of(doc, "StudyDesignPopulation")
        if (pop.get("plannedAge") or {}).get("isApproximate")
    ]


@rule("DDF00030")
def _person_name(doc: dict[str, Any]) -> list[str]:
    return [p for p, n in of(doc, "PersonName") if not n.get("text") and not n.get("familyName")]


@rule("DDF00235")
def _completion_without_unit(doc: dict[str, Any]) -> list[str]:
    return [
        p
        for p, pop in of(doc, "StudyDesignPopulation")
        if (pop.get("plannedCompletionNumber") or {}).get("unit")
    ]


@rule("DDF00158")
def _criterion_used(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        population = design["population"]
        used = set(population.get("criterionIds", []))
        used |= {
            c for cohort in population.get("cohorts", []) for c in cohort.get("criterionIds", [])
        }
        found += [
            f"design {index}: {c['id']} unused"
            for c in design["eligibilityCriteria"]
            if c["id"] not in used
        ]
    return found


@rule("DDF00106")
def _instance_encounter_in_design(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        own = {e["id"] for e in design.get("encounters", [])}
        for timeline in design.get("scheduleTimelines", []):
            for instance in timeline.get("instances", []):
                if instance.get("encounterId") and instance["encounterId"] not in own:
                    found.append(f"design {index}: {instance['id']}.encounterId")
    return found


@rule("DDF00080", warning=True)
def _instance_has_epoch(doc: dict[str, Any]) -> list[str]:
    return [p for p, i in of(doc, "ScheduledActivityInstance") if not i.get("epochId")]


@rule("DDF00099", warning=True)
def _epoch_used(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        used = {
            i.get("epochId")
            for t in design.get("scheduleTimelines", [])
            for i in t.get("instances", [])
        }
        found += [
            f"design {index}: {e['id']} unused" for e in design["epochs"] if e["id"] not in used
        ]
    return found


@rule("DDF00026")
def _not_own_timeline(doc: dict[str, Any]) -> list[str]:
    return [
        i["id"]
        for _, t in _timelines(doc)
        for i in t.get("instances", [])
        if i.get("timelineId") == t["id"]
    ]


@rule("DDF00087", warning=True)
def _encounter_order_follows_schedule(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        encounters = {e["id"]: e for e in design.get("encounters", [])}
        main = next((t for t in design.get("scheduleTimelines", []) if t["mainTimeline"]), None)
        if main is None:
            continue
        by_id = {i["id"]: i for i in main.get("instances", [])}
        order, current = [], by_id.get(main["entryId"])
        while current is not None and current["id"] not in {o["id"] for o in order}:
            order.append(current)
            current = by_id.get(current.get("defaultConditionId") or "")
        visits = [i["encounterId"] for i in order if i.get("encounterId")]
        for before, after in itertools.pairwise(visits):
            if encounters[before].get("nextId") != after:
                found.append(f"design {index}: {before} is not followed by {after}")
    return found


@rule("DDF00018")
def _not_own_child(doc: dict[str, Any]) -> list[str]:
    return [p for p, i in instances(doc) if i.get("id") in i.get("childIds", [])]


@rule("DDF00254")
def _child_activities_in_design(doc: dict[str, Any]) -> list[str]:
    found = []
    for index, design in enumerate(designs(doc)):
        own = {a["id"] for a in design.get("activities", [])}
        for activity in design.get("activities", []):
            found += [
                f"design {index}: {activity['id']} -> {c}"
                for c in activity["childIds"]
                if c not in own
            ]
    return found


@rule("DDF00198", warning=True)
def _document_version_referenced(doc: dict[str, Any]) -> list[str]:
    referenced = set(version(doc).get("documentVersionIds", []))
    referenced |= {i for d in designs(doc) for i in d.get("documentVersionIds", [])}
    return [p for p, v in of(doc, "StudyDefinitionDocumentVersion") if v["id"] not in referenced]


@rule("DDF00094", warning=True)
def _global_date_alone(doc: dict[str, Any]) -> list[str]:
    dates = version(doc).get("dateValues", [])
    global_types = {
        d["type"]["code"]
        for d in dates
        if any(s["type"]["code"] == "C68846" for s in d["geographicScopes"])
    }
    counts = Counter(d["type"]["code"] for d in dates)
    return [f"date type {t} also given for other scopes" for t in global_types if counts[t] > 1]


@rule("DDF00193", warning=True)
def _blinded_masking(doc: dict[str, Any]) -> list[str]:
    found = []
    for design in designs(doc):
        code = (code_of(design.get("blindingSchema")) or {}).get("code")
        if code not in (None, "C49659", "C15228") and not any(
            r.get("masking") for r in version(doc)["roles"]
        ):
            found.append("blinded design without a masked role")
    return found


def _distinct_rule(cls: str, key: str) -> Rule:
    return lambda doc: _distinct_codes(doc, cls, key)


for _core_id, _cls, _key in (
    ("DDF00032", "StudyVersion", "businessTherapeuticAreas"),
    ("DDF00058", "Indication", "codes"),
    ("DDF00059", "StudyIntervention", "codes"),
    ("DDF00220", "InterventionalStudyDesign", "subTypes"),
    ("DDF00221", "InterventionalStudyDesign", "therapeuticAreas"),
    ("DDF00222", "InterventionalStudyDesign", "intentTypes"),
):
    RULES[_core_id] = _distinct_rule(_cls, _key)
