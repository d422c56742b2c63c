"""The graph nodes of vmap's results, as printed in their reprs (`grad_fn=<AddBackward0>`).

PyTorch's batching rules decompose some ops differently from their unbatched paths: a linear
layer on one example is a matmul and an add, a matrix times a batch of vectors is one mm whose
batch dim is moved to the front. Each case runs on retrograd and, where installed, on PyTorch.
"""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])


def _node_and_values(lib, fn, *args):
    out = lib.func.vmap(fn)(*args)
    return out.grad_fn.name(), out.detach().double().tolist()


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "shape, with_bias, node",
    [
        ((2, 3), True, "AddBackward0"),  # one example is a vector: matmul, then the bias added
        ((2, 3), False, "SqueezeBackward5"),
        ((2, 1, 3), True, "AddBackward0"),  # a matrix: addmm, whose rule adds the bias
        ((2, 1, 1, 3), True, "ViewBackward0"),  # 3-D and contiguous: flattened to one addmm
    ],
)
def test_linear_under_vmap_records_pytorchs_nodes(lib, shape, with_bias, node):
    w = lib.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]], requires_grad=True)
    b = lib.tensor([0.5, -0.5], requires_grad=True) if with_bias else None
    x = lib.arange(6.0).reshape(shape)
    name, values = _node_and_values(lib, lambda a: lib.nn.functional.linear(a, w, b), x)
    assert name == node
    expected = [[4.5, -1.5], [13.5, -1.5]] if with_bias else [[4.0, -1.0], [13.0, -1.0]]
    assert lib.tensor(values).reshape(2, 2).tolist() == expected


@pytest.mark.parametrize("lib", LIBS)
def test_linear_with_batched_weights_and_one_vector(lib):
    x = lib.tensor([1.0, 2.0])
    w = lib.arange(8.0).reshape(2, 2, 2).requires_grad_()
    b = lib.ones(2, 2, requires_grad=True)
    name, values = _node_and_values(lib, lambda ww, bb: lib.nn.functional.linear(x, ww, bb), w, b)
    assert name == "AddBackward0"
    assert values == [[3.0, 9.0], [15.0, 21.0]]


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "case, node, expected",
    [
        ("matrix_times_batched_vectors", "PermuteBackward0", [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        ("batched_matrices_times_vector", "UnsafeViewBackward0", [[1.0, 5.0], [9.0, 13.0], [17.0, 21.0]]),
        ("both_batched", "SqueezeBackward1", [[2.0, 8.0], [32.0, 46.0], [94.0, 116.0]]),
        ("batched_vectors_dot_vector", "MvBackward0", [1.0, 5.0, 9.0]),
        ("vector_dot_batched_vectors", "SqueezeBackward4", [1.0, 5.0, 9.0]),  # a row times the batch
    ],
)
def test_matrix_vector_products_under_vmap(lib, case, node, expected):
    eye = lib.eye(2, requires_grad=True)
    ones = lib.ones(2, requires_grad=True)
    vectors = lib.arange(1.0, 7.0).reshape(3, 2).requires_grad_()
    matrices = lib.arange(12.0).reshape(3, 2, 2).requires_grad_()
    fn, args = {
        "matrix_times_batched_vectors": (lambda v: lib.mv(eye, v), (vectors,)),
        "batched_matrices_times_vector": (lambda m: m @ ones, (matrices,)),
        "both_batched": (lib.mv, (matrices, vectors)),
        "batched_vectors_dot_vector": (lambda v: v @ ones, (lib.arange(6.0).reshape(3, 2).requires_grad_(),)),
        "vector_dot_batched_vectors": (lambda v: lib.dot(ones, v), (lib.arange(6.0).reshape(3, 2).requires_grad_(),)),
    }[case]
    name, values = _node_and_values(lib, fn, *args)
    assert (name, values) == (node, expected)


# --- jacfwd: a vmap of jvps, its columns split into the input's shape -----------------------------


@pytest.mark.parametrize("lib", LIBS)
def test_jacfwd_result_is_a_view_of_its_columns(lib):
    m = lib.tensor([[0.0, 1.0], [2.0, 3.0]], requires_grad=True)
    jac = lib.func.jacfwd(lambda z: z * z)(m)
    assert jac.grad_fn.name() == "ViewBackward0"  # unflatten of the moved columns, not a reshape copy
    assert jac.shape == (2, 2, 2, 2)
    assert jac.detach().reshape(4, 4).diagonal().tolist() == [0.0, 2.0, 4.0, 6.0]
    hess = lib.func.jacfwd(lib.func.jacrev(lambda z: (z**3).sum()))(m)
    assert hess.grad_fn.name() == "ViewBackward0"
    assert hess.detach().reshape(4, 4).diagonal().tolist() == [0.0, 6.0, 12.0, 18.0]


# --- pointwise losses: elementwise over the batch, reduced per example ----------------------------


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "reduction, node, expected",
    [("mean", "MeanBackward1", [2.5, 10.0]), ("sum", "SumBackward1", [5.0, 20.0]), ("none", "ViewBackward0", None)],
)
@pytest.mark.parametrize("loss", ["mse_loss", "smooth_l1_loss", "huber_loss"])
def test_pointwise_losses_under_vmap(lib, loss, reduction, node, expected):
    x = lib.tensor([[[1.0], [2.0]], [[2.0], [4.0]]], requires_grad=True)  # two examples of shape (2, 1)
    fn = getattr(lib.nn.functional, loss)
    name, values = _node_and_values(lib, lambda a: fn(a, lib.zeros(2, 1), reduction=reduction), x)
    assert name == node
    if loss == "mse_loss":
        assert values == (expected if expected is not None else [[[1.0], [4.0]], [[4.0], [16.0]]])


