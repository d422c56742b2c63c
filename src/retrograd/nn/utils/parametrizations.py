"""The built-in parametrizations: orthogonal, weight_norm and spectral_norm (torch.nn.utils.parametrizations).

Each registers a small module with `parametrize.register_parametrization`, so the
originals live under `parametrizations.<name>.original` (`original0`/`original1` for
weight_norm's g and v) exactly as in PyTorch.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import ops
from ...engine.grad_mode import no_grad
from ...linalg import qr, solve
from ...ops.weight_normalization import _weight_norm, norm_except_dim
from ...random import randn
from ...tensor import Tensor
from .. import functional as F
from ..modules.module import Module
from . import parametrize

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def _eye_like(x: Tensor, n: int) -> Tensor:
    return ops.eye(n, dtype=x.dtype, device=x.device)


def _householder_product(a: Tensor, tau: Tensor) -> Tensor:
    """The first k columns of H_0 H_1 ... H_{k-1}, H_i = I - tau_i v_i v_iᵀ, v_i = e_i + a[i+1:, i].

    `a` (..., n, k) holds the reflectors below its diagonal (LAPACK's convention); built from
    differentiable ops, so gradients flow to `a` and `tau`.
    """
    n, k = a.size(-2), a.size(-1)
    below = ops.tril(a, -1)
    unit = _eye_like(a, n)
    q = unit.expand(*a.shape[:-2], n, n)
    for i in range(k):
        v = (below[..., :, i] + unit[:, i]).unsqueeze(-1)
        q = q - (q @ v) @ (v.transpose(-1, -2) * tau[..., i].unsqueeze(-1).unsqueeze(-1))
    return q[..., :k]


def _geqrf(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK's geqrf on one matrix: R on and above the diagonal, the reflectors below, and their taus."""
    a = q.astype(np.float64, copy=True)
    n, k = a.shape
    tau = np.zeros(min(n, k))
    for j in range(min(n, k)):
        alpha, below = a[j, j], a[j + 1 :, j]
        xnorm = np.linalg.norm(below)
        if xnorm == 0.0:
            continue
        beta = -np.copysign(np.hypot(alpha, xnorm), alpha)
        tau[j] = (beta - alpha) / beta
        v = np.concatenate([[1.0], below / (alpha - beta)])
        a[j:, j + 1 :] -= tau[j] * np.outer(v, v @ a[j:, j + 1 :])
        a[j, j], a[j + 1 :, j] = beta, v[1:]
    return a, tau


def _make_orthogonal(a: Tensor) -> Tensor:
    """Q of A = QR (A tall) with diag(R) made non-negative."""
    q, r = qr(a)
    return q * ops.sgn(r.diagonal(dim1=-2, dim2=-1)).unsqueeze(-2)


def _is_orthogonal(q: Tensor) -> bool:
    n, k = q.size(-2), q.size(-1)
    eps = 10.0 * n * float(np.finfo(np.dtype(str(q.dtype).split(".")[-1])).eps)
    return bool(ops.allclose(q.transpose(-1, -2) @ q, _eye_like(q, k), atol=eps))


class _OrthMaps(enum.Enum):
    matrix_exp = enum.auto()
    cayley = enum.auto()
    householder = enum.auto()


class _Orthogonal(Module):
    """Q = map(X) orthogonal; with the trivialization, Q = base @ map(X) and `base` is reset on assignment."""

    def __init__(self, weight: Tensor, orthogonal_map: _OrthMaps, *, use_trivialization: bool = True) -> None:
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X: Tensor) -> Tensor:
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.transpose(-1, -2)
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = ops.tril(X)
            if n != k:
                X = ops.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], -1)
            A = X - X.transpose(-1, -2)
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = ops.matrix_exp(A)
            else:
                unit = _eye_like(A, n)
                Q = solve(unit - 0.5 * A, unit + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = ops.tril(X, -1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if "base" in self._buffers:
            Q = self.base @ Q
        return Q.transpose(-1, -2) if transposed else Q

    def right_inverse(self, Q: Tensor) -> Tensor:
        """An original that gives Q: with the trivialization, base = Q (orthogonalised) and X = -I."""
        with no_grad():
            if Q.shape != self.shape:
                raise ValueError(
                    f"Expected a matrix or batch of matrices of shape {self.shape}. Got a tensor of shape {Q.shape}."
                )
            Q_init = Q
            n, k = Q.size(-2), Q.size(-1)
            transpose = n < k
            if transpose:
                Q = Q.transpose(-1, -2)
                n, k = k, n
            if "base" not in self._buffers:
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError(
                        "It is not possible to assign to the matrix exponential or the Cayley parametrizations when "
                        "use_trivialization=False."
                    )
                return _householder_original(Q, transpose)
            if n == k:
                Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
            else:
                N = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype, device=Q.device)
                Q = _make_orthogonal(ops.cat([Q, N], -1))
            self.base = Q
            neg_eye = ops.zeros_like(Q_init)
            neg_eye.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
            return neg_eye


def _householder_original(Q: Tensor, transpose: bool) -> Tensor:
    """geqrf(Q) with the diagonal replaced by its signs (flipped where tau is 0): what the householder map inverts."""
    q = Q.detach().numpy()
    batch = q.reshape(-1, *q.shape[-2:])
    out = np.empty_like(batch, dtype=np.float64)
    for i, m in enumerate(batch):
        a, tau = _geqrf(m)
        diag = np.sign(np.diagonal(a)).copy()
        diag[tau == 0.0] *= -1
        np.fill_diagonal(a, diag)
        out[i] = a
    A = ops.tensor(out.reshape(q.shape), dtype=Q.dtype, device=Q.device)
    return A.transpose(-1, -2) if transpose else A


def orthogonal(
    module: Module, name: str = "weight", orthogonal_map: str | None = None, *, use_trivialization: bool = True
) -> Module:
    """Make `module.<name>` an orthogonal matrix (or batch): Qᵀ Q = I (tall) or Q Qᵀ = I (wide).

    Args:
        module (Module): the module holding the matrix.
        name (str): the tensor's name (default 'weight').
        orthogonal_map (str, optional): `'matrix_exp'`, `'cayley'` or `'householder'`; the default is matrix_exp for
            square or complex matrices, else householder.
        use_trivialization (bool): keep the original as a base times the map of an unconstrained matrix, which
            optimisers handle better (default True).

    Returns:
        Module: `module`, with `<name>` parametrized to stay orthogonal (QᵀQ = I for tall, QQᵀ = I for wide).

    Examples:
        >>> layer = nn.utils.parametrizations.orthogonal(nn.Linear(4, 3))
        >>> w = layer.weight
        >>> retrograd.allclose(w @ w.T, retrograd.eye(3), atol=1e-5)
        True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        square = weight.size(-2) == weight.size(-1)
        orthogonal_map = "matrix_exp" if square or weight.is_complex() else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError(
            f'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: {orthogonal_map}'
        )
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


class _WeightNorm(Module):
    """w = g · v / ‖v‖, the norm taken over every dim but `dim` (over all of v when dim is None)."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Split `module.<name>` into a magnitude g (original0) and a direction v (original1).

    Args:
        module (Module): the module holding the tensor.
        name (str): the tensor's name (default 'weight').
        dim (int, optional): the dim kept by the norm (default 0, one magnitude per output row); None for one norm
            of the whole tensor.

    Returns:
        Module: `module`, with `<name> = g · v / ‖v‖` where g is `parametrizations.<name>.original0` and v `original1`.

    Examples:
        >>> m = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2))
        >>> p = m.parametrizations.weight
        >>> p.original0.shape, p.original1.shape
        (retrograd.Size([2, 1]), retrograd.Size([2, 3]))
        >>> retrograd.allclose(m.weight, p.original1)
        True
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook(name))
    return module


