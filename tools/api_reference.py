"""The API reference pages, written from the docstrings retrograd has at run time.

Many public names get their docstrings when retrograd is imported (in-place functions and
special functions made by factories, Tensor methods that share their op's text, legacy tensor
classes, re-exports), so the reference is built from the imported package, not from the source.

A page in docs/reference/ is hand-written Markdown (title, intro, section headings) with
directives, each an HTML comment on a line of its own:

    <!-- api-reference-intro retrograd.nn.functional -->
    <!-- api-reference retrograd.nn.functional -->
    <!-- api-reference retrograd.nn module=retrograd.nn.modules.conv -->

The first is the module's docstring. The second stands for every public name of that module: the
names docs/api-coverage.md lists as present (`**Has:**`), or the module's `__all__` for modules
the coverage page does not count (func, compiler, distributed). The third keeps only the names
whose objects are defined in that module (or below it). Names of a page's module that no
`module=` directive took are appended under "Other names". Per name: a heading with the dotted
name as its anchor, the signature, the docstring as Markdown (tools/docstring_markdown.py); for
a class, its own public methods and properties follow one level deeper.

The docs build expands the directives on the fly (docs/_code/hooks.py), so the pages are never
stale. By hand:

    python tools/api_reference.py            # check: every public name is on a page
    python tools/api_reference.py --out DIR  # write the expanded pages to DIR, to read them
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference"
COVERAGE_PAGE = ROOT / "docs" / "api-coverage.md"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from docstring_markdown import docstring_to_markdown  # noqa: E402 - the tools folder is on sys.path now

# docs/api-coverage.md's area titles -> the module (or class) whose names they list
AREA_MODULES = {
    "Top-level functions": "retrograd",
    "Tensor methods": "retrograd.Tensor",
    "nn": "retrograd.nn",
    "nn.functional": "retrograd.nn.functional",
    "nn.init": "retrograd.nn.init",
    "nn.utils": "retrograd.nn.utils",
    "optim": "retrograd.optim",
    "lr_scheduler": "retrograd.optim.lr_scheduler",
    "linalg": "retrograd.linalg",
    "fft": "retrograd.fft",
    "signal.windows": "retrograd.signal.windows",
    "special": "retrograd.special",
    "autograd": "retrograd.autograd",
    "utils.data": "retrograd.utils.data",
    "distributions": "retrograd.distributions",
    "testing": "retrograd.testing",
}
# classes whose members are an area of their own: their entries elsewhere do not repeat them
MEMBERS_ELSEWHERE = {"retrograd.Tensor"}
INTRO = re.compile(r"^<!-- api-reference-intro (?P<module>[\w.]+) -->[ \t]*$", re.M)
DIRECTIVE = re.compile(r"^<!-- api-reference (?P<area>[\w.]+)(?: module=(?P<module>[\w.]+))? -->[ \t]*$", re.M)
SIGNATURE_WIDTH = 88


def resolve(dotted: str) -> object:
    """The object a dotted path names, importing the modules on the way."""
    parts = dotted.split(".")
    obj: object = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], 1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[: i + 1]))
    return obj


def area_names(area: str) -> list[str]:
    """The public names of an area, relative to it, in the coverage page's order (or `__all__`'s)."""
    titles = {module: title for title, module in AREA_MODULES.items()}
    if area in titles:
        for section in re.split(r"^## ", COVERAGE_PAGE.read_text(), flags=re.M)[1:]:
            if section.splitlines()[0].strip() == titles[area]:
                has = re.search(r"\*\*Has:\*\* (.*)", section)
                return re.findall(r"`([^`]+)`", has.group(1)) if has else []
    return list(getattr(resolve(area), "__all__", []))


def all_public_names() -> list[str]:
    """Every public name the reference must show, dotted."""
    return [f"{area}.{name}" for area in AREA_MODULES.values() for name in area_names(area)]


@dataclass
class Entry:
    """One documented name: where it is, what it is, how it reads."""

    dotted: str
    label: str  # the name as the heading shows it
    obj: object
    static: object  # what the owner's __dict__ holds (a property, staticmethod...), or obj
    on_class: bool  # a method or property of a class: its first parameter is the instance

    @property
    def kind(self) -> str:
        if isinstance(self.static, property):
            return "property"
        if inspect.isclass(self.obj):
            return "class"
        if inspect.isroutine(self.obj) or callable(self.obj) and hasattr(self.obj, "__wrapped__"):
            return "method" if self.on_class else "function"
        return "data"


def make_entry(dotted: str, label: str) -> Entry:
    owner, _, last = dotted.rpartition(".")
    parent = resolve(owner)
    on_class = inspect.isclass(parent)
    static = inspect.getattr_static(parent, last) if on_class else getattr(parent, last)
    obj = getattr(parent, last)  # Tensor methods resolve to their op on first use
    return Entry(dotted, label, obj, static, on_class)


def docstring(entry: Entry) -> str:
    if entry.kind == "data":
        return ""
    if entry.kind == "property":
        return entry.static.__doc__ or ""
    if entry.kind == "class":
        return entry.obj.__dict__.get("__doc__") or ""  # its own, not its base's
    return entry.obj.__doc__ or ""


def signature(entry: Entry) -> str | None:
    """`name(a, b=1, *, c=None)` without annotations, one parameter a line when it is long."""
    if entry.kind in ("data", "property"):
        return None
    try:
        sig = inspect.signature(entry.obj)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    bound = isinstance(entry.static, (staticmethod, classmethod)) or inspect.ismethod(entry.obj)
    if entry.kind == "method" and params and not bound:
        params = params[1:]  # `x.sum(dim)`: the tensor (module, ...) is the object it is called on
    name = entry.dotted.rsplit(".", 2)[-2:] if entry.on_class else [entry.dotted]
    return _format_call(".".join(name), params)


def _format_call(name: str, params: list[inspect.Parameter]) -> str:
    parts: list[str] = []
    for i, p in enumerate(params):
        before = params[i - 1].kind if i else None
        if before is inspect.Parameter.POSITIONAL_ONLY and p.kind is not inspect.Parameter.POSITIONAL_ONLY:
            parts.append("/")
        if p.kind is inspect.Parameter.KEYWORD_ONLY and before not in (
            inspect.Parameter.KEYWORD_ONLY,
            inspect.Parameter.VAR_POSITIONAL,
        ):
            parts.append("*")
        text = str(p.replace(annotation=inspect.Parameter.empty))
        parts.append(re.sub(r" at 0x[0-9a-f]+", "", text))  # sentinels' reprs carry addresses
    if params and params[-1].kind is inspect.Parameter.POSITIONAL_ONLY:
        parts.append("/")
    one_line = f"{name}({', '.join(parts)})"
    if len(one_line) <= SIGNATURE_WIDTH:
        return one_line
    return f"{name}(\n" + "".join(f"    {part},\n" for part in parts) + ")"


def render_entry(entry: Entry, level: int) -> str:
    """The heading, the signature and the docstring of one name (and of a class's own members)."""
    hashes = "#" * level
    out = [f"{hashes} `{entry.label}` {{ #{entry.dotted} }}", ""]
    call = signature(entry)
    if entry.kind == "property":
        call = "property " + ".".join(entry.dotted.rsplit(".", 2)[-2:])
    elif call and entry.kind == "class":
        call = "class " + call
    if call:
        out += ["```python", call, "```", ""]
    doc = docstring(entry)
    if doc.strip():
        out.append(docstring_to_markdown(doc))
    elif entry.kind == "data":
        value = re.sub(r" at 0x[0-9a-f]+", "", repr(entry.obj))
        value = value if len(value) <= 100 else value[:97] + "..."
        out.append(f"A value (`{type(entry.obj).__name__}`), not a function: `{value}`.\n")
    else:
        out.append("*No docstring yet.*\n")
    if entry.kind == "class" and entry.dotted not in MEMBERS_ELSEWHERE:
        documented, bare = class_members(entry)
        if bare:
            out.append("Also: " + ", ".join(f"`{name}`" for name in bare) + " (no docstrings of their own).\n")
        for member in documented:
            out.append(render_entry(member, level + 1))
    return "\n".join(out)


def class_members(entry: Entry) -> tuple[list[Entry], list[str]]:
    """A class's own public methods and properties: (those with a docstring, the names of the rest)."""
    documented, bare = [], []
    for name, static in sorted(vars(entry.obj).items()):
        function = static.__func__ if isinstance(static, (staticmethod, classmethod)) else static
        if name.startswith("_") or not (inspect.isroutine(function) or isinstance(static, property)):
            continue
        if (function.__doc__ or "").strip():
            documented.append(Entry(f"{entry.dotted}.{name}", name, getattr(entry.obj, name), static, True))
        else:
            bare.append(name)
    return documented, bare


def render_names(area: str, names: list[str], level: int) -> str:
    return "\n".join(render_entry(make_entry(f"{area}.{name}", name), level) for name in names)


def _defined_in(obj: object, module: str) -> bool:
    where = getattr(obj, "__module__", None) or ""
    return where == module or where.startswith(module + ".")


def expand(markdown: str) -> str:
    """A reference page with each directive replaced by its names' entries."""
    markdown = INTRO.sub(lambda m: docstring_to_markdown(resolve(m["module"]).__doc__ or ""), markdown)
    directives = list(DIRECTIVE.finditer(markdown))
    if not directives:
        return markdown
    taken: dict[str, set[str]] = {}
    pieces: list[str] = []
    last = 0
    for directive in directives:
        area, module = directive["area"], directive["module"]
        level = _heading_level_after(markdown[: directive.start()])
        names = area_names(area)
        if module:
            names = [n for n in names if _defined_in(make_entry(f"{area}.{n}", n).obj, module)]
        else:
            names = [n for n in names if n not in taken.get(area, set())]
        taken.setdefault(area, set()).update(names)
        pieces += [markdown[last : directive.start()], render_names(area, names, level)]
        last = directive.end()
    pieces.append(markdown[last:])
    for area in taken:  # a page split by module: what no section took
        rest = [n for n in area_names(area) if n not in taken[area]]
        if rest:
            pieces += ["\n\n## Other names\n\n", render_names(area, rest, 3)]
    return "".join(pieces)


def _heading_level_after(text: str) -> int:
    """Entries sit one level below the last heading before their directive (## under the title)."""
    headings = re.findall(r"^(#{1,5}) ", text, flags=re.M)
    return len(headings[-1]) + 1 if headings else 2


def pages() -> dict[str, str]:
    """Every reference page with a directive, expanded: {file name: Markdown}."""
    return {p.name: expand(p.read_text()) for p in sorted(REFERENCE.glob("*.md")) if DIRECTIVE.search(p.read_text())}


def missing_names(expanded: dict[str, str]) -> list[str]:
    """The public names that no page has an entry (an anchor) for."""
    anchors = set(re.findall(r"\{ #([\w.]+) \}", "\n".join(expanded.values())))
    return [n for n in all_public_names() if n not in anchors]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the expanded pages to this folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    expanded = pages()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in expanded.items():
            (args.out / name).write_text(text)
    for name, text in expanded.items():
        print(f"{name}: {len(re.findall(r'^#+ `', text, flags=re.M))} entries, {len(text) // 1024} KiB")
    missing = missing_names(expanded)
    if missing:
        print(f"{len(missing)} public names are on no reference page: {missing[:20]}", file=sys.stderr)
        return 1
    print(f"all {len(all_public_names())} public names are on the reference pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
