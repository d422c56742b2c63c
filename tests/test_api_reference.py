"""The API reference (docs/reference/*.md, expanded by tools/api_reference.py during the docs
build) shows every public name with its runtime docstring, and the docstrings read well as Markdown."""

from __future__ import annotations

import html
import importlib.util
import inspect
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]  # neither is a package
import api_reference  # noqa: E402
from docstring_markdown import docstring_to_markdown, escape  # noqa: E402

from test_docstrings import _doc, public_names  # noqa: E402


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return api_reference.pages()


def _entries(pages: dict[str, str]) -> dict[str, str]:
    """{dotted name: the Markdown of its entry, from its heading to the next heading}."""
    entries = {}
    for text in pages.values():
        headings = list(re.finditer(r"^#+ .*\{ #([\w.]+) \}$", text, flags=re.M))
        for heading, following in zip(headings, headings[1:] + [None]):
            end = following.start() if following else len(text)
            entries[heading.group(1)] = text[heading.start() : end]
    return entries


def _summary(dotted: str) -> str:
    return inspect.cleandoc(_doc(dotted)).splitlines()[0].strip()


def test_the_tool_lists_the_same_names_as_the_docstring_tests() -> None:
    assert api_reference.all_public_names() == public_names()


def test_every_public_name_has_an_entry_with_its_summary(pages: dict[str, str]) -> None:
    entries = _entries(pages)
    names = public_names()
    assert len(names) > 1600
    missing = [n for n in names if n not in entries]
    assert not missing, f"{len(missing)} public names have no entry in the reference: {missing[:10]}"
    documented = [n for n in names if _doc(n) != "(data)"]
    assert len(documented) >= 1677
    without = [n for n in documented if escape(_summary(n)) not in entries[n]]
    assert not without, f"entries without their docstring's summary: {without[:10]}"


def test_readers_see_each_summary_as_written(pages: dict[str, str]) -> None:
    """Rendered as the site renders it, each entry's text holds its summary line verbatim (no stray markup)."""
    markdown = pytest.importorskip("markdown")
    md = markdown.Markdown(extensions=["attr_list", "tables", "toc", "admonition"])
    entries = _entries(pages)
    wrong = []
    for name in public_names():
        if _doc(name) == "(data)":
            continue
        rendered = md.reset().convert(entries[name])
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        if _summary(name).replace("`", "") not in " ".join(text.split()):
            wrong.append(name)
    assert not wrong, f"summaries that do not render as written: {wrong[:10]}"


def test_the_nn_page_puts_every_layer_in_a_section(pages: dict[str, str]) -> None:
    assert "## Other names" not in pages["nn.md"], "a new nn module file needs a section in docs/reference/nn.md"


def test_every_area_has_a_page() -> None:
    sources = "\n".join(p.read_text() for p in api_reference.REFERENCE.glob("*.md"))
    areas = {d["area"] for d in api_reference.DIRECTIVE.finditer(sources)}
    assert (
        set(api_reference.AREA_MODULES.values()) | {"retrograd.func", "retrograd.distributed", "retrograd.compiler"}
        <= areas
    )


def test_runtime_docstrings_are_there(pages: dict[str, str]) -> None:
    """Names whose docstrings are made at import time: factory-made functions, shared op texts, legacy classes."""
    entries = _entries(pages)
    import retrograd

    for name, obj in [
        ("retrograd.abs_", retrograd.abs_),
        ("retrograd.Tensor.sum", retrograd.sum),
        ("retrograd.Tensor.float", retrograd.Tensor.float),
        ("retrograd.FloatTensor", retrograd.FloatTensor),
        ("retrograd.special.bessel_j0", retrograd.special.bessel_j0),
    ]:
        assert escape(inspect.cleandoc(obj.__doc__).splitlines()[0]) in entries[name], name
    assert "Tensor.sum(dim=None, keepdim=False" in entries["retrograd.Tensor.sum"]  # no `input`: it is `x`
    assert "class retrograd.nn.Linear(in_features, out_features, bias=True" in entries["retrograd.nn.Linear"]
    assert "property Tensor.shape" in entries["retrograd.Tensor.shape"]
    assert "A value (`dtype`)" in entries["retrograd.float32"]


def test_class_members_follow_their_class(pages: dict[str, str]) -> None:
    entries = _entries(pages)
    assert "retrograd.nn.Module.state_dict" in entries
    assert entries["retrograd.nn.Module.state_dict"].startswith("#### ")  # one level below `### Module`
    assert not any(n.startswith("retrograd.Tensor.") and n.count(".") > 2 for n in entries)


def test_google_sections_become_lists_and_code() -> None:
    doc = """Scaled `x`: x * alpha.

    Works for a {1, 2} set, <T> types and *args; see [a] and _b_.

    Args:
        x (Tensor): the input,
            over two lines.
        *args: more inputs.

    Returns:
        Tensor: `x` times alpha.

    Examples:
        >>> f(2)
        4
    """
    out = docstring_to_markdown(doc)
    assert out.startswith("Scaled `x`: x \\* alpha.\n")
    assert "\\{1, 2\\} set, &lt;T&gt; types and \\*args; see \\[a\\] and \\_b\\_." in out
    assert "- `x` (*Tensor*) – the input, over two lines." in out
    assert "- `*args` – more inputs." in out
    assert "- *Tensor* – `x` times alpha." in out
    assert "```pycon\n>>> f(2)\n4\n```" in out


def test_doctest_lines_in_prose_are_code() -> None:
    out = docstring_to_markdown("A module.\n\n>>> import retrograd\n>>> 1 + 1\n2\n\nMore text.")
    assert "```pycon\n>>> import retrograd\n>>> 1 + 1\n2\n```" in out and out.rstrip().endswith("More text.")


def test_the_docs_build_expands_the_reference_with_the_hook() -> None:
    config = (ROOT / "mkdocs.yml").read_text()
    assert "docs/_code/hooks.py" in config and "mkdocstrings" not in config
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "_code" / "hooks.py")
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)

    class Page:  # what the hook reads of MkDocs' page
        class file:
            src_uri = "reference/fft.md"

    expanded = hooks.on_page_markdown((ROOT / "docs/reference/fft.md").read_text(), page=Page)
    assert "{ #retrograd.fft.rfft }" in expanded and "<!-- api-reference" not in expanded