def _weight_norm_compat_hook(name: str) -> Callable[..., None]:
    """A load_state_dict pre-hook that renames the `<name>_g`, `<name>_v` pair saved by the older
    `nn.utils.weight_norm` to this parametrization's `original0`, `original1`, as PyTorch's does,
    so checkpoints made before the switch still load."""

    def rename(state_dict: dict, prefix: str, *rest: Any) -> None:
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    return rename


class _SpectralNorm(Module):
    """W / σ(W), σ estimated by power iteration on the buffers _u and _v (updated in training mode)."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(
                f"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight: Tensor) -> Tensor:
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat: Tensor, n_power_iterations: int) -> None:
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(ops.mv(weight_mat, self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(ops.mv(weight_mat.t(), self._u), dim=0, eps=self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u, v = self._u.clone(), self._v.clone()
        sigma = ops.vdot(u, ops.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(
    module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12, dim: int | None = None
) -> Module:
    """Divide `module.<name>` by its largest singular value, estimated by power iteration.

    Args:
        module (Module): the module holding the tensor.
        name (str): the tensor's name (default 'weight').
        n_power_iterations (int): power-iteration steps per training forward (default 1).
        eps (float): keeps the normalisations finite (default 1e-12).
        dim (int, optional): the output dim (default 0, or 1 for transposed convolutions).

    Returns:
        Module: `module`, with `<name>` divided by its (estimated) largest singular value.

    Examples:
        >>> m = nn.utils.parametrizations.spectral_norm(nn.Linear(5, 4))
        >>> for _ in range(20):
        ...     _ = m(retrograd.ones(1, 5))
        >>> round(retrograd.linalg.matrix_norm(m.weight, ord=2).item(), 2)
        1.0
    """
    from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d

    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
