"""Digital signatures on exported PDFs (PAdES, with pyHanko), made and checked offline.

A sponsor or investigator signs an exported protocol with their certificate
(a PKCS#12 file): the signature is added as an incremental update, so the pages
stay exactly as exported and ``verify`` still compares them with the protocol.
Checking a signature needs no network: the certificate chain is checked against
the certificates the user trusts (``--trust``), never fetched; revocation is not
checked (that would need the network) and the verdict says so.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SIGNATURE_FIELD = "papdesigner-signature"


class SigningError(ValueError):
    """The PDF could not be signed; ``str()`` is one line for a person."""


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature as checked offline."""

    signer: str
    intact: bool
    trusted: bool
    covers_document: bool
    changes_after: str
    time: str

    @property
    def ok(self) -> bool:
        """The signed bytes are unchanged and nothing but annotations came after."""
        return self.intact and self.changes_after in ("none", "annotations or form filling")

    def line(self, trust_given: bool) -> str:
        """One line for a person."""
        if not self.intact:
            return f"signature of {self.signer} is broken: the signed content was changed"
        if not self.ok:
            changed = self.changes_after
            return f"signature of {self.signer}: the PDF was changed after signing ({changed})"
        if self.trusted:
            trust = "certificate trusted"
        elif trust_given:
            trust = "certificate NOT issued by a trusted certificate (--trust)"
        else:
            trust = "certificate not checked against a trusted certificate (use --trust)"
        when = f" on {self.time}" if self.time else ""
        return f"signed by {self.signer}{when}: signature intact, {trust}; revocation not checked"


def sign_pdf(
    data: bytes,
    pkcs12: bytes,
    passphrase: bytes | None,
    *,
    reason: str,
    location: str = "",
) -> bytes:
    """Return ``data`` with a PAdES signature made with the key and certificate in ``pkcs12``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, (), passphrase=passphrase)
    except Exception:  # wrong passphrase or not PKCS#12: cryptography raises ValueError
        signer = None
    if signer is None:
        msg = "cannot read the certificate file (wrong passphrase, or not a PKCS#12 file)"
        raise SigningError(msg)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    existing = {name for name, _, _ in fields.enumerate_sig_fields(writer)}
    name = SIGNATURE_FIELD
    counter = 1
    while name in existing:
        counter += 1
        name = f"{SIGNATURE_FIELD}-{counter}"
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        reason=reason,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = signers.sign_pdf(writer, meta, signer=signer, existing_fields_only=False)
    result: bytes = out.getvalue()
    return result


def _signer_name(status: Any) -> str:
    cert = status.signing_cert
    try:
        return str(cert.subject.human_friendly)
    except Exception:  # an odd subject: fall back to the serial number
        return f"certificate {cert.serial_number}"


def _changes(status: Any) -> str:
    from pyhanko.sign.diff_analysis import ModificationLevel

    level = getattr(status, "modification_level", None)
    if level is None or level == ModificationLevel.NONE:
        return "none"
    if level in (ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING):
        return "annotations or form filling"
    if level == ModificationLevel.ANNOTATIONS:
        return "annotations or form filling"
    return "changes other than annotations"


def check_signatures(data: bytes, trusted: Sequence[bytes]) -> list[SignatureCheck]:
    """Check every embedded signature of ``data``; ``trusted`` are PEM or DER certificates."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [cert for data in trusted for cert in load_certs_from_pemder_data(data)]
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    checks: list[SignatureCheck] = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(embedded, context)
        checks.append(
            SignatureCheck(
                signer=_signer_name(status),
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                covers_document=str(status.coverage).endswith("ENTIRE_FILE"),
                changes_after=_changes(status),
                time=status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
            )
        )
    return checks


def signature_notes(data: bytes, trusted: Sequence[bytes]) -> tuple[bool, list[str]]:
    """Whether every signature holds, and a line for each (empty when unsigned)."""
    if b"/ByteRange" not in data:
        return True, []
    try:
        checks = check_signatures(data, trusted)
    except Exception as exc:  # a malformed signature dictionary: pyHanko raises many types
        return False, [f"a signature in the PDF cannot be read ({type(exc).__name__})"]
    lines = [c.line(bool(trusted)) for c in checks]
    # Certificates given to trust are a demand: a signer outside them fails verification.
    failed = [c.line(bool(trusted)) for c in checks if not c.ok or (trusted and not c.trusted)]
    if failed:
        return False, [f"PDF was altered: {failed[0]}", *lines]
    return True, lines
