"""Helpers the tutorials' hidden code cells call while the site is built (not part of retrograd)."""

from __future__ import annotations

import html
import io
import re
import shutil


def show_graph(dot, caption: str = "") -> str:
    """HTML for a `retrograd.viz.DotGraph`: the SVG when Graphviz's `dot` exists, else the DOT text.

    The site builds either way; without Graphviz the reader sees the graph's DOT source
    (paste it into any Graphviz viewer) and a note saying why.
    """
    if shutil.which("dot") is None:
        return (
            '<div class="admonition note"><p class="admonition-title">'
            "Graphviz was not installed when this page was built, so here is the graph's DOT text</p>"
            f"<pre><code>{html.escape(dot.source)}</code></pre></div>"
        )
    svg = dot.pipe("svg").decode()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG sits inside HTML
    return _figure(svg, caption)


def show_figure(fig, caption: str = "") -> str:
    """HTML for a Matplotlib figure, as inline SVG."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)  # build date etc.: noise
    return _figure(svg, caption)


def _figure(svg: str, caption: str) -> str:
    text = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="retrograd-figure">{svg}{text}</figure>'


def captured(function, *args, **kwargs) -> str:
    """What `function(*args, **kwargs)` prints to stdout (for cells that show a command's output)."""
    import contextlib

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        function(*args, **kwargs)
    return buffer.getvalue()
