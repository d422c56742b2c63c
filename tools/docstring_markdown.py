"""Google-style docstrings as Markdown, for the API reference (tools/api_reference.py).

A docstring here is: a summary line, prose paragraphs, then sections (`Args:`, `Returns:`,
`Examples:`, ...) whose bodies are indented. Args and Returns become lists with the names and
types set off; Examples (and any `>>>` lines in the prose) become `pycon` code blocks. Prose is
escaped so that a `*`, `_`, `<` or `{...}` in a docstring shows as written instead of turning into
emphasis, HTML or an attribute list; text in backticks stays code.
"""

from __future__ import annotations

import inspect
import re
import textwrap

# section titles that hold `name (type): description` items, and the label they get
PARAMETER_SECTIONS = {
    "Args": "Parameters",
    "Arguments": "Parameters",
    "Parameters": "Parameters",
    "Other Parameters": "Other parameters",
    "Keyword Args": "Keyword arguments",
    "Keyword Arguments": "Keyword arguments",
    "Attributes": "Attributes",
}
# sections of `type: description` items
TYPED_SECTIONS = {"Returns": "Returns", "Return": "Returns", "Yields": "Yields", "Raises": "Raises"}
EXAMPLE_SECTIONS = {"Examples", "Example"}
PROSE_SECTIONS = {"Note", "Notes", "Warning", "Warnings", "See Also", "References"}
SECTION_TITLES = set(PARAMETER_SECTIONS) | set(TYPED_SECTIONS) | EXAMPLE_SECTIONS | PROSE_SECTIONS
_SECTION_LINE = re.compile(r"^(" + "|".join(sorted(SECTION_TITLES, key=len, reverse=True)) + r"):\s*$")

_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_PARAMETER = re.compile(
    r"^(?P<name>\*{0,2}[\w.]+(?:\s*,\s*\*{0,2}[\w.]+)*)\s*(?:\((?P<type>[^:]*)\))?\s*:(?:\s+(?P<desc>.*))?$"
)
_TYPED = re.compile(r"^\(?(?P<type>[^:()]{1,80}?|[^:]{1,80}?)\)?:(?:\s+(?P<desc>.*))?$")


def escape(text: str) -> str:
    """Markdown-safe prose: characters that Markdown would read as markup are escaped, outside code spans."""
    out = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_escape_plain(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\*_\[\]{}`|])", r"\\\1", text)


def _escape_line_start(line: str) -> str:
    """A prose line that would start a heading, a quote or a numbered list stays text."""
    stripped = line.lstrip()
    if stripped.startswith("#") or re.match(r"\d+\.\s", stripped) or stripped.startswith(("+ ", "=")):
        indent = line[: len(line) - len(stripped)]
        return indent + "\\" + stripped
    return line


def split_sections(doc: str) -> tuple[str, list[tuple[str, str]]]:
    """(the text before the first section, [(section title, its dedented body)])."""
    lines = inspect.cleandoc(doc).splitlines()
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in lines:
        match = _SECTION_LINE.match(line)
        if match:
            sections.append((match.group(1), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
    return "\n".join(intro).strip(), [(t, textwrap.dedent("\n".join(b)).strip("\n")) for t, b in sections]


def _items(body: str) -> list[str]:
    """A section body cut into items: each starts on an unindented line, indented lines continue it."""
    items: list[str] = []
    for line in body.splitlines():
        if line and not line[0].isspace():
            items.append(line.strip())
        elif line.strip() and items:
            items[-1] += " " + line.strip()
        elif line.strip():
            items.append(line.strip())
    return items


def _parameter_list(body: str) -> list[str]:
    out = []
    for item in _items(body):
        match = _PARAMETER.match(item)
        if not match:
            out.append(f"- {escape(item)}")
            continue
        type_ = f" (*{escape(match['type'].strip())}*)" if match["type"] else ""
        desc = f" – {escape(match['desc'])}" if match["desc"] else ""
        out.append(f"- `{match['name']}`{type_}{desc}")
    return out


def _typed_list(body: str) -> list[str]:
    out = []
    for item in _items(body):
        match = _TYPED.match(item)
        if match and match["type"].strip() and not match["type"].strip().endswith((".", ",")):
            desc = f" – {escape(match['desc'])}" if match["desc"] else ""
            out.append(f"- *{escape(match['type'].strip())}*{desc}")
        else:
            out.append(f"- {escape(item)}")
    return out


def prose_and_examples(text: str) -> list[str]:
    """Paragraphs as escaped Markdown; runs of `>>>` lines (with their output) as `pycon` blocks."""
    out: list[str] = []
    code: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">>>"):
            if code is None:
                code = []
                if out and out[-1] != "":
                    out.append("")
            code.append(line)
            continue
        if code is not None:
            if stripped:  # doctest output, or a `...` continuation
                code.append(line)
                continue
            out += _fence(code)
            code = None
        out.append(_escape_line_start(escape(line)) if stripped else "")
    if code is not None:
        out += _fence(code)
    return out


def _fence(code: list[str]) -> list[str]:
    body = textwrap.dedent("\n".join(code)).splitlines()
    return ["```pycon", *body, "```", ""]


def docstring_to_markdown(doc: str) -> str:
    """The whole docstring as Markdown: summary and prose, then each section under a bold label."""
    intro, sections = split_sections(doc)
    out = prose_and_examples(intro)
    for title, body in sections:
        out.append("")
        if title in PARAMETER_SECTIONS:
            out += [f"**{PARAMETER_SECTIONS[title]}:**", "", *_parameter_list(body)]
        elif title in TYPED_SECTIONS:
            out += [f"**{TYPED_SECTIONS[title]}:**", "", *_typed_list(body)]
        elif title in EXAMPLE_SECTIONS:
            out += ["**Examples:**", "", *prose_and_examples(body)]
        else:
            out += [f"**{title}:**", "", *prose_and_examples(body)]
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
