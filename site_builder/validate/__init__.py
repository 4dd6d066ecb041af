"""Validation: checks across the loaded project, each returning diagnostics.

Every check is a function ``(project) -> Iterable[Diagnostic]``; CHECKS lists them
in the order their findings read best.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from site_builder.diagnostics import Diagnostic, sort_key
from site_builder.model import Project
from site_builder.validate import evaluation, ledger_rules, outputs, references, sensitive
from site_builder.validate import supervision as supervision_rules

Check = Callable[[Project], Iterable[Diagnostic]]

CHECKS: list[Check] = [
    references.duplicate_ids,
    references.registry_and_rounds,
    references.ledger_references,
    references.missing_ledgers,
    references.catalogue_references,
    references.self_check_references,
    references.case_references,
    references.signer_references,
    outputs.output_names,
    sensitive.sensitive_fields,
    ledger_rules.round_dates,
    ledger_rules.receipts,
    ledger_rules.ledger_dates,
    ledger_rules.closure_rules,
    ledger_rules.plan_rules,
    ledger_rules.accountability_rules,
    ledger_rules.future_closures,
    ledger_rules.report_rules,
    evaluation.rubrics,
    evaluation.evaluations,
    evaluation.bulletins,
    supervision_rules.supervision_records,
]


def validate(project: Project) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in CHECKS:
        found.extend(check(project))
    return sorted(found, key=sort_key)
