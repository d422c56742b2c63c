"""The autograd engine: records graphs as ops run and walks them backward.

Modules, bottom to top: `grad_mode` (thread-local recording flags), `tensor_type` (the Tensor
class, registered by `retrograd.tensor`), `anomaly_mode`, `inference` (inference tensors), `graph`
(nodes, saved tensors, hooks), `views` (view recipes and edges), `fit` (gradients fitted to their input),
`backward` (the backward pass), `forward_ad`, `primitive` (an op: forward plus one rule
per input) and `inplace` (in-place ops and views). Nothing here imports `retrograd.tensor`
or `retrograd.ops`.
"""

from . import primitive, tensor_type


def register_tensor(cls: type) -> None:
    """Tell the engine which class its tensors are; `retrograd.tensor` calls this once."""
    tensor_type.register(cls)
    primitive._make = cls._make  # type: ignore[attr-defined]  # a module global: read on every op
