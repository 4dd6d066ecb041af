"""Evidence files a closure rests on, that were in the repository and are gone (H006).

A done measure (or a closed problem's mechanism) may name its evidence file
(``evidence: [{title: …, file: 佐证/r5/wcjd/P01.pdf}]``). A path that was never
in the repository (a share drive, an archive number) is not ours to check; one that
was committed and has since been deleted is flagged with the commit that deleted it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.git import GitError, Repository
from site_builder.model import Project
from site_builder.model.ledger import Evidence, Ledger


@dataclass(frozen=True)
class EvidenceRef:
    ledger: Ledger
    item: str  # P01/M1
    evidence: Evidence
    path: str  # repository-relative, posix


def evidence_refs(project: Project) -> list[EvidenceRef]:
    refs = []
    for ledger in project.ledgers:
        for p in ledger.problems:
            for m in p.measures:
                if m.status == "done":
                    refs += _refs(ledger, f"{p.id}/{m.id}", m.evidence)
            if p.status == "closed":
                for mech in p.mechanisms:
                    refs += _refs(ledger, p.id, mech.enforcement)
    return refs


def _refs(ledger: Ledger, item: str, evidence: list[Evidence]) -> list[EvidenceRef]:
    found = []
    for e in evidence:
        path = _repository_path(e.file)
        if path is not None:
            found.append(EvidenceRef(ledger, item, e, path))
    return found


def _repository_path(file: str | None) -> str | None:
    """The path inside the repository, or None for what cannot be one (D:\\…, /srv/…)."""
    if not file or "\\" in file or ":" in file or file.startswith("/"):
        return None
    parts = PurePosixPath(file).parts
    if not parts or any(part in ("..", ".") for part in parts) or parts[0] == ".git":
        return None
    return PurePosixPath(*parts).as_posix()


def missing_evidence(
    root: Path, project: Project, repo: Repository | None = None
) -> list[Diagnostic]:
    """H006 for each evidence file of a closure that a commit of HEAD's history deleted;
    ``repo``, if given, is the repository at ``root`` already open."""
    refs = [r for r in evidence_refs(project) if not (root / r.path).exists()]
    if not refs:
        return []
    if repo is not None:
        deleted = _deleted(repo, refs)
    else:
        try:
            opened = Repository(root)
        except GitError:
            return []
        with opened:
            deleted = _deleted(opened, refs)
    found = []
    for ref in refs:
        if ref.path in deleted:
            commit, when = deleted[ref.path]
            src = ref.evidence.src
            found.append(
                diag("H006", ref.ledger.src.file, src.line, src.col, item=ref.item,
                     title=ref.evidence.title, path=ref.path, commit=commit[:10], date=when[:10])
            )  # fmt: skip
    return found


def _deleted(repo: Repository, refs: list[EvidenceRef]) -> dict[str, tuple[str, str]]:
    """path -> (commit, date) of the refs' files that HEAD's history deleted."""
    if repo.head() is None:
        return {}
    paths = sorted({r.path for r in refs})
    try:
        present = _split(repo.run(["--literal-pathspecs", "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", *paths]))  # fmt: skip
        return _deletions(repo, [p for p in paths if p not in present])
    except GitError:
        return {}


def _split(out: str) -> set[str]:
    return {p for p in out.split("\0") if p}


def _deletions(repo: Repository, paths: list[str]) -> dict[str, tuple[str, str]]:
    """path -> (commit, date) of the latest commit on HEAD's history that deleted it."""
    if not paths:
        return {}
    args = ["--literal-pathspecs", "log", "--diff-filter=D", "--no-renames", "--name-only", "-z",
            "--format=%x1e%H%x00%aI", "HEAD", "--", *paths]  # fmt: skip
    deleted: dict[str, tuple[str, str]] = {}
    for record in repo.run(args).split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        commit, _, when = head.partition("\0")
        for name in _split(names):
            deleted.setdefault(name.strip("\n"), (commit, when))
    return deleted
