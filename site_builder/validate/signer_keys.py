"""The keys of the signers file: readable, present for every platform, owned once.

A key that cannot be read would silently turn its owner's signed approvals into
"签名无效" at build time; a key listed for two people would let one sign as the other.
Both are reported here, where staff edit the file.
"""

from __future__ import annotations

from collections.abc import Iterator

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.verify import UnreadableKey, pgp_certs, ssh_blob
from site_builder.model import Project
from site_builder.model.types import Record

_KIND = {"ssh": "SSH 公钥（ssh_key）", "gpg": "OpenPGP 公钥（gpg_key）"}


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def signer_keys(project: Project) -> Iterator[Diagnostic]:
    signers = project.signers
    owners: dict[str, str] = {}  # key identity -> owner's label
    entries: list[tuple[Record, str, str, str | None]] = []
    for reviewer in signers.reviewers:
        label = f"{reviewer.name}（{reviewer.email}）"
        entries += [
            (reviewer, label, "ssh", reviewer.ssh_key),
            (reviewer, label, "gpg", reviewer.gpg_key),
        ]
    for platform in signers.policy.platform_keys:
        if not platform.ssh_key and not platform.gpg_key:
            yield diag("G011", **_at(platform), name=platform.name)
        label = f"平台“{platform.name}”"
        entries += [
            (platform, label, "ssh", platform.ssh_key),
            (platform, label, "gpg", platform.gpg_key),
        ]
    for record, label, kind, text in entries:
        if not text:
            continue
        try:
            if kind == "ssh":
                identities = [ssh_blob(text)]
            else:
                identities = [handles[0] for _, handles in pgp_certs(text)]  # primary keys
        except UnreadableKey as exc:
            yield diag("G010", **_at(record), owner=label, kind=_KIND[kind], detail=str(exc))
            continue
        for identity in identities:
            first = owners.setdefault(identity, label)
            if first != label:
                yield diag("G012", **_at(record), kind=_KIND[kind], first=first, second=label)
