"""(being written) retrograd's seeded random number generation."""

from __future__ import annotations

__all__: list[str] = []
