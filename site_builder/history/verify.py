"""Commit signatures checked in this process, against the keys of the signers file only.

A commit's signed payload is its raw object without the ``gpgsig`` header (whose
continuation lines start with a space); the header's text is the signature. SSH
signatures are checked with ``sshsig``, OpenPGP ones with ``pysequoia``. Neither
reads a keyring, an agent or git's configuration: a key counts only if
``rounds/signers.yml`` lists it, so nothing in the builder's own ``~/.gnupg``,
allowed-signers file or agent can make a signature valid.

The result has the shape of git's ``%G?``/``%GS``: (status, principal) with status
G good, B bad (a listed key, but the signature does not match the commit), U made
by a key that is not listed, N no signature, E cannot be checked (a format neither
library reads). The principal is the reviewer's email or ``platform:<name>``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pysequoia
import sshsig
from sshsig.ssh_public_key import PublicKey

from site_builder.history.trailers import PLATFORM_PREFIX
from site_builder.model.district import Signers

_SSH_BEGIN = b"-----BEGIN SSH SIGNATURE-----"
_PGP_BEGIN = b"-----BEGIN PGP SIGNATURE-----"
# Headers a signature never covers: this object's signature and, in a repository
# moving between hash functions, the other one's.
_SIGNATURE_HEADERS = (b"gpgsig ", b"gpgsig-sha256 ")


class UnreadableKey(ValueError):
    """A listed key that cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class Listed:
    """One listed key: who it belongs to and where it is written."""

    principal: str
    kind: str  # ssh | gpg
    text: str


