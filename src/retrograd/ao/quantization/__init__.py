"""`torch.ao.quantization`: `QuantStub` and `DeQuantStub`, the markers quantizable models are built with.

torchvision's quantizable models (`models.quantization`) put them around a float network; until
the model is converted, both pass their input through, which is all they do here. retrograd has
no quantized tensors, so `prepare`, `convert` and the observers are not provided.
"""

from __future__ import annotations

from typing import Any

from ...nn.modules.module import Module
from ...tensor import Tensor

__all__ = ["DeQuantStub", "QuantStub"]


class QuantStub(Module):
    """Where a quantized model quantizes its input; before conversion the identity.

    Examples:
        >>> retrograd.ao.quantization.QuantStub()(retrograd.ones(2))
        tensor([1., 1.])
    """

    def __init__(self, qconfig: Any = None) -> None:
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x: Tensor) -> Tensor:
        return x


class DeQuantStub(Module):
    """Where a quantized model dequantizes its output; before conversion the identity."""

    def __init__(self, qconfig: Any = None) -> None:
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x: Tensor) -> Tensor:
        return x
