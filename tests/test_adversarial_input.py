"""Any input gets diagnostics, never an exception: property-based tests with hypothesis.

The loader and the validator are fed arbitrary bytes, arbitrary text, arbitrary YAML
structures and randomly mutated copies of the sample district (``ledgers/`` and
``rounds/`` at the repository root), as every file kind. Crafted files (alias bombs,
oversize files, node floods, deep nesting) are refused within a stated time and
memory. Dangerous ids and file names cannot make the build write outside its folder.

Runtime is kept modest with the ``adversarial`` profile; ``RECTIFY_FUZZ=thorough``
runs twenty times as many examples. Examples are derandomised, so a run is
repeatable and the figures it records (``security_figures``) are stable.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import security_figures
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.analyse import analyse
from site_builder.diagnostics import CATALOGUE, Diagnostic, Severity
from site_builder.load.dump import dump_yaml
from site_builder.load.project import load_case, load_yaml_file
from site_builder.load.yaml_strict import MAX_BYTES, MAX_NODES, parse_yaml
from site_builder.model import Ledger, Round
from site_builder.model.district import Catalogue, Registry, SelfChecks, Settings, Signers
from site_builder.model.labels import FIELD_LABELS
from site_builder.model.types import ID_PATTERN
from site_builder.pipeline import build, check_project
from site_builder.render import render_docs
from site_builder.render.views import build_site_data

from conftest import BASE_FILES, ROOT, write_files

settings.register_profile(
    "adversarial",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "adversarial-thorough", settings.get_profile("adversarial"), max_examples=1200
)
PROFILE = settings.get_profile(
    "adversarial-thorough" if os.environ.get("RECTIFY_FUZZ") == "thorough" else "adversarial"
)

# Every file kind, at the path the loader reads it from, with the record it becomes.
KINDS: dict[str, tuple[str, type | None]] = {
    "ledger": ("ledgers/r1/wcjd.yml", Ledger),
    "round": ("rounds/r1.yml", Round),
    "units": ("rounds/units.yml", Registry),
    "settings": ("rounds/settings.yml", Settings),
    "common_problems": ("rounds/common_problems.yml", Catalogue),
    "self_checks": ("rounds/self_checks.yml", SelfChecks),
    "signers": ("rounds/signers.yml", Signers),
    "case": ("rounds/cases/2017-01-wcjd-subsidy.md", None),
}
SAMPLE_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [*(ROOT / "ledgers").rglob("*.yml"), *(ROOT / "rounds").rglob("*")]
    if p.is_file()
)


# --- The district under test: a copy of the sample, small enough to load in ~30 ms ------


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's rounds/ (all of it) and one ledger per round."""
    root = tmp_path_factory.mktemp("adversarial") / "repo"
    shutil.copytree(ROOT / "rounds", root / "rounds")
    for folder in sorted((ROOT / "ledgers").iterdir()):
        first = sorted(folder.glob("*.yml"))[0]
        (root / "ledgers" / folder.name).mkdir(parents=True)
        shutil.copy(first, root / "ledgers" / folder.name / first.name)
    shutil.copy(ROOT / "ledgers/r1/wcjd.yml", root / "ledgers/r1/wcjd.yml")
    return root


class Tally:
    """Inputs tried and failures (exceptions or silent refusals) found by one test."""

    def __init__(self, figure: str) -> None:
        self.figure = figure
        self.tried = 0
        self.failed = 0

    def run(self, check: Callable[[], None]) -> None:
        self.tried += 1
        try:
            check()
        except BaseException:
            self.failed += 1
            raise

    def save(self) -> None:
        security_figures.add(**{self.figure.replace(".", "__"): self.tried})
        security_figures.add(input__crashes=self.failed)


