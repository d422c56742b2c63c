"""The documentation site, built and looked at as a person would.

The build runs `mkdocs build --strict` (a broken link, a missing page, a failing code cell or a
docstring that does not render fails it); it skips where the `docs` extra is not installed.
The browser test serves the built site on 127.0.0.1, opens the main pages in headless Chromium
(driven by Playwright, with the system's Chromium: `apt-get install chromium`), screenshots
them, and fails on a page that does not load, has no content, or logs a console error; it skips
where Playwright or Chromium is missing.

RETROGRAD_DOCS_SITE=site reuses a site that `make docs` already built instead of building one;
RETROGRAD_DOCS_SCREENSHOTS=DIR keeps the screenshots there.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (page, words its text must contain): the pages a reader opens first, one per kind
PAGES = [
    ("index.html", "autograd"),
    ("tutorials/autograd-from-zero/index.html", "AccumulateGrad"),
    ("tutorials/how-the-engine-works/index.html", "MulBackward0"),
    ("tutorials/training-a-model/index.html", "test accuracy"),
    ("tutorials/custom-functions/index.html", "save_for_backward"),
    ("tutorials/forward-mode-and-functional/index.html", "tangent"),
    ("tutorials/jacobians-hessians-vmap/index.html", "vmap"),
    ("tutorials/compile/index.html", "def backward"),
    ("tutorials/data-parallel/index.html", "DistributedDataParallel"),
    ("tutorials/subclasses-and-modes/index.html", "TorchFunctionMode"),
    ("moving-from-pytorch/index.html", "install_as_torch"),
    ("api-coverage/index.html", "coverage"),
    ("architecture/index.html", "Primitive"),
    ("reference/retrograd/index.html", "In-place version of"),  # docstrings made at import time
    ("reference/tensor/index.html", "Converted to float32"),
    ("reference/nn/index.html", "Linear"),
    ("reference/autograd/index.html", "backward"),
    ("reference/special/index.html", "bessel_j0"),
]
# pages whose pictures must be there: the graph (an inline SVG from Graphviz) and the curve
PICTURES = {
    "tutorials/autograd-from-zero/index.html": 1,
    "tutorials/how-the-engine-works/index.html": 1,
    "tutorials/training-a-model/index.html": 1,
}


def _docs_tools_missing() -> str | None:
    for module in ("mkdocs", "material", "markdown_exec"):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except ModuleNotFoundError:
            return module
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: RETROGRAD_DOCS_SITE if given, else a fresh strict build."""
    given = os.environ.get("RETROGRAD_DOCS_SITE")
    if given:
        path = (ROOT / given).resolve()
        assert (path / "index.html").is_file(), f"RETROGRAD_DOCS_SITE={given} holds no built site"
        return path
    missing = _docs_tools_missing()
    if missing:
        pytest.skip(f"the docs extra is not installed ({missing}): pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, "mkdocs build --strict failed:\n" + build.stdout[-4000:] + build.stderr[-8000:]
    return out


def test_site_builds_with_every_page(site: Path) -> None:
    for page, _ in PAGES:
        assert (site / page).is_file(), f"{page} was not built"
    assert (site / "layers.svg").is_file()


def _chromium() -> str | None:
    """The system's Chromium (or Chrome) executable, or None."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def server(site: Path):
    """The site served on a free port of 127.0.0.1 (as `mkdocs serve` would: search needs HTTP)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("Playwright is not installed: pip install -e '.[docs-check]'")
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium on this machine: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("RETROGRAD_DOCS_SCREENSHOTS")
    if keep:
        path = Path(keep)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize(
    "page, words", PAGES, ids=[p.removesuffix("/index.html").replace("pytorch", "torch") for p, _ in PAGES]
)
def test_page_as_a_reader_sees_it(browser, server: str, screenshots: Path, page: str, words: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    tab.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    tab.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    try:
        response = tab.goto(server + page, wait_until="networkidle")
        assert response is not None and response.status == 200, f"{page}: HTTP {response and response.status}"
        article = tab.locator("article.md-content__inner")
        text = article.inner_text()
        assert tab.locator("article h1").count() == 1, f"{page}: no title"
        assert len(text) > 300, f"{page}: almost no content ({len(text)} characters)"
        assert words in text, f"{page}: {words!r} is not on the page"
        # every picture drawn: <img> loaded with a size, inline SVGs (graphs, curves) laid out
        broken = tab.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
        assert not broken, f"{page}: pictures that did not load: {broken}"
        if page in PICTURES:
            figures = tab.locator("figure.retrograd-figure svg, .admonition pre")
            assert figures.count() >= PICTURES[page], f"{page}: the pictures are missing"
            assert figures.first.bounding_box()["height"] > 20, f"{page}: a picture has no height"
        name = page.removesuffix("index.html").strip("/").replace("/", "-") or "home"
        # a long page (the reference of `retrograd`) takes Chromium a while on a loaded 2-core machine
        tab.screenshot(path=str(screenshots / f"{name}.png"), full_page=True, timeout=180_000)
        assert not problems, f"{page}: " + "; ".join(problems)
    finally:
        context.close()


def test_search_finds_a_tutorial(browser, server: str) -> None:
    """The search box works offline: its index and worker come from the site itself."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(server, wait_until="networkidle")
    tab.keyboard.press("/")  # Material's shortcut that focuses the search box
    tab.keyboard.type("accumulate")
    results = tab.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert results.count() > 0
    assert not errors, errors
    tab.close()
