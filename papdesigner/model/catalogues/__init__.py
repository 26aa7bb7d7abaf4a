"""The shipped catalogues: substances, instruments, jurisdictions, criteria, medications, sections.

Catalogues are data (``resources/catalogues/*.yaml``), validated on first use by the
pydantic models of :mod:`.entries`, so a typo in a catalogue is reported with the
file and the JSON path of the bad value. Every clinical figure carries its source (a
key of ``sources.yaml``), the rule rows of the regulatory reference it comes from,
and a confidence (verified | secondary | uncertain). The accessors are cached: the
catalogues do not change while the program runs. Qt-free.
"""

from papdesigner.model.catalogues.entries import (
    SPIRIT_2013_ITEMS,
    SPIRIT_2025_ITEMS,
    Confidence,
    CriterionCode,
    Entry,
    Figure,
    Instrument,
    Jurisdiction,
    MedicationClass,
    NarrativeSection,
    Source,
    SubstanceInfo,
)
from papdesigner.model.catalogues.loading import (
    CATALOGUE_NAMES,
    CatalogueError,
    ReferenceCatalogue,
    criteria,
    instruments,
    jurisdictions,
    load_reference_catalogue,
    medication_classes,
    narrative_sections,
    sources,
    substances,
)
from papdesigner.model.catalogues.references import expand_jurisdictions, unknown_references

__all__ = [
    "CATALOGUE_NAMES",
    "SPIRIT_2013_ITEMS",
    "SPIRIT_2025_ITEMS",
    "CatalogueError",
    "Confidence",
    "CriterionCode",
    "Entry",
    "Figure",
    "Instrument",
    "Jurisdiction",
    "MedicationClass",
    "NarrativeSection",
    "ReferenceCatalogue",
    "Source",
    "SubstanceInfo",
    "criteria",
    "expand_jurisdictions",
    "instruments",
    "jurisdictions",
    "load_reference_catalogue",
    "medication_classes",
    "narrative_sections",
    "sources",
    "substances",
    "unknown_references",
]
