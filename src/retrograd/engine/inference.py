"""Inference tensors: what `inference_mode()` makes, and the two uses PyTorch refuses them outside it.

PyTorch's inference tensors keep no version counter. Here every one of them (and every view of
one, which shares its counter) holds the one `NO_VERSION` object in place of a `_Version`, so
`is_inference()` is an identity test, and ordinary tensors pay nothing: saving one for backward
is refused where the saved tensor reads its counter, and an in-place change where every in-place
path bumps it, after the write, as PyTorch's version bump does.
"""

from __future__ import annotations

from typing import Any

from .grad_mode import state

SAVE_REFUSAL = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
    "it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`."
)
INPLACE_REFUSAL = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal "
    "tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details."
)
REQUIRES_GRAD_REFUSAL = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
VERSION_REFUSAL = "Inference tensors do not track version counter."


class _NoVersion:
    """The version counter of inference tensors: always 0; a bump outside inference mode is refused."""

    __slots__ = ()

    @property
    def value(self) -> int:
        return 0

    @value.setter
    def value(self, new: Any) -> None:
        if not state.inference:
            raise RuntimeError(INPLACE_REFUSAL)


NO_VERSION: Any = _NoVersion()
