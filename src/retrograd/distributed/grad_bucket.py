"""`GradBucket`: what DistributedDataParallel hands a communication hook, one bucket of gradients."""

from __future__ import annotations

from ..tensor import Tensor


class GradBucket:
    """One bucket's gradients in a flat buffer, with the parameters they belong to (`register_comm_hook`).

    Args:
        index (int): the bucket's position (bucket 0 holds the last parameters, whose gradients come first).
        buffer (Tensor): the flat (1-D) buffer of the gradients; the hook's result replaces its contents.
        gradients (list of Tensor): views of `buffer` shaped like each parameter.
        parameters (list of Tensor): the parameters, in the order of `gradients`.
        is_last (bool): whether this is the last bucket of the iteration.
    """

    def __init__(
        self, index: int, buffer: Tensor, gradients: list[Tensor], parameters: list[Tensor], is_last: bool
    ) -> None:
        self._index = index
        self._buffer = buffer
        self._gradients = gradients
        self._parameters = parameters
        self._is_last = is_last

    def index(self) -> int:
        return self._index

    def buffer(self) -> Tensor:
        """The flat gradient buffer (1-D, the parameters' dtype)."""
        return self._buffer

    def gradients(self) -> list[Tensor]:
        return list(self._gradients)

    def parameters(self) -> list[Tensor]:
        return list(self._parameters)

    def is_last(self) -> bool:
        return self._is_last

    def set_buffer(self, buffer: Tensor) -> None:
        """Replace the buffer's contents with `buffer`'s (same number of elements)."""
        self._buffer.copy_(buffer.reshape(self._buffer.shape))
