"""MkDocs hooks: let the tutorials' code cells import `docs_support` (this folder), and write the
API reference pages from the docstrings retrograd has at run time (tools/api_reference.py)."""

from __future__ import annotations

import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_HERE))
_reference = None  # tools/api_reference.py, loaded on the first reference page


def on_config(config, **kwargs):
    if _HERE not in sys.path:
        sys.path.insert(0, _HERE)
    src = os.path.join(_ROOT, "src")
    if src not in sys.path:
        sys.path.insert(0, src)  # document this checkout's retrograd, not an installed one
    return config


def on_page_markdown(markdown, page, **kwargs):
    """A reference page's `<!-- api-reference ... -->` directives, replaced by the names' entries."""
    global _reference
    if not page.file.src_uri.startswith("reference/") or "<!-- api-reference" not in markdown:
        return markdown
    if _reference is None:
        path = os.path.join(_ROOT, "tools", "api_reference.py")
        spec = importlib.util.spec_from_file_location("api_reference", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules["api_reference"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        _reference = module
    return _reference.expand(markdown)
