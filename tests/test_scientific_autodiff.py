"""Details physics-informed and scientific programs print: PyTorch 2.13's values, checked on both.

- views of `unpack_dual`'s primal carry no tangent (PyTorch's primal is the value alone, so
  `p.T` or `p.exp()` inside a dual level prints without `tangent=`);
- running sums start at +0 (`cumsum([-0.])` is `[0.]`), which shows as `0.0000` rather than
  `-0.0000` in reverse-mode Jacobians of `cumsum` (its backward is a reversed running sum);
- an SVD of a matrix holding NaN raises PyTorch's LinAlgError, not NumPy's, from every function
  that takes one (pinv, matrix_rank, svdvals, cond, the 2-norm), naming the batch element.
"""

from __future__ import annotations

import math

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg] + ([torch] if torch is not None else [])
lib_param = pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)


def _signs(t):
    return [math.copysign(1.0, v) for v in t.flatten().tolist()]


@lib_param
def test_views_of_an_unpacked_primal_carry_no_tangent(lib):
    fwAD = lib.autograd.forward_ad
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(lib.tensor([1.0, 2.0]), lib.ones(2))
        p, t = fwAD.unpack_dual(d * w)
        assert t.tolist() == [3.0, 4.0]
        assert fwAD.unpack_dual(p.view(1, 2).T).tangent is None
        assert fwAD.unpack_dual(p[0]).tangent is None
        assert fwAD.unpack_dual(p.exp()).tangent is None
        assert "tangent" not in repr(p.view(2, 1))
        # the dual itself keeps its tangent, and so do its views
        assert fwAD.unpack_dual(d[1:]).tangent.tolist() == [1.0]


@lib_param
def test_cumsum_starts_from_positive_zero(lib):
    a = lib.tensor([-0.0, -0.0, 1.0, -0.0])
    assert _signs(a.cumsum(0)) == [1.0, 1.0, 1.0, 1.0]
    assert _signs(a.double().cumsum(0)) == [1.0, 1.0, 1.0, 1.0]
    assert _signs(lib.full((2, 3), -0.0).cumsum(1)) == [1.0] * 6
    assert _signs(a.half().cumsum(0)) == [1.0, 1.0, 1.0, 1.0]
    assert _signs(lib.logcumsumexp(lib.tensor([-0.0, -0.0], dtype=lib.float64), 0)) == [1.0, 1.0]
    assert _signs(lib.tensor(-0.0).cumsum(0)) == [-1.0]  # a 0-d input is returned as it is
    assert _signs(a.cumprod(0)) == [-1.0, 1.0, 1.0, -1.0]


@lib_param
def test_reverse_mode_jacobian_of_cumsum_has_positive_zeros(lib):
    u = lib.tensor([-0.5, -1.0, -2.0])
    jac = lib.autograd.functional.jacobian(lambda u: u.cumsum(0) ** 2, u, vectorize=True)
    assert _signs(jac[0]) == [-1.0, 1.0, 1.0]
    fwd = lib.autograd.functional.jacobian(lambda u: u.cumsum(0) ** 2, u, vectorize=True, strategy="forward-mode")
    assert _signs(fwd[0]) == [-1.0, -1.0, -1.0]


def _raises_svd_error(lib, fn, prefix=""):
    with pytest.raises(RuntimeError) as info:
        fn()
    assert type(info.value).__name__ == "_LinAlgError"
    assert str(info.value) == (
        f"linalg.svd: {prefix}The algorithm failed to converge because the input matrix contained non-finite values."
    )
    assert info.value.__suppress_context__ or info.value.__cause__ is None


@lib_param
@pytest.mark.parametrize("name", ["svd", "svdvals", "pinv", "matrix_rank", "norm2", "cond", "torch.svd"])
def test_svd_of_a_nan_matrix_raises_linalg_error(lib, name):
    a = lib.tensor([[1.0, float("nan")], [2.0, 3.0]])
    fns = {
        "svd": lambda: lib.linalg.svd(a),
        "svdvals": lambda: lib.linalg.svdvals(a.double()),
        "pinv": lambda: lib.linalg.pinv(a),
        "matrix_rank": lambda: lib.linalg.matrix_rank(a),
        "norm2": lambda: lib.linalg.matrix_norm(a, ord=2),
        "cond": lambda: lib.linalg.cond(a),
        "torch.svd": lambda: lib.svd(a),
    }
    _raises_svd_error(lib, fns[name])


@lib_param
def test_svd_nan_error_names_the_first_bad_batch_element(lib):
    a = lib.ones(4, 2, 3)
    a[2, 1, 1] = float("nan")
    a[3, 0, 0] = float("nan")
    _raises_svd_error(lib, lambda: lib.linalg.svdvals(a), "(Batch element 2): ")
    b = lib.ones(2, 2, 2, 3)
    b[1, 0, 1, 1] = float("nan")
    _raises_svd_error(lib, lambda: lib.linalg.svd(b, full_matrices=False), "(Batch element 2): ")


