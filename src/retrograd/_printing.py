"""Placeholder printing (replaced by the full PyTorch-compatible formatter)."""

from __future__ import annotations


def tensor_repr(t) -> str:
    import numpy as np

    body = np.array2string(t._data, separator=", ", precision=4)
    suffix = ""
    if t._grad_fn is not None:
        suffix = f", grad_fn=<{t._grad_fn.name()}>"
    elif t._requires_grad:
        suffix = ", requires_grad=True"
    return f"tensor({body}{suffix})"


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    pass


def get_printoptions():
    return {}
