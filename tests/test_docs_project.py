"""The files a user expects around the code: CLI version and help, license, changelog, docs
sources that match the package, and an sdist that carries what its tests need."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import retrograd
from retrograd.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _project() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"retrograd {retrograd.__version__}"


def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: retrograd")
    for command in ("tour", "run", "demo", "--version"):
        assert command in out


def test_version_is_the_package_metadata_version() -> None:
    project = _project()
    assert project["version"] == retrograd.__version__


def test_license_is_the_one_pyproject_names() -> None:
    project = _project()
    assert project["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
    assert {"Homepage", "Documentation", "Source", "Changelog"} <= set(project["urls"])


def test_changelog_lists_the_current_version() -> None:
    assert re.search(rf"^## {re.escape(retrograd.__version__)}\b", (ROOT / "CHANGELOG.md").read_text(), re.M)


def test_contributing_says_how_to_add_an_op() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for piece in ("The rule row", "The test-table case", "Its docs", "python -m retrograd.ops.rules", "OpCase"):
        assert piece in text


def test_every_nn_layer_family_has_a_section_in_the_reference() -> None:
    """New files in nn/modules must be added to docs/reference/nn.md, or their layers go undocumented."""
    page = (DOCS / "reference" / "nn.md").read_text()
    # (nn/modules/utils.py holds PyTorch's private size helpers, _pair and the like: no layers)
    files = (ROOT / "src/retrograd/nn/modules").glob("*.py")
    families = sorted(p.stem for p in files if not p.stem.startswith("_") and p.stem != "utils")
    directive = "<!-- api-reference retrograd.nn module=retrograd.nn.modules.{} -->"
    missing = [f for f in families if directive.format(f) not in page]
    assert not missing, f"add these nn.modules families to docs/reference/nn.md: {missing}"


def test_every_page_in_docs_is_in_the_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    pages = sorted(
        str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md") if not p.relative_to(DOCS).parts[0].startswith("_")
    )
    assert not [p for p in pages if p not in nav]


def test_graph_pictures_fall_back_to_dot_text_without_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorials' graphs must build on a machine without Graphviz: they show the DOT text."""
    sys.path.insert(0, str(DOCS / "_code"))
    try:
        import docs_support
    finally:
        sys.path.remove(str(DOCS / "_code"))
    from retrograd.viz import make_dot

    x = retrograd.tensor(2.0, requires_grad=True)
    dot = make_dot(x * x, params={"x": x})
    monkeypatch.setattr(docs_support.shutil, "which", lambda name: None)
    html = docs_support.show_graph(dot)
    assert "Graphviz was not installed" in html and "MulBackward0" in html and "<svg" not in html
    monkeypatch.undo()
    if shutil.which("dot"):
        html = docs_support.show_graph(dot, "caption")
        assert html.startswith('<figure class="retrograd-figure"><svg') and "<figcaption>caption" in html


@pytest.mark.skipif(importlib.util.find_spec("setuptools") is None, reason="setuptools is not installed")
def test_sdist_carries_what_its_tests_and_docs_need(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-c", f"from setuptools import build_meta; print(build_meta.build_sdist({str(tmp_path)!r}))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    name = build.stdout.strip().splitlines()[-1]
    with tarfile.open(tmp_path / name) as sdist:
        members = {m.split("/", 1)[1] for m in sdist.getnames() if "/" in m}
    wanted = ["LICENSE", "README.md", "CHANGELOG.md", "CONTRIBUTING.md", "Makefile", "mkdocs.yml", "pyproject.toml"]
    for folder in ("tests", "tools", "docs", "benchmarks"):
        wanted += [str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*") if p.is_file() and _tracked(p)]
    missing = [w for w in wanted if w not in members]
    assert not missing, f"the sdist lacks {missing[:10]}"
    assert not [m for m in members if m.startswith(("site/", ".venv/")) or "__pycache__" in m]


def _tracked(path: Path) -> bool:
    """Files the checkout's own tools make (caches, bytecode) are not source."""
    parts = path.relative_to(ROOT).parts
    return not any(p in ("__pycache__", ".pytest_cache", ".hypothesis") or p.endswith(".pyc") for p in parts)
