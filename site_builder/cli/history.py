"""Printing for the audit-trail commands: log, history, check-change, signoff."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from site_builder import pipeline
from site_builder.cli.output import print_diagnostics
from site_builder.diagnostics import has_errors
from site_builder.history import Event, read_history
from site_builder.history.change import check_change
from site_builder.history.git import GitError
from site_builder.history.merge import SignoffRefused, signoff
from site_builder.model.wording import change_text


def _event_line(e: Event) -> str:
    approval = e.signoff.label + (f"：{e.signoff.approver}" if e.signoff.approver else "")
    if e.signoff.reason:
        approval += f"（{e.signoff.reason}）"
    return (
        f"{e.date.date()}  {e.item:<22} {change_text(e.kind, e.item, e.old, e.new, e.days)}\n"
        f"            {e.commit[:10]} {e.author} <{e.author_email}>「{e.subject}」 审批：{approval}"
    )


def print_log(root: Path, item: str, as_json: bool) -> int:
    history, diagnostics = read_history(root)
    events = history.for_item(item.strip("/"))
    if as_json:
        print(json.dumps([e.as_dict() for e in events], ensure_ascii=False, indent=2))
    else:
        if diagnostics:
            print_diagnostics(diagnostics)
        if not events:
            print(
                f"没有找到“{item}”的修改记录。事项编号写作 轮次/单位/问题[/措施]，如 r1/wcjd/P01。",
                file=sys.stderr,
            )
        for event in events:
            print(_event_line(event))
    return 0 if events else 1


def print_history(root: Path, as_json: bool) -> int:
    history, diagnostics = read_history(root)
    if as_json:
        print(
            json.dumps(
                {
                    "head": history.head,
                    "shallow": history.shallow,
                    "available": history.available,
                    "events": [e.as_dict() for e in history.events],
                    "diagnostics": [d.as_dict() for d in diagnostics],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print_diagnostics(diagnostics)
        for event in history.events:
            print(_event_line(event))
    return 0


def print_check_change(root: Path, spec: str, fmt: str) -> int:
    try:
        report = check_change(root, spec)
    except GitError as exc:
        print(f"无法检查：{exc}", file=sys.stderr)
        return 2
    if fmt == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif fmt == "github":
        print_diagnostics(report.diagnostics, "github")
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as handle:
                handle.write(report.markdown)
        else:
            print(report.markdown)
    else:
        print(report.markdown)
        print_diagnostics(report.diagnostics)
    return 1 if has_errors(report.diagnostics) else 0


def run_signoff(root: Path, branch: str, who: str, key: str | None, message: str | None) -> int:
    project, diagnostics = pipeline.check_project(root)
    try:
        result = signoff(root, branch, project.signers, who, key, message)
    except (SignoffRefused, GitError) as exc:
        print(f"未签核：{exc}", file=sys.stderr)
        return 1
    signed = "，已签名" if result.signed else "，未签名"
    print(
        f"已签核合并 {branch} → {result.commit[:10]}（单位：{'、'.join(result.units) or '无'}{signed}）"
    )
    return 0
