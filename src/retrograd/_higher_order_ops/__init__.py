"""`torch._higher_order_ops`: the one operator programs import from it, `associative_scan`.

Hugging Face's Mamba, FalconMamba, Jamba and Zamba import it at the top of their scan
function (and use it only under `torch.compile`), so the import has to work.
"""

from __future__ import annotations

from .associative_scan import associative_scan

__all__ = ["associative_scan"]