@pytest.mark.parametrize("lib", LIBS)
def test_trace_under_vmap_is_the_diagonal_summed(lib):
    # PyTorch's batching rule for trace is diagonal().sum(-1): one pass, recorded as SumBackward1 on
    # DiagonalBackward0 (the Laplacian of a network: vmap over trace(hessian(f)(x)))
    x = lib.arange(24.0).reshape(2, 3, 4).requires_grad_()
    out = lib.func.vmap(lib.trace)(x)
    assert out.grad_fn.name() == "SumBackward1"
    assert out.grad_fn.next_functions[0][0].name() == "DiagonalBackward0"
    assert out.tolist() == [15.0, 51.0]
    out.sum().backward()
    assert x.grad.tolist() == [[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]] * 2
    ints = lib.func.vmap(lib.trace)(lib.arange(18).reshape(2, 3, 3))
    assert ints.dtype == lib.int64 and ints.tolist() == [12, 39]
    laplacian = lib.func.vmap(lambda z: lib.trace(lib.func.hessian(lambda v: (v**3).sum())(z)))
    assert laplacian(lib.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist() == [18.0, 42.0]


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "case, node",
    [
        ("squeeze", "ViewBackward0"),  # squeeze() views the batched value in the squeezed shape
        ("squeeze_dim", "SqueezeBackward2"),  # squeeze(dim) squeezes a list of dims (squeeze.dims)
        ("squeeze_dims", "SqueezeBackward2"),
    ],
)
def test_squeeze_under_vmap_records_pytorchs_nodes(lib, case, node):
    x = lib.arange(6.0).reshape(3, 1, 2).requires_grad_()
    fn = {
        "squeeze": lambda v: v.squeeze(),
        "squeeze_dim": lambda v: v.squeeze(0),
        "squeeze_dims": lambda v: v.squeeze((0,)),
    }[case]
    name, values = _node_and_values(lib, fn, x)
    assert name == node
    assert values == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    y = lib.func.vmap(fn)(x)
    y.backward(lib.ones(3, 2))
    assert x.grad.tolist() == [[[1.0, 1.0]]] * 3
