"""MkDocs hooks: let the tutorials' code cells import `docs_support` (this folder)."""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def on_config(config, **kwargs):
    if _HERE not in sys.path:
        sys.path.insert(0, _HERE)
    return config
