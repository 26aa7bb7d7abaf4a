"""Reading catalogue files: strict YAML, validation with file and JSON path, cached loaders."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from papdesigner.model.catalogues.entries import (
    CriterionCode,
    Entry,
    Instrument,
    Jurisdiction,
    MedicationClass,
    NarrativeSection,
    Source,
    SubstanceInfo,
)
from papdesigner.model.jsonpath import format_path
from papdesigner.paths import resource

E = TypeVar("E", bound=Entry)

MAX_CATALOGUE_BYTES = 2 * 1024 * 1024
"""Largest catalogue file accepted; the shipped ones are a few kB each."""


class CatalogueError(ValueError):
    """A catalogue file is missing, not YAML, or not valid; ``str()`` is one line."""


class ReferenceCatalogue(Generic[E]):
    """An immutable, ordered collection of entries, looked up by key (or by alias)."""

    def __init__(self, name: str, entries: Iterable[E]) -> None:
        self.name = name
        self._entries = tuple(entries)
        self._by_key = {entry.key(): entry for entry in self._entries}
        self._aliases = {
            alias: entry for entry in self._entries for alias in getattr(entry, "aliases", ())
        }

    def __iter__(self) -> Iterator[E]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __getitem__(self, key: str) -> E:
        try:
            return self._by_key[key]
        except KeyError:
            msg = f"{key!r} is not in the {self.name} catalogue"
            raise KeyError(msg) from None

    def __repr__(self) -> str:
        return f"ReferenceCatalogue({self.name!r}, {len(self)} entries)"

    def get(self, key: str) -> E | None:
        """Return the entry with this key, or None."""
        return self._by_key.get(key)

    def resolve(self, name: str) -> E | None:
        """Return the entry whose key or alias is ``name`` (``"HAM-D"`` finds ``HAMD-17``)."""
        return self._by_key.get(name) or self._aliases.get(name)

    def keys(self) -> tuple[str, ...]:
        """Return the keys in catalogue order."""
        return tuple(self._by_key)


class _CatalogueFile(BaseModel, Generic[E]):
    model_config = ConfigDict(extra="forbid")

    catalogue: str
    version: int = Field(ge=1)
    entries: list[E]


# --- strict YAML ----------------------------------------------------------------------------


if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:  # libyaml's parser when present: the pure-Python one took 0.1 s for the jurisdictions
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    """Safe YAML that rejects duplicate keys (plain YAML keeps the last one silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(f"{path}: no such catalogue file") from None
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_CATALOGUE_BYTES:
        raise CatalogueError(f"{path}: larger than a catalogue can be")
    try:
        return yaml.load(data, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CatalogueError(f"{path}:{where}: not valid YAML: {exc.problem}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from None


# --- validation -----------------------------------------------------------------------------

_ENTRY_TYPES: dict[str, type[Entry]] = {
    "sources": Source,
    "substances": SubstanceInfo,
    "instruments": Instrument,
    "jurisdictions": Jurisdiction,
    "criteria": CriterionCode,
    "medication_classes": MedicationClass,
    "narrative_sections": NarrativeSection,
}
CATALOGUE_NAMES: tuple[str, ...] = tuple(_ENTRY_TYPES)
"""Every shipped catalogue, each in ``resources/catalogues/<name>.yaml``."""


def load_reference_catalogue(
    name: str, path: Path | None = None, *, source_keys: Iterable[str] | None = None
) -> ReferenceCatalogue[Any]:
    """Read and validate one catalogue file (uncached; see the accessor functions).

    ``source_keys`` are the keys figures may cite; by default the shipped sources.
    Raises :class:`CatalogueError` with a one-line message naming file and JSON path.
    """
    if name not in _ENTRY_TYPES:
        raise CatalogueError(f"unknown catalogue {name!r} (one of {', '.join(CATALOGUE_NAMES)})")
    path = path or resource("catalogues", f"{name}.yaml")
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path}: expected a mapping with catalogue, version and entries")
    if name != "sources" and source_keys is None:
        source_keys = sources().keys()
    context = {"sources": frozenset(source_keys or ())} if name != "sources" else None
    try:
        parsed = _file_model(_ENTRY_TYPES[name]).model_validate(raw, context=context)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = [part for part in first["loc"] if not _is_tag(part)]
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise CatalogueError(f"{path} at {format_path(loc)}: {_describe(first)}{more}") from None
    if parsed.catalogue != name:
        raise CatalogueError(f"{path}: is the {parsed.catalogue!r} catalogue, not {name!r}")
    catalogue: ReferenceCatalogue[Any] = ReferenceCatalogue(name, parsed.entries)
    _check_links(catalogue, path)
    return catalogue


def _describe(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "unknown key"
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and error["type"] != "value_error":
        return f"{message} (found {value!r:.60})"
    return message


def _file_model(entry_type: type[Entry]) -> type[_CatalogueFile[Any]]:
    return _CatalogueFile[entry_type]  # type: ignore[valid-type]


def _is_tag(part: Any) -> bool:
    # pydantic adds function and union tags ("function-after[...]") to error locations.
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _check_links(catalogue: ReferenceCatalogue[Any], path: Path) -> None:
    """Keys unique; parents and aliases resolve within the catalogue."""
    seen: set[str] = set()
    for index, entry in enumerate(catalogue):
        where = format_path(["entries", index])
        names = [entry.key(), *getattr(entry, "aliases", ())]
        for name in names:
            if name in seen:
                raise CatalogueError(f"{path} at {where}: duplicate key or alias {name!r}")
            seen.add(name)
        parent = getattr(entry, "parent", None)
        if parent is not None and parent not in catalogue:
            raise CatalogueError(f"{path} at {where}.parent: unknown parent {parent!r}")


# --- cached accessors ---------------------------------------------------------------------


@cache
def sources() -> ReferenceCatalogue[Source]:
    """The documents that catalogue figures cite."""
    return load_reference_catalogue("sources")


@cache
def substances() -> ReferenceCatalogue[SubstanceInfo]:
    """Substances with units and sourced dose and duration figures."""
    return load_reference_catalogue("substances")


@cache
def instruments() -> ReferenceCatalogue[Instrument]:
    """Rating scales, questionnaires, procedures and laboratory tests."""
    return load_reference_catalogue("instruments")


@cache
def jurisdictions() -> ReferenceCatalogue[Jurisdiction]:
    """Countries and regions sites can be in, with group memberships (EU, EEA)."""
    return load_reference_catalogue("jurisdictions")


@cache
def criteria() -> ReferenceCatalogue[CriterionCode]:
    """Eligibility criterion codes that the rule sets check."""
    return load_reference_catalogue("criteria")


@cache
def medication_classes() -> ReferenceCatalogue[MedicationClass]:
    """Medication classes with interaction notes and washout figures."""
    return load_reference_catalogue("medication_classes")


@cache
def narrative_sections() -> ReferenceCatalogue[NarrativeSection]:
    """Narrative sections with their ICH M11, SPIRIT and E6 cross-references."""
    return load_reference_catalogue("narrative_sections")
