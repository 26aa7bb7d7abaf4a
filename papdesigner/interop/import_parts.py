"""Protocol parts from USDM instances: arms, roles, products, sites, objectives, criteria.

Each reader takes papdesigner's extension when the instance has one (our own export) and
lets the standard USDM attributes override what they carry (label, text, description), so an
edit made in another tool is kept; without an extension it maps the standard attributes.
"""

from __future__ import annotations

from papdesigner.interop.import_context import (
    ImportContext,
    extension,
    extension_model,
    extension_object,
    extensions,
    has_template_tags,
    plain_text,
    validated,
)
from papdesigner.interop.usdm_read import Node
from papdesigner.model.protocol import (
    Arm,
    Criterion,
    Endpoint,
    Objective,
    Product,
    Role,
    Setting,
    Site,
)

ARM_ROLES = {"C174268": "placebo", "C174267": "active_comparator"}
"""SDTM arm type code -> arm role; other arm types are experimental."""

OBJECTIVE_LEVELS = {"C85826": "primary", "C85827": "secondary", "C163559": "exploratory"}
ROLE_KINDS = {"C215672": "physician", "C207599": "rater", "C17445": "other", "C25936": "other"}
"""Study role code -> staff role kind, for roles that are staff (investigator, care provider...)."""

INCLUSION, EXCLUSION = "C25532", "C25370"

ALPHA3 = {
    "AUT": "AT", "AUS": "AU", "BEL": "BE", "BGR": "BG", "CAN": "CA", "CHE": "CH", "CYP": "CY",
    "CZE": "CZ", "DEU": "DE", "DNK": "DK", "EST": "EE", "ESP": "ES", "FIN": "FI", "FRA": "FR",
    "GBR": "GB", "GRC": "GR", "HRV": "HR", "HUN": "HU", "IRL": "IE", "ISR": "IL", "ISL": "IS",
    "ITA": "IT", "LIE": "LI", "LTU": "LT", "LUX": "LU", "LVA": "LV", "MLT": "MT", "NLD": "NL",
    "NOR": "NO", "NZL": "NZ", "POL": "PL", "PRT": "PT", "ROU": "RO", "SWE": "SE", "SVN": "SI",
    "SVK": "SK", "USA": "US",
}  # fmt: skip
"""ISO 3166-1 alpha-3 -> alpha-2 for the countries of resources/catalogues/jurisdictions.yaml
(the official USDM examples code countries in alpha-3)."""


def arms(design: Node, ctx: ImportContext) -> list[Arm]:
    """The study design's arms."""
    result = []
    for node in design.children("arms"):
        arm = extension_model(node, "arm", Arm)
        overrides = {
            "label": ctx.label(node),
            "description": node.text("description"),
        }
        if arm is not None:
            ctx.reserve("arm", arm.id)
            result.append(arm.model_copy(update=overrides))
            continue
        role = ARM_ROLES.get(node.code("type"), "experimental")
        arm_id = ctx.identifier("arm", node.text("name"), node.id)
        result.append(Arm(id=arm_id, role=role, **overrides))
    return result


def roles(version: Node, ctx: ImportContext) -> list[Role]:
    """Staff roles: study roles with papdesigner's extension, or with a staff role code."""
    result = []
    for node in version.children("roles"):
        role = extension_model(node, "role", Role)
        title = ctx.label(node)
        if role is not None:
            ctx.reserve("role", role.id)
            result.append(
                role.model_copy(
                    update={"title": title, "responsibilities": node.text("description")}
                )
            )
            continue
        kind = ROLE_KINDS.get(node.code("code"))
        if kind is None:
            continue
        result.append(
            Role(
                id=ctx.identifier("role", node.text("name"), node.id),
                title=title or node.decode("code"),
                kind=kind,
                responsibilities=node.text("description"),
            )
        )
    return result


