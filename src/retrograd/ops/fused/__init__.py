"""Fused kernels that only `retrograd.nn.functional` calls: one primitive for a whole layer.

- `loss`: nll_loss on class indices, binary_cross_entropy
- `pointwise_loss`: mse, smooth_l1, huber, soft_margin, binary_cross_entropy_with_logits
- `normalization`: layer_norm, batch_norm, group_norm
- `conv`: convolution and its transpose
- `pooling`: max and average pooling, adaptive pooling
- `resample`: interpolation and the reflect/replicate/circular pads
- `affine_grid`: affine_grid's product of the base grid and the affine maps
- `grid_sampler`: grid_sample, one primitive per dimensionality, on `grid_sampler_2d` / `_3d` (PyTorch's
  CPU arithmetic), `grid_coordinates`, `grid_scatter`; `grid_sample_composed` for higher derivatives

Nothing here has a top-level name (`__all__` is empty): PyTorch has these as `F.*`.
"""

from __future__ import annotations

__all__: list[str] = []
