"""The `*_copy` twins of the views (`unfold_copy`, `view_copy`, `t_copy`, ...): the view's values in
memory of their own, recorded by the view's node renamed as PyTorch names it."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


def _x(lib):
    return lib.arange(24.0).reshape(2, 3, 4).requires_grad_()


# (function, arguments after the input, the equivalent view as a method call)
CASES = {
    "unfold_copy": ((2, 2, 1), lambda x: x.unfold(2, 2, 1)),
    "view_copy": (((6, 4),), lambda x: x.view(6, 4)),
    "narrow_copy": ((1, 0, 2), lambda x: x.narrow(1, 0, 2)),
    "squeeze_copy": ((), lambda x: x.squeeze()),
    "slice_copy": ((1, 0, 2), lambda x: x[:, 0:2]),
    "as_strided_copy": (((2, 2), (1, 2)), lambda x: x.as_strided((2, 2), (1, 2))),
    "select_copy": ((1, 1), lambda x: x.select(1, 1)),
    "diagonal_copy": ((1, 1, 2), lambda x: x.diagonal(1, 1, 2)),
    "transpose_copy": ((0, 2), lambda x: x.transpose(0, 2)),
    "permute_copy": (((2, 0, 1),), lambda x: x.permute(2, 0, 1)),
    "unsqueeze_copy": ((1,), lambda x: x.unsqueeze(1)),
    "alias_copy": ((), lambda x: x),
}
NODE_NAMES = {
    "unfold_copy": "UnfoldBackward0_copy", "view_copy": "ViewBackward0_copy", "narrow_copy": "NarrowCopyBackward0",
    "squeeze_copy": "SqueezeBackward0_copy", "slice_copy": "SliceBackward0_copy",
    "as_strided_copy": "AsStridedBackward0_copy", "select_copy": "SelectBackward0_copy",
    "diagonal_copy": "DiagonalBackward0_copy", "transpose_copy": "TransposeBackward0_copy",
    "permute_copy": "PermuteBackward0_copy", "unsqueeze_copy": "UnsqueezeBackward0_copy",
    "alias_copy": "AliasBackward0_copy",
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_copy_has_the_views_values_in_memory_of_its_own(name):
    args, view = CASES[name]
    x = _x(retrograd)
    y = getattr(retrograd, name)(x, *args)
    np.testing.assert_array_equal(y.detach().numpy(), view(x).detach().numpy())
    assert y.is_contiguous() and y._base is None
    with retrograd.no_grad():
        y.add_(100)
    assert x.max().item() == 23.0  # writing the copy leaves the input alone


@pytest.mark.parametrize("name", sorted(CASES))
def test_copy_is_recorded_by_the_views_node_renamed(name):
    args, view = CASES[name]
    x = _x(retrograd)
    y = getattr(retrograd, name)(x, *args)
    assert type(y.grad_fn).__name__ == NODE_NAMES[name]
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "AccumulateGrad"  # no clone node between
    (y * y).sum().backward()
    expected = x.detach().clone().zero_()
    x2 = _x(retrograd)
    (view(x2) * view(x2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), x2.grad.numpy())
    assert not np.array_equal(x.grad.numpy(), expected.numpy())


def test_split_copy_pieces_share_one_node_and_fill_a_given_list():
    x = _x(retrograd)
    pieces = retrograd.split_copy(x, 2, 2)
    assert isinstance(pieces, tuple) and len(pieces) == 2
    assert pieces[0].grad_fn is pieces[1].grad_fn
    assert type(pieces[0].grad_fn).__name__ == "SplitBackward0_copy"
    assert [p.output_nr for p in pieces] == [0, 1]
    outs = [retrograd.empty(2, 3, 2), retrograd.empty(2, 3, 2, dtype=retrograd.float64)]
    assert retrograd.split_copy(x.detach(), 2, 2, out=outs) is None
    np.testing.assert_array_equal(outs[1].numpy(), x.detach().numpy()[..., 2:])
    with pytest.raises(RuntimeError, match="expected an out= argument of size 2, got size 1"):
        retrograd.split_copy(x.detach(), 2, 2, out=[outs[0]])
    assert type(retrograd.unbind_copy(x, 1)[2].grad_fn).__name__ == "UnbindBackward0_copy"
    sizes = retrograd.split_with_sizes_copy(x, [1, 2], 1)
    assert [tuple(p.shape) for p in sizes] == [(2, 1, 4), (2, 2, 4)]


def test_detach_copy_and_out_on_the_graph():
    x = _x(retrograd)
    d = retrograd.detach_copy(x)
    assert not d.requires_grad and d.grad_fn is None
    out = retrograd.empty(0)
    retrograd.t_copy(x[0], out=out)  # written as by copy_: the gradient reaches x
    assert out.shape == (4, 3) and out.requires_grad
    out.sum().backward()
    assert x.grad.sum().item() == 12.0
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        retrograd.narrow_copy(x, 0, 0, 1, out=retrograd.empty(0))  # as PyTorch's narrow_copy


def test_view_copy_to_a_dtype_and_errors():
    x = retrograd.ones(2, 3)
    np.testing.assert_array_equal(retrograd.view_copy(x, retrograd.int32).numpy(), np.full((2, 3), 1065353216))
    with pytest.raises(IndexError, match="0-dim"):
        retrograd.slice_copy(retrograd.tensor(1.0))
    with pytest.raises(RuntimeError, match="slice step must be positive"):
        retrograd.slice_copy(x, 1, 0, 2, 0)
    with pytest.raises(TypeError, match="t_copy"):
        retrograd.t_copy([1, 2])


def test_copies_of_a_sparse_tensors_parts():
    coo = retrograd.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse()
    np.testing.assert_array_equal(retrograd.values_copy(coo).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(retrograd.indices_copy(coo).numpy(), [[0, 1], [1, 0]])
    csr = retrograd.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse_csr()
    np.testing.assert_array_equal(retrograd.crow_indices_copy(csr).numpy(), [0, 1, 2])
    np.testing.assert_array_equal(retrograd.col_indices_copy(csr).numpy(), [1, 0])
    values = retrograd.values_copy(csr)
    values.add_(1)  # its own memory
    np.testing.assert_array_equal(csr.values().numpy(), [2.0, 3.0])
    csc = csr.to_dense().to_sparse_csc()
    np.testing.assert_array_equal(retrograd.ccol_indices_copy(csc).numpy(), [0, 1, 2])
    np.testing.assert_array_equal(retrograd.row_indices_copy(csc).numpy(), [1, 0])


@needs_torch
def test_sparse_part_copies_match_pytorch():
    def run(lib):
        csr = lib.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse_csr()
        csc = csr.to_dense().to_sparse_csc()
        return [f(m).numpy() for f, m in ((lib.values_copy, csr), (lib.crow_indices_copy, csr),
                                          (lib.col_indices_copy, csr), (lib.ccol_indices_copy, csc),
                                          (lib.row_indices_copy, csc))]  # fmt: skip

    for a, b in zip(run(retrograd), run(torch), strict=True):
        np.testing.assert_array_equal(a, b)


@needs_torch
@pytest.mark.parametrize("name", sorted(CASES) + ["split_copy", "unbind_copy", "split_with_sizes_copy", "expand_copy"])
def test_copies_match_pytorch_values_nodes_and_grads(name):
    extra = {"split_copy": (2, 2), "unbind_copy": (1,), "split_with_sizes_copy": ([1, 2], 1),
             "expand_copy": ((2, 2, 3, 4),)}  # fmt: skip
    args = extra[name] if name in extra else CASES[name][0]

    def run(lib):
        x = _x(lib)
        y = getattr(lib, name)(x, *args)
        ys = list(y) if isinstance(y, tuple) else [y]
        sum((p * p).sum() for p in ys).backward()
        return ([p.detach().numpy() for p in ys], [type(p.grad_fn).__name__ for p in ys],
                [p.is_contiguous() for p in ys], x.grad.numpy())  # fmt: skip

    ours, theirs = run(retrograd), run(torch)
    for a, b in zip(ours[0], theirs[0], strict=True):
        np.testing.assert_array_equal(a, b)
    assert ours[1:3] == theirs[1:3]
    np.testing.assert_array_equal(ours[3], theirs[3])