def products(version: Node, ctx: ImportContext) -> list[Product]:
    """Products: administrable products with papdesigner's extension, else study interventions."""
    administrable = version.children("administrableProducts")
    if any(extension(n, "product") is not None for n in administrable):
        result = []
        for node in administrable:
            product = extension_model(node, "product", Product)
            if product is None:
                product = Product(
                    id=ctx.identifier("product", node.text("name"), node.id),
                    substance="other",
                    name=node.text("label") or node.text("name"),
                )
            else:
                ctx.reserve("product", product.id)
            overrides = {
                "name": ctx.label(node),
                "description": node.text("description"),
            }
            result.append(product.model_copy(update=overrides))
        return result
    found = []
    for node in version.children("studyInterventions"):
        found.append(
            Product(
                id=ctx.identifier("product", node.text("name"), node.id),
                substance="other",
                name=node.text("label") or node.text("name"),
                description=node.text("description"),
            )
        )
    doses = sum(len(n.children("administrations")) for n in version.children("studyInterventions"))
    if found and doses:
        ctx.note(
            f"{doses} administrations (doses) were not imported: USDM does not say in which "
            "encounter or arm a dose is given; add them to the dosing sessions"
        )
    if found:
        ctx.note("products were imported with substance 'Other': set the substance of each product")
    return found


def sites(version: Node, ctx: ImportContext) -> list[Site]:
    """Study sites with papdesigner's extension or an ISO alpha-2 country."""
    result = []
    skipped = []
    for organisation in version.children("organizations"):
        for node in organisation.children("managedSites"):
            site = extension_model(node, "site", Site)
            if site is not None:
                ctx.reserve("site", site.id)
                result.append(site.model_copy(update={"name": ctx.label(node)}))
                continue
            country = node.code("country")
            country = ALPHA3.get(country, country)
            name = node.text("label") or node.text("name")
            if len(country) == 2 and country.isalpha() and country.isupper():
                result.append(
                    Site(
                        id=ctx.identifier("site", node.text("name"), node.id),
                        name=name,
                        country=country,
                    )
                )
            else:
                skipped.append(f"{name} ({country})")
    if skipped:
        ctx.note(
            f"{len(skipped)} study sites were not imported: their country code is not one "
            f"papdesigner knows: {', '.join(skipped[:5])}"
        )
    return result


def settings(design: Node) -> list[Setting]:
    """Rooms from papdesigner's setting extensions on the study design."""
    return [validated(data, ext, "setting", Setting) for data, ext in extensions(design, "setting")]


def objectives(design: Node, ctx: ImportContext) -> list[Objective]:
    """Objectives with their endpoints."""
    result = []
    for node in design.children("objectives"):
        level = OBJECTIVE_LEVELS.get(node.code("level"))
        if level is None:
            ctx.note(
                f"objective {node.text('name')!r}: level {node.decode('level')!r} "
                "read as exploratory"
            )
            level = "exploratory"
        endpoints = [_endpoint(e, ctx) for e in node.children("endpoints")]
        result.append(
            Objective(
                id=ctx.keep_id("objective", node),
                level=level,
                text=ctx.prose(node.text("text")),
                endpoints=endpoints,
            )
        )
    return result


def _endpoint(node: Node, ctx: ImportContext) -> Endpoint:
    data, where = extension_object(node, "endpoint")
    endpoint = Endpoint(
        id=ctx.keep_id("endpoint", node),
        text=ctx.prose(node.text("text")),
    )
    if data:
        try:
            return Endpoint.model_validate({**endpoint.model_dump(), **data})
        except ValueError:
            raise where.fail("the papdesigner endpoint extension is not valid") from None
    return endpoint


def criteria(design: Node, ctx: ImportContext) -> tuple[list[Criterion], list[Criterion]]:
    """(inclusion, exclusion) criteria with the text of their criterion items."""
    inclusion, exclusion = [], []
    templated = 0
    for node in design.children("eligibilityCriteria"):
        item = ctx.resolve(node, "criterionItemId")
        raw = item.text("text") if item is not None else ""
        templated += has_template_tags(raw)
        data, where = extension_object(node, "criterion")
        try:
            criterion = Criterion(
                id=ctx.keep_id("criterion", node, node.text("identifier")),
                text=raw if ctx.own else plain_text(raw) or ctx.label(node),
                code=data.get("code"),
                justification=data.get("justification", ""),
            )
        except ValueError:
            raise where.fail("the papdesigner criterion extension is not valid") from None
        category = node.code("category")
        if category == EXCLUSION:
            exclusion.append(criterion)
        elif category == INCLUSION:
            inclusion.append(criterion)
        else:
            ctx.note(
                f"criterion {node.text('name')!r} has category {node.decode('category')!r}; "
                "read as inclusion"
            )
            inclusion.append(criterion)
    if templated:
        ctx.note(
            f"{templated} criteria use syntax-template parameters; "
            "they are shown as [name] in the text"
        )
    return inclusion, exclusion
