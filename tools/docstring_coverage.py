"""Print how much of the public API has full docstrings.

"Full" is what tests/test_docstrings.py asks of the most used names (its `FULL` list): a
one-line summary, Args (for names that take arguments), Returns and a `>>>` example. The
public names are those docs/api-coverage.md lists as present. The counting lives in the test
module, so this report and the test cannot disagree.

    python tools/docstring_coverage.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
    import test_docstrings

    full, summaries, total = test_docstrings.coverage()
    share = f"{100 * full / total:.1f}%"
    print(f"names with Args+Returns+example: {full} / {total} public functions, classes and methods ({share})")
    print(f"names with a summary:    {summaries} / {total}")
    print(f"required full (FULL):    {len(test_docstrings.FULL)}")


if __name__ == "__main__":
    main()
