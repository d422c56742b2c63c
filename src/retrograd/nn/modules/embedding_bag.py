"""EmbeddingBag: sums, means or maxima of bags of embedding rows, as torch.nn.EmbeddingBag."""

from __future__ import annotations

from typing import Any

from ... import dtypes as _dt
from ...engine.grad_mode import no_grad
from ...ops.creation import empty
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Module):
    """A table (num_embeddings, embedding_dim) ~ N(0, 1) whose rows are reduced per bag ('sum', 'mean' or 'max').

    Args:
        num_embeddings (int): the table's rows.
        embedding_dim (int): each row's size.
        max_norm (float, optional): renormalise, in place, the looked-up rows whose norm exceeds it.
        norm_type (float): the p of that norm (default 2).
        scale_grad_by_freq (bool): divide the gradients by the indices' counts in the batch (default False).
        mode (str): how each bag is reduced: `'mean'` (default), `'sum'` or `'max'`.
        sparse (bool): give the weight a sparse COO gradient (default False; not with mode 'max').
        _weight (Tensor, optional): use this tensor as the table instead of drawing N(0, 1).
        include_last_offset (bool): `offsets` has one extra entry, the end of the last bag (default False).
        padding_idx (int, optional): an index that adds nothing to its bag (and whose row gets no gradient).
        device (str or device, optional): where the parameters live.
        dtype (dtype, optional): the parameters' dtype (default float32).

    Returns:
        (EmbeddingBag): a module with `weight` (num_embeddings, embedding_dim); `bag(input, offsets=None,
            per_sample_weights=None)` with 2-D indices (B, n) or 1-D indices split at `offsets` (B,) gives (B,
            embedding_dim).

    Examples:
        >>> bag = nn.EmbeddingBag(10, 3, mode='sum')
        >>> bag
        EmbeddingBag(10, 3, mode='sum')
        >>> with retrograd.no_grad():
        ...     _ = bag.weight.copy_(retrograd.arange(30.0).reshape(10, 3))
        >>> bag(retrograd.tensor([[1, 2], [4, 5]])).detach()
        tensor([[ 9., 11., 13.],
                [27., 29., 31.]])
        >>> bag(retrograd.tensor([1, 2, 4]), retrograd.tensor([0, 2])).detach()
        tensor([[ 9., 11., 13.],
                [12., 13., 14.]])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Tensor | None = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: _dt.dtype | None = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if padding_idx is not None:
            if padding_idx >= num_embeddings or padding_idx < -num_embeddings:
                raise AssertionError("padding_idx must be within num_embeddings")
            padding_idx = padding_idx % num_embeddings
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(empty((num_embeddings, embedding_dim), device=device, dtype=dtype))
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    def reset_parameters(self) -> None:
        """Re-draw the table from N(0, 1) and zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input: Tensor, offsets: Tensor | None = None, per_sample_weights: Tensor | None = None) -> Tensor:
        return F.embedding_bag(
            input,
            self.weight,
            offsets,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.mode,
            self.sparse,
            per_sample_weights,
            self.include_last_offset,
            self.padding_idx,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings!r}, {self.embedding_dim!r}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx!r}"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag whose table is `embeddings` (shared, frozen unless freeze=False)."""
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        bag = cls(
            num_embeddings=rows,
            embedding_dim=cols,
            _weight=embeddings,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            mode=mode,
            sparse=sparse,
            include_last_offset=include_last_offset,
            padding_idx=padding_idx,
        )
        bag.weight.requires_grad = not freeze
        return bag
