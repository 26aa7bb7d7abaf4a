"""Study interventions, administrable products and administrations of a USDM export.

One ``StudyIntervention`` and one ``AdministrableProduct`` per protocol product; each
administration of a dosing session becomes an ``Administration`` of its product's
intervention with dose, unit, route and frequency "once". Which arm receives it, at what hour
and whether it is supplemental or optional travel in the session's extension.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from papdesigner.interop.builder import Instance, ddf, sdtm
from papdesigner.model.protocol import Administration, Product, Session

if TYPE_CHECKING:
    from papdesigner.interop.usdm_export import ExportContext

INTERVENTION_ROLES = {
    "experimental": "Experimental Intervention",
    "active_comparator": "Active Comparator",
    "low_dose_comparator": "Active Comparator",
    "placebo": "Placebo",
    "active_placebo": "Placebo",
}
"""Arm role -> study intervention role; the first arm role in this order wins."""

DOSE_FORM_SYSTEM = "papdesigner"
"""The protocol records no dosage form, so the product's dose form says so (see CORE.md)."""


def interventions(ctx: ExportContext) -> tuple[list[Instance], list[Instance]]:
    """Return (administrableProducts, studyInterventions)."""
    products = []
    study_interventions = []
    for product in ctx.protocol.products:
        ap = _administrable_product(ctx, product)
        products.append(ap)
        study_interventions.append(_intervention(ctx, product, ap["id"]))
    return products, study_interventions


def _administrable_product(ctx: ExportContext, product: Product) -> Instance:
    b = ctx.builder
    instance = b.make(
        "AdministrableProduct",
        name=product.id,
        label=product.name,
        description=product.description or None,
        administrableDoseForm=b.alias_other(
            "not-specified", DOSE_FORM_SYSTEM, "1", "Dose form not specified in the protocol"
        ),
        productDesignation=b.code(ddf("AdministrableProduct.productDesignation", "IMP")),
        properties=[],
        identifiers=[],
        ingredients=[],
        notes=[],
    )
    instance["extensionAttributes"].append(b.extension("product", product.model_dump(mode="json")))
    ctx.ids[f"product:{product.id}"] = instance["id"]
    return instance


def _role(ctx: ExportContext, product: Product) -> str:
    roles = {
        arm.role
        for session in ctx.protocol.sessions
        if session.dosing is not None
        for adm in session.dosing.administrations
        if adm.product_id == product.id
        for arm in ctx.protocol.arms
        if arm.id == adm.arm_id
    }
    for arm_role, decode in INTERVENTION_ROLES.items():
        if arm_role in roles:
            return decode
    return "Experimental Intervention"


def _intervention(ctx: ExportContext, product: Product, product_instance_id: str) -> Instance:
    b = ctx.builder
    administrations = [
        _administration(ctx, session, index, adm, product_instance_id)
        for session in ctx.protocol.sessions
        if session.dosing is not None
        for index, adm in enumerate(session.dosing.administrations, start=1)
        if adm.product_id == product.id
    ]
    instance = b.make(
        "StudyIntervention",
        name=product.id,
        label=product.name,
        description=product.description or None,
        role=b.code(ddf("StudyIntervention.role", _role(ctx, product))),
        type=b.code(sdtm("intervention_type", "drug")),
        codes=[],
        administrations=administrations,
        notes=[],
    )
    ctx.ids[f"intervention:{product.id}"] = instance["id"]
    return instance


def _administration(
    ctx: ExportContext, session: Session, index: int, adm: Administration, product_id: str
) -> Instance:
    b = ctx.builder
    route = sdtm("route", adm.route) if adm.route != "other" else None
    return b.make(
        "Administration",
        name=f"{session.id}.{index}",
        label=f"{adm.dose:g} {adm.unit} to arm {adm.arm_id} in session {session.id}",
        duration=b.make("Duration", text="Single administration", durationWillVary=False),
        dose=b.quantity(adm.dose, sdtm("unit", adm.unit)),
        route=b.alias(route) if route else None,
        frequency=b.alias(sdtm("frequency", "once")),
        administrableProductId=product_id,
        notes=[],
    )
