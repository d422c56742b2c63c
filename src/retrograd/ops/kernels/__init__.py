"""Helpers with no primitive of their own, shared by the op families.

- `operands`: turning operands into tensors of the right dtype; wrapping dims and shape arguments
- `special`: erf, erfc, erfinv on arrays
- `windows`: sliding-window array kernels (im2col, col2im, the convolution products)
- `depthwise`: the convolution products of depthwise convolutions, without K-fold column matrices
- `guards`: PyTorch's argument checks (numbers that must fit a dtype, sizes, ranges, divisors)
- `accumulate`: float32/float16 sums, means and cumulative sums accumulated in float64
- `zero_batch`: the result of a layer on a zero-size batch, still on the graph
- `small_bmm`: batched matrix products summed in PyTorch's order where its CPU bmm loops (k·n·p < 400)

Nothing here has a public name (`__all__` is empty).
"""

from __future__ import annotations

__all__: list[str] = []
