"""`torch.testing.FileCheck`: check that a text holds patterns in order, as LLVM's FileCheck does.

Each check moves a cursor through the text: `check(s)` finds `s` after the previous match,
`check_next(s)` finds it on the next line, `check_same(s)` on the same line, `check_not(s)`
asserts `s` is absent between the previous match and the next one, `check_count(s, n)` finds it
`n` times (and no more with `exactly=True`), consecutive `check_dag` patterns match in any order,
`check_regex(p)` finds a regular expression. A failed check raises RuntimeError with PyTorch's
message ("Expected to find ... but did not find it").

>>> from retrograd.testing import FileCheck
>>> FileCheck().check("def").check_next("return").check_not("raise").run("def f():\\n    return 1")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FileCheck"]

# directive in a checks file -> the check kind it adds (the longest spellings first)
_DIRECTIVES = (
    ("CHECK-COUNT-EXACTLY-", "count_exactly"),
    ("CHECK-COUNT-", "count"),
    ("CHECK-NEXT: ", "next"),
    ("CHECK-SAME: ", "same"),
    ("CHECK-NOT: ", "not"),
    ("CHECK-DAG: ", "dag"),
    ("CHECK-REGEX: ", "regex"),
    ("CHECK: ", "check"),
)
_LABELS = {
    "check": "CHECK",
    "next": "CHECK-NEXT",
    "same": "CHECK-SAME",
    "not": "CHECK-NOT",
    "dag": "CHECK-DAG",
    "regex": "CHECK-REGEX",
}


@dataclass
class _Check:
    kind: str  # check, next, same, not, dag, regex, count
    text: str
    count: int = 1

    @property
    def label(self) -> str:
        return f"CHECK-COUNT-{self.count}" if self.kind == "count" else _LABELS[self.kind]


def _fail(message: str, check: _Check, text: str, start: int) -> RuntimeError:
    return RuntimeError(f"{message}\nSearched string:\n{text[start:]}\nFrom {check.label}: {check.text}\n")


def _find(check: _Check, text: str, start: int) -> tuple[int, int]:
    """(start, end) of the first match of one pattern at or after `start`, or a RuntimeError."""
    if check.kind == "regex":
        match = re.compile(check.text).search(text[start:])  # `^` matches where the search starts
        if match is None:
            raise _fail(f'Expected to find regex "{check.text}" but did not find it', check, text, start)
        return start + match.start(), start + match.end()
    found = text.find(check.text, start)
    if found < 0:
        raise _fail(f'Expected to find "{check.text}" but did not find it', check, text, start)
    return found, found + len(check.text)


def _newline_error(check: _Check) -> RuntimeError:
    return RuntimeError(f'Expected to not find "\\n" but found it\nFrom {check.label}: {check.text}\n')


def _match_one(check: _Check, text: str, prev_end: int) -> tuple[int, int]:
    """The span one positive check matches after `prev_end` (a count spans all its matches)."""
    start, end = _find(check, text, prev_end)
    if check.kind == "count":
        for _ in range(check.count - 1):
            end = _find(check, text, end)[1]
    between = text[prev_end:start]
    if check.kind == "next" and between.count("\n") != 1:
        raise _newline_error(check)
    if check.kind == "same" and "\n" in between:
        raise _newline_error(check)
    return start, end


def _match_group(group: list[_Check], text: str, prev_end: int) -> tuple[int, int]:
    """A run of check_dag patterns matches in any order: each is searched from the same place."""
    spans = [_match_one(check, text, prev_end) for check in group]
    return min(s for s, _ in spans), max(e for _, e in spans)


def _check_absent(group: list[_Check], text: str, start: int, end: int) -> None:
    for check in group:
        found = text.find(check.text, start, end)
        if found >= 0:
            raise RuntimeError(
                f'Expected to not find "{check.text}" but found it\n{text[start:end]}\nFrom CHECK-NOT: {check.text}\n'
            )


class FileCheck:
    """Checks that text contains patterns in order (LLVM FileCheck style), as `torch.testing.FileCheck`.

    Build a list of checks with the `check*` methods (each returns self), then `run(text)`,
    which raises RuntimeError at the first check that fails.

    Returns:
        (FileCheck): an empty list of checks.

    Examples:
        >>> code = "def f(x):\\n    return x * 2\\n"
        >>> retrograd.testing.FileCheck().check("def f").check_next("return").check_not("print").run(code)
        >>> try:
        ...     retrograd.testing.FileCheck().check("return").check("def").run(code)
        ... except RuntimeError:
        ...     print("failed")
        failed
    """

    def __init__(self) -> None:
        self._checks: list[_Check] = []

    def _add(self, kind: str, text: str, count: int = 1) -> FileCheck:
        if not isinstance(text, str):
            raise TypeError(f"{kind}(): incompatible function arguments: expected a str, got {type(text).__name__}")
        self._checks.append(_Check(kind, text, count))
        return self

    def check(self, text: str) -> FileCheck:
        """`text` occurs after the previous match."""
        return self._add("check", text)

    def check_not(self, text: str) -> FileCheck:
        """`text` does not occur between the previous match and the next one (or the end)."""
        return self._add("not", text)

    def check_same(self, text: str) -> FileCheck:
        """`text` occurs after the previous match, on the same line."""
        return self._add("same", text)

    def check_next(self, text: str) -> FileCheck:
        """`text` occurs on the line after the previous match."""
        return self._add("next", text)

    def check_dag(self, text: str) -> FileCheck:
        """`text` occurs after the previous match; consecutive check_dag patterns in any order."""
        return self._add("dag", text)

    def check_regex(self, text: str) -> FileCheck:
        """The regular expression `text` matches after the previous match."""
        re.compile(text)  # a bad pattern is an error now, as in PyTorch
        return self._add("regex", text)

    def check_count(self, text: str, count: int, exactly: bool = False) -> FileCheck:
        """`text` occurs `count` times after the previous match (and not once more, if `exactly`)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise TypeError(
                f"check_count(): incompatible function arguments: count must be a non-negative int, got {count!r}"
            )
        if count == 0 and not exactly:
            raise RuntimeError("Count == 0 && !exactly doesn't do anything")
        if count > 0:
            self._add("count", text, count)
        if exactly:
            self._add("not", text)
        return self

    def run(self, checks_or_text: str, text: str | None = None) -> None:
        """Run the checks on `text`; `run(checks_file, text)` first adds the `# CHECK...:` lines of `checks_file`."""
        if text is None:
            text = checks_or_text
        else:
            self._parse(checks_or_text)
        if not self._checks:
            raise RuntimeError("No checks have been added to this instance ofFilecheck! Check for bad input.")
        groups: list[list[_Check]] = []
        for check in self._checks:  # consecutive check_not and check_dag patterns form one group
            if groups and check.kind in ("not", "dag") and groups[-1][0].kind == check.kind:
                groups[-1].append(check)
            else:
                groups.append([check])
        prev_end, i = 0, 0
        while i < len(groups):
            group = groups[i]
            if group[0].kind != "not":
                prev_end = _match_group(group, text, prev_end)[1]
            elif i + 1 < len(groups):
                start, end = _match_group(groups[i + 1], text, prev_end)
                _check_absent(group, text, prev_end, start)
                prev_end, i = end, i + 1
            else:
                _check_absent(group, text, prev_end, len(text))
            i += 1

    def _parse(self, checks: str) -> None:
        """Add the checks written as `# CHECK: text`, `# CHECK-NEXT: text`, ... in `checks`."""
        for match in re.finditer(r"#\s*(CHECK[^\n]*)", checks):
            line = match.group(1)
            for prefix, kind in _DIRECTIVES:
                if not line.startswith(prefix):
                    continue
                rest = line[len(prefix) :]
                if kind.startswith("count"):
                    number, sep, rest = rest.partition(": ")
                    if not number.isdigit() or not sep:
                        raise ValueError("stoll") if not number.isdigit() else RuntimeError(_bad(line))
                    self.check_count(rest, int(number), exactly=kind == "count_exactly")
                else:
                    self._add(kind, rest)
                break
            else:
                raise RuntimeError(_bad(line))


def _bad(line: str) -> str:
    return f"Could not parse check at:\n# {line}\nCheck for bad input."