@lib_param
def test_svd_of_an_infinite_matrix_gives_nan_without_error(lib):
    a = lib.tensor([[float("inf"), 0.0], [0.0, 1.0]])
    assert all(math.isnan(v) for v in lib.linalg.svdvals(a).tolist())
    assert lib.linalg.pinv(a).tolist() == [[0.0, 0.0], [0.0, 0.0]]


@lib_param
def test_jacfwd_of_a_scalar_function_of_a_scalar_ends_in_a_squeeze(lib):
    # PyTorch's jacfwd splits the columns back into the input's shape; a 0-d input's one column is
    # squeezed away (SqueezeBackward1, SqueezeBackward2 under vmap) whatever the output's shape
    w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)

    def u(x):
        return (w * x).tanh().sum()

    jacfwd, vmap = lib.func.jacfwd, lib.func.vmap
    x = lib.tensor(0.3)
    assert type(jacfwd(u)(x).grad_fn).__name__ == "SqueezeBackward1"
    assert type(jacfwd(jacfwd(u))(x).grad_fn).__name__ == "SqueezeBackward1"
    assert type(lib.func.hessian(u)(x).grad_fn).__name__ == "SqueezeBackward1"
    assert type(vmap(jacfwd(u))(lib.tensor([0.3, 0.5])).grad_fn).__name__ == "SqueezeBackward2"
    assert type(jacfwd(u)(lib.tensor([0.3])).grad_fn).__name__ == "ViewBackward0"
    assert jacfwd(lambda x: (w * x).sum())(lib.tensor(0.0)).item() == pytest.approx(1.5)  # Σ w


@lib_param
def test_forward_mode_tangent_of_a_reduction_is_the_reduction_of_the_tangent(lib):
    # PyTorch's jvp of sum/mean is the same reduction of the input's tangent: a tangent that depends
    # on a parameter ends in SumBackward*/MeanBackward*
    fwAD = lib.autograd.forward_ad
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = lib.tensor([[1.0, -0.0], [2.0, 3.0]])
    with fwAD.dual_level():
        d = fwAD.make_dual(x, lib.tensor([[-0.0, -0.0], [1.0, -0.0]]))
        names = [
            type(fwAD.unpack_dual(f(d * w)).tangent.grad_fn).__name__
            for f in (lambda y: y.sum(), lambda y: y.sum(1), lambda y: y.mean(), lambda y: y.mean(0))
        ]
        assert names == ["SumBackward0", "SumBackward1", "MeanBackward0", "MeanBackward1"]
        assert _signs(fwAD.unpack_dual(d.sum(1)).tangent) == [1.0, 1.0]  # a sum of -0.0s is +0.0
        assert fwAD.unpack_dual((d * w).mean(0)).tangent.tolist() == [0.5, 0.0]


@lib_param
def test_forward_mode_tangents_of_products_end_in_an_add(lib):
    # PyTorch's jvp of mul, mm, addmm, mv, dot and bmm adds one term per input (a zero tensor for an
    # input without a tangent), so a tangent that depends on a parameter prints grad_fn=<AddBackward0>;
    # the zero term leaves the bits alone (a -0.0 stays)
    fwAD = lib.autograd.forward_ad
    lib.manual_seed(0)
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    W = lib.randn(2, 2, requires_grad=True)
    b = lib.randn(2, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(lib.tensor([1.0, 2.0]), lib.tensor([-0.0, 1.0]))
        D = d[None].expand(3, 2)
        calls = [
            lambda: d * w,
            lambda: (d * w) * 3.0,
            lambda: D @ W,
            lambda: lib.nn.functional.linear(D, W, b),
            lambda: W @ d,
            lambda: d.dot(w),
            lambda: lib.bmm(D[None], W[None]),
        ]
        for call in calls:
            assert type(fwAD.unpack_dual(call()).tangent.grad_fn).__name__ == "AddBackward0"
        assert _signs(fwAD.unpack_dual(d * w).tangent) == [-1.0, 1.0]
        assert fwAD.unpack_dual(d * 2).tangent.grad_fn is None
        assert type(fwAD.unpack_dual((d * w).square()).tangent.grad_fn).__name__ == "MulBackward0"


def test_linalg_error_is_named_as_pytorchs_under_the_alias():
    from retrograd._display_name import package_name

    assert rg.linalg.LinAlgError.__module__ == f"{package_name()}._C"
    assert rg.linalg.LinAlgError.__name__ == "_LinAlgError"