def _line_count(path: Path) -> int:
    """Lines of a file by any break YAML knows (\\n, \\r, NEL, LS, PS), generously."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    return max(len(text.splitlines()), raw.count(b"\n"), raw.count(b"\r")) + 1


def assert_sound(found: list[Diagnostic], root: Path) -> None:
    """Every diagnostic is a catalogue entry with a message and a place inside the repo.

    The place is real: a diagnostic on a file names a line that file has, and its
    severity is the catalogue's (a warning cannot hide an error that stops the build).
    """
    for d in found:
        assert d.code in CATALOGUE, d
        assert d.severity is Severity(CATALOGUE[d.code].severity), d
        assert d.message and "Source(" not in d.message, d.message  # no Python reprs
        assert not d.file.startswith("/") and ".." not in Path(d.file).parts, d.file
        assert d.line >= 0 and d.col >= 0
        path = root / d.file
        if d.line and d.file and path.is_file() and not path.is_symlink():
            assert d.line <= _line_count(path), (d.as_text(), _line_count(path))


def load_one(root: Path, rel: str, model: type | None):
    """Load one file as its kind; a file that gives no record must say why."""
    path = root / rel
    if model is None:
        record, found = load_case(root, path)
    else:
        record, found = load_yaml_file(root, path, model)
    assert_sound(found, root)
    if record is None:
        errors = [d for d in found if d.severity is Severity.ERROR and d.file == rel]
        assert errors, f"{rel} gave no record and no error: {[d.as_text() for d in found]}"
    return record


def check_whole(root: Path) -> None:
    """Load and validate the whole district: diagnostics, never an exception."""
    project, found = check_project(root)
    assert_sound(found, root)
    for ledger in project.ledgers:
        for value in (ledger.round, ledger.unit, *(p.id for p in ledger.problems)):
            assert ID_PATTERN.match(value), value


def swap_in(root: Path, rel: str, content: bytes) -> Callable[[], None]:
    """Write ``content`` at ``rel``; return how to put the original back."""
    path = root / rel
    original = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)

    def restore() -> None:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)

    return restore


def feed(root: Path, kind: str, content: bytes) -> None:
    rel, model = KINDS[kind]
    restore = swap_in(root, rel, content)
    try:
        load_one(root, rel, model)
        check_whole(root)
    finally:
        restore()


# --- Arbitrary bytes, text and structures -----------------------------------------------


def test_arbitrary_bytes_as_every_file_kind(sample_copy: Path) -> None:
    tally = Tally("input.bytes")

    @PROFILE
    @given(kind=st.sampled_from(sorted(KINDS)), content=st.binary(max_size=600))
    def run(kind: str, content: bytes) -> None:
        tally.run(lambda: feed(sample_copy, kind, content))

    try:
        run()
    finally:
        tally.save()


YAML_ALPHABET = st.characters(codec="utf-8") | st.sampled_from(list(":-?[]{},&*!|>'\"%@`#\n\t ~"))


def test_arbitrary_text_as_yaml(sample_copy: Path) -> None:
    tally = Tally("input.text")

    @PROFILE
    @given(
        kind=st.sampled_from(sorted(KINDS)),
        text=st.text(alphabet=YAML_ALPHABET, max_size=300),
        bom=st.booleans(),
    )
    def run(kind: str, text: str, bom: bool) -> None:
        raw = ("\ufeff" if bom else "") + text
        if kind == "case":
            raw = "---\n" + raw + "\n---\n" + text
        tally.run(lambda: feed(sample_copy, kind, raw.encode("utf-8", "surrogatepass")))

    try:
        run()
    finally:
        tally.save()


# Values the schema converts: dates (real and impossible), ids, codes, numbers, nulls.
TRICKY_VALUES = [
    "r1", "wcjd", "P01", "M1", "GX01", "2017-07-05", "2017-02-30", "2017-7-5", "9999-12-31",
    "0001-01-01", "done", "closed", "open", "in_progress", "withdrawn", "feedback", "common",
    "leadership", "direct", "discipline", "street", "found", "1", "4", "5", "0", "-1",
    "99999999999999999999", "1e400", "NaN", "true", "no", "", "~", "null", "*", "../../etc",
    "CON", "<script>", "{x}",
]  # fmt: skip
FIELDS = sorted(FIELD_LABELS) + ["__src__", "id", "body"]
VALUES = st.text(max_size=24) | st.sampled_from(TRICKY_VALUES)
KEYS = st.sampled_from(FIELDS) | st.text(min_size=1, max_size=8)
TREES = st.recursive(
    VALUES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=40,
)


def test_arbitrary_structures_as_every_file_kind(sample_copy: Path) -> None:
    """Well-formed YAML with real field names in any arrangement reaches the schema."""
    tally = Tally("input.structures")

    @PROFILE
    @given(kind=st.sampled_from(sorted(KINDS)), tree=st.dictionaries(KEYS, TREES, max_size=8))
    def run(kind: str, tree: dict) -> None:
        text = dump_yaml(tree)
        if kind == "case":
            text = "---\n" + text + "---\n正文\n"
        tally.run(lambda: feed(sample_copy, kind, text.encode("utf-8", "surrogatepass")))

    try:
        run()
    finally:
        tally.save()


# --- Mutated copies of the sample district ----------------------------------------------


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True) or [b""]


@st.composite
def mutated(draw: st.DrawFn, raw: bytes) -> bytes:
    """One to four edits of the kinds a careless or hostile editor makes."""
    for _ in range(draw(st.integers(1, 4))):
        lines = _lines(raw)
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        op = draw(
            st.sampled_from(
                ["delete-bytes", "insert-bytes", "delete-line", "duplicate-line", "swap-lines",
                 "indent", "dedent", "tab", "value", "key", "truncate", "crlf"]
            )
        )  # fmt: skip
        if op in ("delete-bytes", "insert-bytes", "truncate"):
            at = draw(st.integers(0, len(raw)))
            if op == "delete-bytes":
                raw = raw[:at] + raw[at + draw(st.integers(1, 40)) :]
            elif op == "insert-bytes":
                raw = raw[:at] + draw(st.binary(min_size=1, max_size=12)) + raw[at:]
            else:
                raw = raw[:at]
            continue
        if op == "delete-line":
            del lines[i]
        elif op == "duplicate-line":
            lines.insert(i, lines[i])
        elif op == "swap-lines":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = b"  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith(b"  ") else lines[i]
        elif op == "tab":
            lines[i] = b"\t" + lines[i].lstrip(b" ")
        elif op == "crlf":
            lines = [line.replace(b"\n", b"\r\n") for line in lines]
        else:  # replace the value or the key of a `key: value` line
            key, sep, value = lines[i].partition(b": ")
            new = draw(VALUES | st.sampled_from(["&a x", "*a", "!!python/object:os.system", "|", ">", "[", "{"]))  # fmt: skip
            encoded = new.encode("utf-8", "surrogatepass").replace(b"\n", b" ")
            if sep and op == "value":
                lines[i] = key + sep + encoded + b"\n"
            elif sep:
                indent = key[: len(key) - len(key.lstrip(b" -"))]
                lines[i] = indent + encoded + sep + value
        raw = b"".join(lines)
    return raw


def test_mutated_sample_files(sample_copy: Path) -> None:
    tally = Tally("input.mutations")
    own = [f for f in SAMPLE_FILES if f.startswith("rounds/") or f.startswith("ledgers/r1/")]

    @PROFILE
    @given(data=st.data(), rel=st.sampled_from(own))
    def run(data: st.DataObject, rel: str) -> None:
        content = data.draw(mutated((ROOT / rel).read_bytes()))
        # The ledger is checked at its own path, where the validator knows its round.
        target = rel if not rel.startswith("ledgers/") else "ledgers/r1/wcjd.yml"
        restore = swap_in(sample_copy, target, content)
        try:
            tally.run(lambda: _load_mutated(sample_copy, target))
        finally:
            restore()

    try:
        run()
    finally:
        tally.save()


def _load_mutated(root: Path, rel: str) -> None:
    kind = next((k for k, (path, _) in KINDS.items() if path == rel), None)
    if kind is not None:
        load_one(root, rel, KINDS[kind][1])
    elif rel.startswith("rounds/cases/"):
        load_one(root, rel, None)
    elif rel.startswith("rounds/") and rel.count("/") == 1:
        load_one(root, rel, Round)
    check_whole(root)


# --- Ids and file names: nothing is written outside the build folder --------------------

NASTY_NAMES = [
    "../escape", "..", ".", "a/b", "a\\b", "/etc/passwd", "CON", "nul", "Aux", "COM1", "lpt9",
    "a\x00b", "a\nb", "\x1b[31m", " wcjd", "-rf", "_x", "x" * 33, "%2e%2e%2f", "\u202ewcjd",
    "ｗｃｊｄ", "wcjd.md", "index", "assets", "search", "sitemap", "..%2F..%2Fetc",
]  # fmt: skip
NAMES = st.sampled_from(NASTY_NAMES) | st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(list("./\\-_" + string.ascii_letters)),
    min_size=1,
    max_size=40,
)


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _district_with_ids(unit: str, round_: str, problem: str) -> dict[str, str]:
    files = dict(BASE_FILES)
    files["rounds/units.yml"] = files["rounds/units.yml"].replace(
        "id: wcjd", f"id: {_quoted(unit)}"
    )
    files["rounds/units.yml"] = files["rounds/units.yml"].replace("[r1]", f"[{_quoted(round_)}]")
    files["rounds/r1.yml"] = (
        files["rounds/r1.yml"]
        .replace("id: r1", f"id: {_quoted(round_)}")
        .replace("unit: wcjd", f"unit: {_quoted(unit)}")
    )
    files["ledgers/r1/wcjd.yml"] = (
        files["ledgers/r1/wcjd.yml"]
        .replace("round: r1", f"round: {_quoted(round_)}")
        .replace("unit: wcjd", f"unit: {_quoted(unit)}")
        .replace("id: P01", f"id: {_quoted(problem)}")
    )
    return files


def _files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def render_into(root: Path, out: Path) -> list[str]:
    """Load, validate and render the docs tree (no site engine); the pages written."""
    project, found = check_project(root)
    site = build_site_data(project, analyse(project, None, date(2017, 12, 1)), found)
    return render_docs(site, out / "docs").pages


def test_ids_from_any_text_stay_inside_the_build_folder(tmp_path_factory) -> None:
    tally = Tally("input.ids")
    base = tmp_path_factory.mktemp("ids")

    @PROFILE
    @given(unit=NAMES, round_=NAMES, problem=NAMES)
    def run(unit: str, round_: str, problem: str) -> None:
        def check() -> None:
            work = base / "work"
            shutil.rmtree(work, ignore_errors=True)
            root = write_files(work / "repo", _district_with_ids(unit, round_, problem))
            before = _files_under(work)
            project, found = check_project(root)
            assert_sound(found, root)
            for value, name in ((unit, "unit"), (round_, "round"), (problem, "problem")):
                if not ID_PATTERN.match(value.strip()):
                    # A control character refuses the whole file (Y014) before its ids are read.
                    expected = ("S006", "Y001", "Y005", "Y014", "Y015")
                    assert any(d.code in expected for d in found), (name, value)
            pages = render_into(root, work / "out")
            assert len(pages) == len(set(pages)), "two pages share one path"
            written = _files_under(work) - before
            assert all(p.is_relative_to(work / "out") for p in written), written

        tally.run(check)

    try:
        run()
    finally:
        tally.save()


DANGEROUS_FILE_NAMES = [
    "..yml", "...yml", "CON.yml", "nul.yml", "a\nb.yml", "a\tb.yml", "\x1b[31mred.yml",
    "-rf.yml", " .yml", "\u202elmy.exe", "%2e%2e%2fescape.yml", "index.yml", "x" * 200 + ".yml",
]  # fmt: skip
DANGEROUS_CASE_NAMES = ["index.md", "CON.md", "..md", "a b.md", "\u202edm.exe.md", "\x07bell.md"]


def test_dangerous_file_names_build_inside_the_build_folder(make_repo, tmp_path) -> None:
    """A real site build over real files with hostile names writes only into out/."""
    case = "---\ntitle: 标题\nunit: wcjd\ndate: 2018-03-01\ncategory: work_style\nform: 1\nlesson: 警示。\n---\n正文\n"
    files: dict[str, str] = {
        f"ledgers/r1/{name}": BASE_FILES["ledgers/r1/wcjd.yml"] for name in DANGEROUS_FILE_NAMES
    }
    files.update({f"rounds/cases/{name}": case for name in DANGEROUS_CASE_NAMES})
    files["ledgers/r1/sub/deeper.yml"] = BASE_FILES["ledgers/r1/wcjd.yml"]
    root = make_repo(files)
    before = _files_under(tmp_path)
    result = build(root, tmp_path / "out", as_of=date(2017, 12, 1), keep_going=True)
    assert result.site_dir == tmp_path / "out" / "site"
    written = _files_under(tmp_path) - before
    outside = [p for p in written if not p.is_relative_to(tmp_path / "out")]
    security_figures.record(input__names_outside=len(outside))
    assert outside == []
    found = {(d.code, d.file) for d in result.diagnostics}
    for name in DANGEROUS_FILE_NAMES:  # wcjd.yml's content at another path: never loaded as is
        rel = f"ledgers/r1/{name}"
        codes = {code for code, file in found if file == rel}
        if name.startswith("."):  # hidden files are never data
            assert all(ledger.src.file != rel for ledger in result.project.ledgers)
            continue
        assert codes & ({"R005", "R004"} if name.endswith(".yml") else {"Y011"}), (rel, codes)
    assert ("Y011", "ledgers/r1/sub/deeper.yml") in found
    for name in DANGEROUS_CASE_NAMES:  # `index` is a valid id, but the case list's file
        if name.startswith("."):
            assert all(case.src.file != f"rounds/cases/{name}" for case in result.project.cases)
            continue
        code = "R012" if name == "index.md" else "S006"
        assert (code, f"rounds/cases/{name}") in found, name
    case_list = (result.site_dir / "cases/index.html").read_text(encoding="utf-8")
    assert "可按年份、四种形态和问题类别筛选" in case_list  # the list, not a case over it


def test_symbolic_links_out_of_the_repository_are_refused(make_repo, tmp_path) -> None:
    outside = tmp_path / "outside"
    (outside / "r1").mkdir(parents=True)
    secret = "round: r1\nunit: wcjd\nplan:\n  objective: 机密内容不应被读取\n"
    (outside / "r1" / "wcjd.yml").write_text(secret, encoding="utf-8")
    (outside / "settings.yml").write_text("district: 机密区\n", encoding="utf-8")
    cases = [
        ("ledgers/r1/wcjd.yml", outside / "r1" / "wcjd.yml"),  # a ledger file
        ("ledgers/r1", outside / "r1"),  # a round folder
        ("ledgers", outside),  # the whole ledgers folder
        ("rounds/settings.yml", outside / "settings.yml"),  # a fixed-name file
        ("rounds/cases", outside),  # the cases folder
    ]
    refused = 0
    for link, target in cases:
        root = (
            make_repo({"ledgers/r1/wcjd.yml": None}) if link.startswith("ledgers") else make_repo()
        )
        path = root / link
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        project, found = check_project(root)
        assert ("Y012", link) in {(d.code, d.file) for d in found}, (link, found)
        assert all("机密" not in (led.plan.objective or "") for led in project.ledgers)
        assert project.settings.district != "机密区"
        refused += 1
        shutil.rmtree(root)
    security_figures.add(input__links_refused=refused)


def test_linked_guide_pages_are_not_published(make_repo, tmp_path) -> None:
    """docs/guide/ is copied into the site: a link there must not publish a file it names."""
    secret = tmp_path / "secret.md"
    secret.write_text("# 机密\n\n服务器上的文件内容\n", encoding="utf-8")
    root = make_repo({"docs/guide/ok.md": "# 使用说明\n\n正文\n"})
    (root / "docs/guide/leak.md").symlink_to(secret)
    project, found = check_project(root)
    site = build_site_data(
        project, analyse(project, None, date(2017, 12, 1)), found, guides_dir=root / "docs/guide"
    )
    assert [g.name for g in site.guides] == ["ok.md"]
    security_figures.add(input__links_refused=1)


# --- Crafted files: refused quickly, in bounded memory, with a stated limit -------------


def _billion_laughs() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


def _merge_key_bomb() -> bytes:
    lines = ["b0: &b0 {x: lol, y: lol}"]
    lines += [f"b{i}: &b{i} {{<<: [*b{i - 1}, *b{i - 1}], k{i}: v}}" for i in range(1, 30)]
    return ("\n".join(lines) + "\n").encode()


BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    # name: (content, the code that refuses it)
    "billion-laughs": (_billion_laughs, "Y007"),
    "merge-key-bomb": (_merge_key_bomb, "Y007"),
    "one-string-many-aliases": (
        lambda: b"a: &a " + b"x" * 100_000 + b"\nb: [" + b"*a," * 100_000 + b"*a]\n",
        "Y007",
    ),
    "node-flood-list": (lambda: b"k: [" + b"x," * (MAX_NODES + 1) + b"x]\n", "Y013"),
    "node-flood-mapping": (lambda: b"k: {" + b"a," * (MAX_NODES + 1) + b"a}\n", "Y013"),
    "node-flood-block": (
        lambda: b"".join(b"k%d: v\n" % i for i in range(MAX_NODES // 2 + 1)),
        "Y013",
    ),
    "deep-nesting": (lambda: b"[" * 100_000 + b"]" * 100_000, "Y001"),
    "deep-mappings": (lambda: b"{a: " * 5_000 + b"b" + b"}" * 5_000, "Y001"),
    "python-object-tag": (lambda: b"round: !!python/object/apply:os.system [id]\n", "Y010"),
}
PEAK_LIMIT = 64 * 1024 * 1024
# Time is the process's CPU time, not the wall clock: other work on the machine (a
# parallel test run) stretches the wall clock but not the work done. The budget is
# relative to the parser's own speed, measured in the same test: refusing a crafted
# file may cost at most twice reading the largest file the parser accepts
# (MAX_NODES nodes). Linear work stays well inside; a quadratic or exponential
# blow-up (an alias expanded, a node count rescanned) does not.
CPU_FACTOR = 2.0
CPU_FLOOR = 0.25  # seconds: below this, timer granularity and start-up costs dominate


@dataclass(frozen=True)
class Cost:
    wall: float  # seconds on the wall clock: what a user waits, reported on the page
    cpu: float  # seconds of CPU time of this process: what the limit is on
    peak: int  # bytes allocated at the peak, by tracemalloc


def _measure(action: Callable[[], object]) -> tuple[object, Cost]:
    tracemalloc.start()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        value = action()
        cost = Cost(
            time.perf_counter() - wall,
            time.process_time() - cpu,
            tracemalloc.get_traced_memory()[1],
        )
    finally:
        tracemalloc.stop()
    return value, cost


def cpu_per_node() -> float:
    """CPU seconds the strict parser spends per node of a plain file, measured now."""
    lines = 5_000
    raw = b"".join(b"k%06d: v\n" % i for i in range(lines))
    best = min(_measure(lambda: parse_yaml(raw, "baseline.yml"))[1].cpu for _ in range(2))
    return best / (2 * lines)


def cpu_budget() -> float:
    """What refusing one crafted file may cost on this machine, in CPU seconds."""
    return max(CPU_FLOOR, CPU_FACTOR * cpu_per_node() * MAX_NODES)


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_crafted_files_are_refused_quickly_in_bounded_memory(make_repo, name: str) -> None:
    make_content, code = BOMBS[name]
    content = make_content()
    root = make_repo({"ledgers/r1/wcjd.yml": content})
    budget = cpu_budget()
    (record, found), cost = _measure(
        lambda: load_yaml_file(root, root / "ledgers/r1/wcjd.yml", Ledger)
    )
    security_figures.add(input__bombs=1)
    assert record is None and code in [d.code for d in found], [d.as_text() for d in found]
    assert cost.cpu < budget, f"{name}: {cost.cpu:.2f} s of CPU, budget {budget:.2f} s"
    assert cost.peak < PEAK_LIMIT, f"{name}: {cost.peak / 2**20:.1f} MB"
    security_figures.add(input__bombs_refused=1)
    security_figures.maximum(
        input__bomb_seconds=round(cost.wall, 2), input__bomb_peak_mb=round(cost.peak / 2**20, 1)
    )


def test_oversize_file_is_refused_without_reading_it(make_repo) -> None:
    root = make_repo()
    path = root / "ledgers/r1/wcjd.yml"
    with path.open("r+b") as handle:  # sparse: 256 MB on paper, nothing on disk
        handle.truncate(256 * 1024 * 1024)
    (_, found), cost = _measure(lambda: load_yaml_file(root, path, Ledger))
    security_figures.add(input__bombs=1)
    assert [d.code for d in found] == ["Y008"]
    assert (
        f"上限 {MAX_BYTES} 字节" in found[0].message and str(256 * 1024 * 1024) in found[0].message
    )
    # Not reading it: a small fixed cost, whatever the size on paper.
    assert cost.cpu < CPU_FLOOR and cost.peak < MAX_BYTES + 2 * 1024 * 1024, cost
    security_figures.add(input__bombs_refused=1)
    security_figures.maximum(
        input__bomb_seconds=round(cost.wall, 2), input__bomb_peak_mb=round(cost.peak / 2**20, 1)
    )


def test_largest_accepted_file_stays_within_bounds() -> None:
    """Just under both limits, a file is read: the cost of the worst accepted input.

    Its cost per node stays within four times that of a file fifty times smaller
    (linear, with room for the garbage collector); a quadratic reader would not.
    """
    per_line = b"k%06d: v\n"
    lines = min(MAX_NODES // 2 - 10, MAX_BYTES // len(per_line % 0))
    raw = b"".join(per_line % i for i in range(lines))
    small = cpu_per_node()
    parsed, cost = _measure(lambda: parse_yaml(raw, "big.yml"))
    assert parsed.diagnostics == [] and len(parsed.data) == lines + 1
    per_node = cost.cpu / (2 * lines)
    assert per_node < 4 * small, f"{per_node * 1e6:.1f} µs a node, {small * 1e6:.1f} µs small"
    assert cost.peak < 4 * PEAK_LIMIT, cost.peak / 2**20


def test_control_characters_in_file_names_are_escaped_in_reports(make_repo) -> None:
    """A file name cannot forge terminal output or a CI workflow command."""
    root = make_repo({"ledgers/r1/x\n::error file=y::forged.yml": "round: [\n"})
    found = [d for d in check_project(root)[1] if "forged" in d.file]
    assert found
    for d in found:
        assert "\n" not in d.as_text()
        github = d.as_github()
        assert "\n" not in github and github.count("::") == 2, github
    assert re.search(r"\\n", found[0].as_text())