@dataclass
class Keyring:
    """The listed keys, read once per build: SSH keys by their key blob, OpenPGP
    certificates by the fingerprint and key id of every key and subkey."""

    ssh: dict[str, str] = field(default_factory=dict)  # "type base64" -> principal
    pgp: dict[str, tuple[pysequoia.Cert, str]] = field(default_factory=dict)
    digest: str = ""
    errors: list[tuple[Listed, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ssh or self.pgp)


def listed_keys(signers: Signers) -> list[Listed]:
    """Every key in the signers file with its principal, reviewers first."""
    keys = []
    for reviewer in signers.reviewers:
        email = reviewer.email.strip().lower()
        if reviewer.ssh_key:
            keys.append(Listed(email, "ssh", reviewer.ssh_key))
        if reviewer.gpg_key:
            keys.append(Listed(email, "gpg", reviewer.gpg_key))
    for platform in signers.policy.platform_keys:
        principal = f"{PLATFORM_PREFIX}{platform.name}"
        if platform.ssh_key:
            keys.append(Listed(principal, "ssh", platform.ssh_key))
        if platform.gpg_key:
            keys.append(Listed(principal, "gpg", platform.gpg_key))
    return keys


def ssh_blob(text: str) -> str:
    """The "type base64" of an OpenSSH public key line (comment dropped); raises UnreadableKey."""
    parts = text.split()
    if len(parts) < 2:
        raise UnreadableKey("不是 OpenSSH 公钥（应为“ssh-ed25519 AAAA……”一行）")
    try:
        key = PublicKey.from_openssh_str(f"{parts[0]} {parts[1]}")
    except (ValueError, NotImplementedError, IndexError) as exc:
        raise UnreadableKey(f"无法读取这个 SSH 公钥（{type(exc).__name__}）") from exc
    return key.openssh_str()


def pgp_certs(text: str) -> list[tuple[pysequoia.Cert, list[str]]]:
    """The certificates of an ASCII-armored OpenPGP public key (or several, as GitHub's
    web-flow file holds its current and its retired key), each with the fingerprints
    and key ids of its primary key and subkeys; raises UnreadableKey."""
    data = text.strip().encode()
    if not data.startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"):
        raise UnreadableKey(
            "不是 ASCII 格式的 OpenPGP 公钥（应以 -----BEGIN PGP PUBLIC KEY BLOCK----- 开头）"
        )
    try:
        certs = pysequoia.Cert.split_bytes(data)
        packets = list(pysequoia.packet.PacketPile.from_bytes(data))
    except (RuntimeError, ValueError) as exc:
        raise UnreadableKey("无法读取这个 OpenPGP 公钥") from exc
    handles: list[list[str]] = []
    for packet in packets:  # a primary key packet starts the next certificate
        if packet.tag == pysequoia.packet.Tag.PublicKey:
            handles.append([])
        if packet.tag in (pysequoia.packet.Tag.PublicKey, pysequoia.packet.Tag.PublicSubkey):
            handles[-1] += [packet.fingerprint.lower(), packet.key_id.lower()]
    if not certs or len(certs) != len(handles):
        raise UnreadableKey("无法读取这个 OpenPGP 公钥")
    return list(zip(certs, handles, strict=True))


def keyring(signers: Signers) -> Keyring:
    """The listed keys, ready to verify with; unreadable ones are left out (``errors``)."""
    ring = Keyring()
    digest = hashlib.sha256()
    for listed in listed_keys(signers):
        try:
            if listed.kind == "ssh":
                blob = ssh_blob(listed.text)
                ring.ssh.setdefault(blob, listed.principal)
                digest.update(f"ssh {listed.principal} {blob}\n".encode())
            else:
                for cert, handles in pgp_certs(listed.text):
                    for handle in handles:
                        ring.pgp.setdefault(handle, (cert, listed.principal))
                    digest.update(f"gpg {listed.principal} {' '.join(handles)}\n".encode())
                digest.update(listed.text.strip().encode())
        except UnreadableKey as exc:
            ring.errors.append((listed, str(exc)))
    ring.digest = digest.hexdigest()[:16]
    return ring


def split_signed(raw: bytes) -> tuple[bytes, bytes | None]:
    """(payload, armored signature) of a raw commit object; no signature gives None."""
    head, sep, body = raw.partition(b"\n\n")
    kept: list[bytes] = []
    signature: list[bytes] | None = None
    inside: list[bytes] | None = None
    for line in head.split(b"\n"):
        if inside is not None and line.startswith(b" "):
            inside.append(line[1:])
            continue
        inside = None
        if line.startswith(_SIGNATURE_HEADERS):
            name, _, first = line.partition(b" ")
            inside = [first]
            if name == b"gpgsig" and signature is None:
                signature = inside
            continue
        kept.append(line)
    payload = b"\n".join(kept) + sep + body
    return payload, (b"\n".join(signature) + b"\n") if signature is not None else None


def verify(raw: bytes, ring: Keyring) -> tuple[str, str]:
    """(status, principal) of one raw commit object, as git's ``%G?`` and ``%GS``."""
    payload, armored = split_signed(raw)
    if armored is None:
        return "N", ""
    if armored.startswith(_SSH_BEGIN):
        return _verify_ssh(payload, armored, ring)
    if armored.startswith(_PGP_BEGIN):
        return _verify_pgp(payload, armored, ring)
    return "E", ""  # X.509 (gpgsm) or something else: not a format offices use here


def _verify_ssh(payload: bytes, armored: bytes, ring: Keyring) -> tuple[str, str]:
    try:
        key = sshsig.check_signature(payload, armored, namespace="git")
    except sshsig.InvalidSignature:
        return "B", ""
    except Exception:  # noqa: BLE001 - a header anyone can write: unreadable, never a crash
        return "E", ""
    principal = ring.ssh.get(key.openssh_str())
    return ("G", principal) if principal else ("U", "")


def _verify_pgp(payload: bytes, armored: bytes, ring: Keyring) -> tuple[str, str]:
    try:
        signature = pysequoia.Sig.from_bytes(armored)
    except Exception:  # noqa: BLE001 - as above
        return "E", ""
    issuers = [h.lower() for h in (signature.issuer_fingerprint, signature.issuer_key_id) if h]
    found = next((ring.pgp[h] for h in issuers if h in ring.pgp), None)
    if found is None:
        return "U", ""
    cert, principal = found
    try:
        result = pysequoia.verify(bytes=payload, store=lambda _ids: [cert], signature=signature)
    except (RuntimeError, ValueError):
        return "B", ""
    return ("G", principal) if result.valid_sigs else ("B", "")
