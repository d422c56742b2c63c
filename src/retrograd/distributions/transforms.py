"""Transforms between constrained and unconstrained spaces, with log|det Jacobian| (PyTorch's names)."""

from __future__ import annotations

from .._display_name import public_class
from ._transform_base import (
    ComposeTransform,
    IndependentTransform,
    ReshapeTransform,
    Transform,
    _InverseTransform,
    identity_transform,
)
from ._transform_elementwise import (
    AbsTransform,
    AffineTransform,
    CumulativeDistributionTransform,
    ExpTransform,
    PowerTransform,
    SigmoidTransform,
    SoftplusTransform,
    TanhTransform,
)

# private in PyTorch too, but imported from here by libraries (pytorch-forecasting's logit encoder)
from ._transform_elementwise import _clipped_sigmoid as _clipped_sigmoid
from ._transform_vector import (
    CatTransform,
    CorrCholeskyTransform,
    LowerCholeskyTransform,
    PositiveDefiniteTransform,
    SoftmaxTransform,
    StackTransform,
    StickBreakingTransform,
)

__all__ = [
    "AbsTransform",
    "AffineTransform",
    "CatTransform",
    "ComposeTransform",
    "CorrCholeskyTransform",
    "CumulativeDistributionTransform",
    "ExpTransform",
    "IndependentTransform",
    "LowerCholeskyTransform",
    "PositiveDefiniteTransform",
    "PowerTransform",
    "ReshapeTransform",
    "SigmoidTransform",
    "SoftplusTransform",
    "TanhTransform",
    "SoftmaxTransform",
    "StackTransform",
    "StickBreakingTransform",
    "Transform",
    "identity_transform",
]

_ = _InverseTransform  # re-exported for code that checks isinstance against it

# defined in private modules, named by this one (as PyTorch's `torch.distributions.transforms.ExpTransform`)
for _name in __all__:
    if isinstance(globals()[_name], type):
        public_class(globals()[_name], "distributions.transforms")
public_class(_InverseTransform, "distributions.transforms")
