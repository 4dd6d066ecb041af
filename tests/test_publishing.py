"""No shipped workflow publishes a non-public site to a public host; bad ones are refused."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from site_builder.workflows import check_workflows

from conftest import ROOT

SETUP = """
              - uses: actions/checkout@v5
              - run: pip install rectify-ledger"""


def workflow_repo(tmp_path: Path, text: str, folder: str = ".github/workflows") -> Path:
    path = tmp_path / folder / "publish.yml"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return tmp_path


def codes(root: Path) -> list[str]:
    return [d.code for d in check_workflows(root)]


def test_shipped_workflows_publish_only_the_public_site_publicly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "check-workflows", "--root", str(ROOT)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # The check did look at a public target: the manual public workflow uses Pages.
    public = (ROOT / ".github/workflows/publish-public.yml").read_text(encoding="utf-8")
    assert "actions/deploy-pages" in public and "--audience public" in public
    internal = (ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    assert "pages" not in internal.lower().replace("pages 等公网", "")
    assert "rsync" in internal and "secrets.DEPLOY_SSH_KEY" in internal


BAD = {
    "pages job after an internal build": f"""
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:{SETUP}
              - run: rectify build
              - uses: actions/upload-pages-artifact@v4
                with: {{path: build/site}}
          deploy:
            needs: build
            runs-on: ubuntu-latest
            environment: {{name: github-pages}}
            steps:
              - uses: actions/deploy-pages@v5
    """,
    "gh-pages push of a unit site": f"""
        on: push
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:{SETUP}
              - run: |
                  rectify build --audience unit:wcjd \\
                    --out out
                  cd out/site && git init && git add -A && git commit -m site
                  git push -f origin HEAD:gh-pages
    """,
    "audience from a variable": f"""
        on: workflow_dispatch
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:{SETUP}
              - run: python -m site_builder build --audience "$AUDIENCE"
              - uses: peaceiris/actions-gh-pages@v4
                with: {{publish_dir: build/site}}
    """,
    "public and internal builds in one job": f"""
        on: push
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:{SETUP}
              - run: rectify build --audience=public --out pub && rectify build --out all
              - run: mkdocs gh-deploy --force
    """,
    "no visible build": """
        on: push
        jobs:
          publish:
            runs-on: ubuntu-latest
            steps:
              - run: make site
              - uses: JamesIves/github-pages-deploy-action@v4
                with: {folder: build/site}
    """,
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_public_target_fed_a_non_public_site_is_refused(tmp_path: Path, name: str) -> None:
    folder = ".forgejo/workflows" if "unit" in name else ".github/workflows"
    root = workflow_repo(tmp_path, BAD[name], folder)
    found = check_workflows(root)
    assert found and {d.code for d in found} == {"C003"}, found
    assert found[0].file.endswith("publish.yml") and found[0].line > 1


def test_public_build_to_pages_and_internal_rsync_pass(tmp_path: Path) -> None:
    root = workflow_repo(tmp_path, f"""
        on: push
        jobs:
          internal:
            runs-on: ubuntu-latest
            steps:{SETUP}
              - run: rectify build
              - run: rsync -a build/site/ deploy@intranet:/srv/rectify/
          public:
            runs-on: ubuntu-latest
            steps:{SETUP}
              - run: rectify build --audience public --out pub
              - uses: actions/upload-pages-artifact@v4
                with: {{path: pub/site}}
          pages:
            needs: public
            runs-on: ubuntu-latest
            environment: github-pages
            steps:
              - uses: actions/deploy-pages@v5
    """)  # fmt: skip
    assert codes(root) == []
    # The same workflow with the pages job fed by the internal build is refused.
    text = (root / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    (root / ".github/workflows/publish.yml").write_text(
        text.replace("needs: public", "needs: [public, internal]"), encoding="utf-8"
    )
    assert codes(root) == ["C003"]
