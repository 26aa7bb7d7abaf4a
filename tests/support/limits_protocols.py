"""Extreme and hostile protocol files, generated from a shipped example (tests and benchmark).

:func:`largest_protocol` fills every limit of :mod:`papdesigner.model.limits` at once
(``scale=1.0``) or a fraction of each (a smaller but representative protocol for the
tests). :func:`hostile_files` writes files that break one limit each, by far, and files
in every script the PDF prints.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from papdesigner.model import limits
from papdesigner.paths import resource

LARGEST_EXAMPLE = "mdma-ptsd.pap.json"
"""The largest shipped example: the baseline of the benchmark."""

SENTENCES = {
    "Chinese": "本研究旨在评估在心理治疗支持下使用迷幻药物治疗创伤后应激障碍的安全性和有效性。"
    "参与者将接受三次给药治疗，每次治疗前后均有准备和整合会谈。",
    "Japanese": "この研究の目的は、心理療法を伴うシロシビンの安全性と有効性を評価することです。"
    "参加者は三回のセッションを受けます。",
    "Korean": "이 연구의 목적은 심리치료와 함께 실로시빈의 안전성과 유효성을 평가하는 것입니다. "
    "참가자는 세 번의 세션을 받습니다.",
    "Arabic": "تهدف هذه الدراسة إلى تقييم سلامة وفعالية العلاج بالسيلوسيبين المصحوب بالعلاج "
    "النفسي لدى البالغين المصابين بالاكتئاب.",
    "Hebrew": "מטרת המחקר היא להעריך את הבטיחות והיעילות של טיפול בפסילוסיבין בליווי "
    "פסיכותרפיה במבוגרים עם דיכאון.",
    "Hindi": "इस अध्ययन का उद्देश्य मनोचिकित्सा के साथ साइलोसाइबिन की सुरक्षा और प्रभावशीलता का "
    "मूल्यांकन करना है। प्रतिभागियों को तीन सत्र मिलेंगे।",
    "Thai": "การศึกษานี้มีวัตถุประสงค์เพื่อประเมินความปลอดภัยและประสิทธิผลของการบำบัดด้วยไซโลไซบิน"
    "ร่วมกับจิตบำบัด ผู้เข้าร่วมจะได้รับการบำบัดสามครั้ง",
    "Emoji": "Participants rated the room 👍🏽 and the music 🎶; families 👨‍👩‍👧‍👦 were welcome ❤️.",
}
"""One real sentence per script the PDF prints (and emoji, printed as codes)."""


def example() -> dict[str, Any]:
    """The largest shipped example as JSON data (a fresh copy)."""
    data: dict[str, Any] = json.loads(resource("examples", LARGEST_EXAMPLE).read_text("utf-8"))
    return data


def _count(pattern: str, scale: float) -> int:
    return max(1, int(limits.LIST_ITEMS.get(pattern, limits.DEFAULT_LIST_ITEMS) * scale))


def _per_parent(pattern: str, parents: int, scale: float) -> int:
    """Items per list so that every list and the total stay within their limits."""
    each = _count(pattern, scale)
    total = limits.TOTAL_ITEMS.get(pattern)
    return max(1, min(each, int(total * scale) // parents)) if total else each


def _grow(items: list[Any], count: int, key: str = "id") -> list[Any]:
    """``count`` copies of ``items`` (cycled), each with a unique ``key``."""
    out = []
    for index in range(count):
        item = copy.deepcopy(items[index % len(items)])
        if isinstance(item, dict) and key in item:
            item[key] = f"{str(item[key])[:50]}-{index}"
        out.append(item)
    return out


def largest_protocol(scale: float = 1.0) -> dict[str, Any]:
    """The example grown to ``scale`` times every count limit, its text near the total limit."""
    data = example()
    data["sites"] = _grow(data["sites"], _count("sites", scale))
    data["roles"] = _grow(data["roles"], _count("roles", scale))
    data["settings"] = _grow(data["settings"], _count("settings", scale))
    for setting in data["settings"]:
        setting["site_id"] = None
    sessions = _grow(data["sessions"], _count("sessions", scale))
    roles = [r["id"] for r in data["roles"]]
    staff_each = _per_parent("sessions.*.staff", len(sessions), scale)
    tests_each = _per_parent("sessions.*.assessments", len(sessions), scale)
    for index, session in enumerate(sessions):
        session["setting_id"] = None
        session["staff"] = [
            {"role_id": roles[(index + k) % len(roles)], "count": 1, "present_throughout": True}
            for k in range(min(staff_each, len(roles)))
        ]
        session["assessments"] = [f"A{k}" for k in range(tests_each)]
    data["sessions"] = sessions
    eligibility = data["eligibility"]
    for name in ("inclusion", "exclusion"):
        eligibility[name] = _grow(eligibility[name], _count(f"eligibility.{name}", scale))
    data["objectives"] = _grow(data["objectives"], _count("objectives", scale))
    endpoints_each = _per_parent("objectives.*.endpoints", len(data["objectives"]), scale)
    for i, objective in enumerate(data["objectives"]):
        objective["endpoints"] = _grow(
            objective["endpoints"] or [{"id": "E", "text": "t"}], endpoints_each
        )
        for j, endpoint in enumerate(objective["endpoints"]):
            endpoint["id"] = f"E{i}-{j}"
    waiver = data["waivers"][0]
    data["waivers"] = [dict(waiver, path=None) for _ in range(_count("waivers", scale))]
    data["metadata"]["title"] = ("A long protocol title " * 60)[
        : int(limits.TITLE_CHARS * scale) or 1
    ]
    # Many items with the example's long texts would pass the total text limit on their
    # own: their texts are cut so the rest of that limit goes to the narrative.
    for name in ("sites", "roles", "settings", "sessions", "eligibility", "objectives", "waivers"):
        data[name] = _trimmed(data[name], 120)
    _fill_text(data, scale)
    return data


def _trimmed(value: Any, most: int) -> Any:
    if isinstance(value, str):
        return value[:most]
    if isinstance(value, dict):
        return {k: _trimmed(v, most) for k, v in value.items()}
    if isinstance(value, list):
        return [_trimmed(v, most) for v in value]
    return value


def _text_chars(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_text_chars(v) for v in value.values())
    if isinstance(value, list):
        return sum(_text_chars(v) for v in value)
    return 0


def _fill_text(data: dict[str, Any], scale: float) -> None:
    """Narrative sections of multilingual prose up to ``scale`` of the total text limit."""
    room = int(limits.TOTAL_TEXT_CHARS * scale) - _text_chars(data) - 1_000
    narrative = data.setdefault("narrative", {})
    keys = max(int(limits.MAX_NARRATIVE_KEYS * scale) - len(narrative), 1)
    prose = " ".join(SENTENCES[s] for s in ("Chinese", "Korean", "Arabic", "Hindi")) + " "
    prose += "Sessions follow the manual closely. " * 10
    each = max(0, min(room // keys, limits.LONG_TEXT_CHARS))
    for index in range(keys):
        if each <= 0:
            break
        narrative[f"extra_section_{index}"] = (prose * (each // len(prose) + 1))[:each]


def write(path: Path, data: Any) -> Path:
    """Write JSON data (or raw text/bytes) to ``path`` and return it."""
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def multilingual_protocol() -> dict[str, Any]:
    """The example with its text in every script the PDF prints, long words and emoji."""
    data = example()
    data["metadata"]["title"] = (
        "多语言试验 · 多言語試験 · 다국어 시험 · تجربة · ניסוי · बहुभाषी परीक्षण · การทดลอง"
    )
    data["metadata"]["short_title"] = "多语言试验 PTSD"
    data["psychotherapy"]["rationale"] = "\n\n".join(SENTENCES.values())
    data["indication"]["description"] = SENTENCES["Chinese"] * 12
    data["arms"][0]["label"] = SENTENCES["Chinese"][:30]
    data["arms"][1]["label"] = SENTENCES["Hindi"][:30]
    scripts = ["Japanese", "Korean", "Arabic", "Hebrew", "Thai", "Hindi", "Chinese"]
    for session, script in zip(data["sessions"], scripts, strict=False):
        session["title"] = SENTENCES[script][:26]
    data["sessions"][len(scripts)]["title"] = "w" * limits.SHORT_TEXT_CHARS  # one long word
    data["psychotherapy"]["model"] = "x" * 2_500  # a word of 2,500 characters
    return data


def hostile_files(folder: Path, scale: float) -> dict[str, Path]:
    """Files that break one limit each (by far at ``scale=1``) and other hostile inputs."""
    big = max(scale, 0.05)
    base = example()
    cases: dict[str, Any] = {}

    def variant(name: str, change: Any) -> None:
        data = copy.deepcopy(base)
        change(data)
        cases[name] = data

    sessions = int(100_000 * big)
    variant("many-sessions", lambda d: d.update(sessions=_grow(d["sessions"], sessions)))
    variant("many-arms", lambda d: d.update(arms=_grow(d["arms"], int(100_000 * big))))
    variant("many-waivers", lambda d: d.update(waivers=d["waivers"] * int(200_000 * big)))
    variant(
        "many-narrative-keys",
        lambda d: d.update(narrative={f"k{i}": "x" for i in range(int(400_000 * big))}),
    )
    variant(
        "many-assessments",
        lambda d: d["sessions"][0].update(assessments=["x"] * int(300_000 * big)),
    )
    variant("huge-title", lambda d: d["metadata"].update(title="T" * int(9_000_000 * big)))
    variant(
        "huge-rationale", lambda d: d["psychotherapy"].update(rationale="r " * int(4_000_000 * big))
    )
    variant("huge-label", lambda d: d["arms"][0].update(label="L" * int(200_000 * big)))
    variant("roles-x-sessions", lambda d: _roles_by_sessions(d, int(55_000 * big)))
    variant("at-limits", lambda d: d.update(largest_protocol(scale)))
    variant("multilingual", lambda d: d.update(multilingual_protocol()))
    variant("long-words", _long_words)
    paths = {name: write(folder / f"{name}.pap.json", data) for name, data in cases.items()}
    paths["not-json"] = write(folder / "not-json.pap.json", b"\x00\xff binary")
    paths["truncated"] = write(folder / "truncated.pap.json", json.dumps(base)[:5000])
    paths["too-large-file"] = write(
        folder / "too-large-file.pap.json", '{"narrative": {"a": "' + "x" * (10 * 2**20) + '"}}'
    )
    return paths


def _roles_by_sessions(data: dict[str, Any], count: int) -> None:
    data["roles"] = _grow(data["roles"], count)
    data["sessions"] = _grow(data["sessions"], count)
    for session in data["sessions"]:
        session["staff"] = [{"role_id": data["roles"][-1]["id"], "count": 1}]


def _long_words(data: dict[str, Any]) -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 50  # 2,250 characters
    data["arms"][0]["label"] = word[: limits.SHORT_TEXT_CHARS]
    data["sessions"][0]["title"] = word[: limits.SHORT_TEXT_CHARS]
    data["psychotherapy"]["rationale"] = word
    data["indication"]["description"] = "🧪" * 3_000
