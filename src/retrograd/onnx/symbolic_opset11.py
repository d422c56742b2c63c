"""`torch.onnx.symbolic_opset11`: PyTorch's translations of its operators to ONNX opset 11.

retrograd has no exporter, so the module holds no translations; libraries import it for the
symbolic functions of their custom operators (torchvision's `nms`), which only an export calls.
"""

from __future__ import annotations

__all__: list[str] = []
