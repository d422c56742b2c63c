"""The op table's machinery: one `OpCase` per op, checked four ways.

A case calls the op through a module argument, `fn(m, *tensors)`, so the same
lambda runs with `m = retrograd` and `m = torch`. For each case the table test
checks
1. the forward against a NumPy reference in float64 (`ref`),
2. first derivatives against central finite differences (gradcheck),
3. second derivatives the same way (gradgradcheck),
4. values, gradients and dtypes against PyTorch on the same inputs (when importable).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import retrograd

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None


@dataclass
class OpCase:
    """One way of calling one public op, with inputs and how to check it."""

    name: str  # public name, e.g. "exp" or "linalg.inv"
    fn: Callable[..., Any]  # fn(module, *tensors) -> tensor(s)
    inputs: Callable[[np.random.Generator], list]  # float64 arrays (or ints/bools, not differentiated)
    ref: Callable[..., Any] | None = None  # NumPy reference on the same arrays
    grad: bool = True  # run gradcheck
    gradgrad: bool = True  # run gradgradcheck
    vs_torch: bool = True  # compare with PyTorch
    atol: float = 1e-7
    rtol: float = 1e-6
    variant: str = ""  # tells cases of the same op apart
    tags: tuple = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return self.name + (f"[{self.variant}]" if self.variant else "")


def rand(*shape: int, low: float = -1.0, high: float = 1.0) -> Callable[[np.random.Generator], np.ndarray]:
    """An input maker: uniform float64 values in [low, high)."""
    return lambda rng: rng.uniform(low, high, shape)


def positive(*shape: int) -> Callable[[np.random.Generator], np.ndarray]:
    return rand(*shape, low=0.5, high=2.0)


def away_from_zero(*shape: int) -> Callable[[np.random.Generator], np.ndarray]:
    """Values in ±[0.5, 2): safe for ops with a kink or pole at 0."""

    def make(rng: np.random.Generator) -> np.ndarray:
        v = rng.uniform(0.5, 2.0, shape)
        return v * rng.choice([-1.0, 1.0], shape)

    return make


def inputs_of(*makers: Callable[[np.random.Generator], Any]) -> Callable[[np.random.Generator], list]:
    return lambda rng: [m(rng) for m in makers]


def outputs(x: Any) -> list:
    """The tensors of an op's result, in order (tuples and named tuples flattened)."""
    if isinstance(x, (tuple, list)):
        out = []
        for item in x:
            out.extend(outputs(item))
        return out
    return [x]


def make_tensors(module: Any, arrays: list, requires_grad: bool) -> list:
    tensors = []
    for a in arrays:
        if isinstance(a, np.ndarray):
            t = module.tensor(a.copy())
            if requires_grad and a.dtype.kind == "f":
                t.requires_grad_(True)
            tensors.append(t)
        else:
            tensors.append(a)
    return tensors


def to_numpy(x: Any) -> Any:
    if torch is not None and isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, retrograd.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def float_outputs(result: Any) -> list:
    return [o for o in outputs(result) if isinstance(o, retrograd.Tensor) and o.is_floating_point()]
