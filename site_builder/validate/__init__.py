"""Validation: checks across the loaded project, each returning diagnostics.

Every check is a function ``(project) -> Iterable[Diagnostic]``; CHECKS lists them
in the order their findings read best.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable

from site_builder.diagnostics import Diagnostic, sort_key
from site_builder.model import Project
from site_builder.validate import (
    clues,
    evaluation,
    feedback,
    ledger_rules,
    measures,
    names,
    outputs,
    plan_reviews,
    references,
    sensitive,
    signer_keys,
)
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
    signer_keys.signer_keys,
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
    feedback.feedback_lists,
    feedback.answers,
    measures.time_limits,
    measures.postponements,
    measures.authority,
    plan_reviews.plan_reviews,
    clues.clues,
    evaluation.rubrics,
    evaluation.evaluations,
    evaluation.bulletins,
    names.names_in_free_text,
    supervision_rules.supervision_records,
]


def validate(project: Project) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    # The checks make no garbage cycles; the cycle collector would walk the loaded records
    # (a million objects at 2,000 units) again and again. Back on, as it was, at the end.
    enabled = gc.isenabled()
    gc.disable()
    try:
        for check in CHECKS:
            found.extend(check(project))
    finally:
        if enabled:
            gc.enable()
    return sorted(found, key=sort_key)
