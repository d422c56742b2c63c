"""`torch._custom_ops`: PyTorch's deprecated first custom-operator API, superseded by `torch.library`.

Libraries still import the module (torchvision's meta registrations do `import torch._custom_ops`)
without calling into it; retrograd's custom operators live in `retrograd.library`
(`custom_op`, `register_autograd`, `register_fake`, `register_kernel`).
"""

from __future__ import annotations

__all__: list[str] = []
