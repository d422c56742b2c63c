"""Draw the package's import layers (the import-linter contract in pyproject.toml) as docs/layers.svg.

usage: python tools/layers_svg.py [--check]

One band per layer, top to bottom as the contract lists them; a module may import from its
own band and the bands below it. `--check` exits 1 if docs/layers.svg is not what the
contract gives (a test runs it, so the picture cannot drift from the rule).
"""

from __future__ import annotations

import argparse
import html
import pathlib
import sys

import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "layers.svg"

WIDTH, BAND, GAP, PAD, BOX_H = 760, 54, 14, 12, 30
COLOURS = ["#fde2e4", "#fff1c1", "#e2f0cb", "#cde7f0", "#dcd3f5", "#f7d9c4", "#d8e2dc", "#eadbc8", "#e4e4e4"]


def layers() -> list[list[str]]:
    """The contract's layers, top first, each a list of module names without the package prefix."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [
        [m.strip().removeprefix("retrograd.") for m in layer.replace("|", ":").split(":")]
        for layer in contract["layers"]
    ]


def _band(index: int, modules: list[str], top: int) -> list[str]:
    colour = COLOURS[index % len(COLOURS)]
    parts = [
        f'<rect x="{PAD}" y="{top}" width="{WIDTH - 2 * PAD}" height="{BAND}" rx="8" fill="{colour}" stroke="#888"/>'
    ]
    inner = WIDTH - 4 * PAD
    box_w = min(150, (inner - (len(modules) - 1) * 8) / len(modules))
    x = 2 * PAD + (inner - len(modules) * box_w - (len(modules) - 1) * 8) / 2
    for name in modules:
        parts.append(
            f'<rect x="{x:.1f}" y="{top + (BAND - BOX_H) / 2}" width="{box_w:.1f}" height="{BOX_H}" rx="5" '
            'fill="white" stroke="#555"/>'
        )
        parts.append(
            f'<text x="{x + box_w / 2:.1f}" y="{top + BAND / 2 + 5}" text-anchor="middle" '
            f'font-family="monospace" font-size="12">{html.escape(name)}</text>'
        )
        x += box_w + 8
    return parts


def render() -> str:
    """The SVG text for the current contract."""
    bands = layers()
    height = 70 + len(bands) * (BAND + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-family="sans-serif" font-size="15" '
        'font-weight="bold">retrograd: imports point down (checked by lint-imports)</text>',
    ]
    top = 40
    for i, modules in enumerate(bands):
        parts += _band(i, modules, top)
        if i < len(bands) - 1:
            x = WIDTH - PAD - 14
            parts.append(f'<path d="M{x} {top + BAND + 1} l0 {GAP - 2}" stroke="#333" stroke-width="2"/>')
            parts.append(
                f'<path d="M{x - 5} {top + BAND + GAP - 7} l5 6 l5 -6" fill="none" stroke="#333" stroke-width="2"/>'
            )
        top += BAND + GAP
    parts.append(
        f'<text x="{PAD}" y="{top + 16}" font-family="sans-serif" font-size="12">'
        "A module imports from its own band and the bands below it; `if TYPE_CHECKING:` imports are exempt.</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/layers.svg is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run python tools/layers_svg.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
