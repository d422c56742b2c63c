"""`nn.LinearCrossEntropyOptions`: how `F.linear_cross_entropy` splits the batch into chunks.

Passing an instance (even `LinearCrossEntropyOptions()`) opts into the chunked computation,
which never holds the whole (N, C) logits; `options=None` is the reference path. The fields and
their resolution at call time follow PyTorch 2.13:

- `batch_chunk_size`: rows per chunk (None: the whole batch, unless a chunking method sizes it);
- `chunking_method`: "aspect_ratio[:k]" sizes a chunk's (rows, C) logits like the (N, in) input,
  divided by k: the next power of two >= ceil(N / ceil(C / in)), then // k; "auto" is
  "aspect_ratio:2" on the CPU for float32/float64 and "aspect_ratio" for float16/bfloat16; None
  uses `batch_chunk_size`;
- `acc_policy`: "accurate" keeps the logits in `acc_dtype`; "balanced" and "compact" round them to
  the input's dtype (they differ in GPU memory layout only); "auto" is "accurate" for
  float16/bfloat16 on the CPU and "compact" otherwise;
- `acc_dtype`: the accumulation dtype (None: float32 for float16/bfloat16 inputs under "auto",
  else the input's dtype);
- `allow_retain_graph`: keep the precomputed gradients for a second backward.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ... import dtypes as _dt

__all__ = ["LinearCrossEntropyOptions"]

_HALF = ("float16", "bfloat16")


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """Options of the chunked `F.linear_cross_entropy`; an instance opts in, None uses the reference path.

    Args:
        allow_retain_graph (bool): keep the gradients the forward computes, so a second backward
            (retain_graph=True) works, at the cost of one gradient-sized copy (default False).
        batch_chunk_size (int, optional): rows per chunk; None: one chunk, or the chunking method's.
        chunking_method (str, optional): "auto" (default), "aspect_ratio" or "aspect_ratio:k", or
            None to use `batch_chunk_size`.
        acc_policy (str): "auto" (default), "accurate", "balanced" or "compact".
        acc_dtype (dtype, optional): the accumulation dtype; float32 for half inputs by default.

    Returns:
        (LinearCrossEntropyOptions): the frozen options.

    Examples:
        >>> nn.LinearCrossEntropyOptions(batch_chunk_size=128)
        LinearCrossEntropyOptions(allow_retain_graph=False, batch_chunk_size=128, chunking_method='auto', acc_policy='auto', acc_dtype=None)
    """  # noqa: E501

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: Any = None

    def __post_init__(self) -> None:
        if self.acc_policy not in {"auto", "accurate", "balanced", "compact"}:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            _aspect_ratio_factor(self.chunking_method)
        if not (self.batch_chunk_size is None
                or (isinstance(self.batch_chunk_size, int) and self.batch_chunk_size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {self.batch_chunk_size!r}")
        allowed = (_dt.float16, _dt.bfloat16, _dt.float32, _dt.float64)
        if self.acc_dtype is not None and self.acc_dtype not in allowed:
            raise ValueError(
                f"acc_dtype must be one of {{None, torch.float16, torch.bfloat16, torch.float32, torch.float64}}, "
                f"got {self.acc_dtype!r}. Pass acc_dtype=None to let the op pick automatically."
            )

    def resolved(self, rows: int, in_features: int, n_classes: int, dtype: Any) -> tuple[int, Any, bool]:
        """(rows per chunk, accumulation dtype, whether the logits stay in it) for one call."""
        half = dtype.name in _HALF
        policy, method = self.acc_policy, self.chunking_method
        if method == "auto" and self.batch_chunk_size is not None:
            method = None  # an explicit size wins over the automatic method
        if policy == "auto":
            policy = "accurate" if half else "compact"
        if method == "auto":
            method = "aspect_ratio" if half else "aspect_ratio:2"
        chunk = rows if self.batch_chunk_size is None else min(self.batch_chunk_size, rows)
        if method is not None:
            by_method = _aspect_ratio_chunk(rows, in_features, n_classes, _aspect_ratio_factor(method))
            if self.batch_chunk_size is not None and self.batch_chunk_size != by_method:
                raise ValueError(
                    f"batch_chunk_size (={self.batch_chunk_size}) and chunking_method ('{method}') give different "
                    f"chunk sizes ({self.batch_chunk_size} vs {by_method}); pass only one."
                )
            chunk = by_method
        if self.acc_dtype is not None:
            acc = self.acc_dtype
        else:
            acc = _dt.float32 if half and self.acc_policy == "auto" else dtype
        if acc != dtype and not (half and acc == _dt.float32):
            raise RuntimeError(
                f"linear_cross_entropy supports float32 acc_dtype with float16/bfloat16 inputs, but got {acc} "
                f"acc_dtype and {dtype} inputs."
            )
        return max(1, chunk), acc, policy == "accurate"


def _aspect_ratio_factor(method: str) -> int:
    """k of "aspect_ratio:k" (1 without it); ValueError for any other method."""
    name, sep, factor = method.partition(":")
    factor = factor if sep else "1"
    if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
        raise ValueError(f"invalid chunking_method: {method!r}")
    return int(factor)


def _aspect_ratio_chunk(rows: int, in_features: int, n_classes: int, factor: int) -> int:
    """Rows whose (rows, C) logits take about the (N, in) input's memory, divided by `factor`."""
    per_row = -(-n_classes // in_features)
    target = -(-rows // per_row)
    return min((1 << (target - 1).bit_length()) // factor, rows)
