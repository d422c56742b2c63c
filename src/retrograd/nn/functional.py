"""(being written) retrograd.nn.functional."""

from __future__ import annotations
