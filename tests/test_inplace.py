"""In-place ops, views and version counters; memory release of graphs."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def leaf(values, module=rg):
    return module.tensor(values, dtype=module.float64, requires_grad=True)


def test_views_share_memory_and_version():
    x = rg.arange(6.0)
    v = x.view(2, 3)
    t = v.t()
    x.add_(1)
    assert v.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert t._version == v._version == x._version == 1
    t.mul_(2)
    assert x.tolist() == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
    assert x._version == 2


def test_in_place_on_leaf_that_requires_grad_raises():
    x = leaf([1.0, 2.0])
    with pytest.raises(
        RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."
    ):
        x.mul_(2)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x.view(2, 1).mul_(2)
    with rg.no_grad():
        x.mul_(2)  # allowed: this is how optimizers update parameters
    assert x.tolist() == [2.0, 4.0]


def test_modified_saved_tensor_raises_at_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"output 0 of Exp, is at version 1; expected version 0"):
        y.sum().backward()
    a = rg.tensor([1.0, 2.0], dtype=rg.float64)
    z = x * a
    a.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def modified_saved_input_story(m):
    """The version error for each kind of saved tensor changed in place: an input made by an op
    (named by the op that last wrote it), a custom Function's input, an output, a leaf and a
    constant (no op to name); and the hint under anomaly mode."""
    import warnings

    def message(f):
        try:
            f()
        except RuntimeError as e:
            return str(e).split("modified by an inplace operation: ")[1]

    class Sq(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x

    y, seen = m.ones(3, requires_grad=True), []
    a = y.clone(); b = a * a; a.add_(1)  # noqa: E702
    seen.append(message(b.sum().backward))
    a = y.clone(); b = Sq.apply(a); a.mul_(2)  # noqa: E702
    seen.append(message(b.sum().backward))
    a = y.exp(); b = a.exp(); b.add_(1)  # noqa: E702
    seen.append(message(b.sum().backward))
    w = m.ones(3, requires_grad=True); b = w * w  # noqa: E702
    with m.no_grad():
        w.add_(1)
    seen.append(message(b.sum().backward))
    c = m.ones(3); b = y * c; c.add_(1)  # noqa: E702
    seen.append(message(b.sum().backward))
    a = y.clone(); b = a * a; a.add_(1)  # noqa: E702
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anomaly mode's own warnings
        with m.autograd.detect_anomaly():
            seen.append(message(b.sum().backward))
    return [s.replace(m.__name__ + ".", "torch.") for s in seen]


def test_modified_saved_input_names_the_op_that_wrote_it():
    plain = ("is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation "
             "that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
    assert modified_saved_input_story(rg) == [
        "[torch.FloatTensor [3]], which is output 0 of Add, " + plain,
        "[torch.FloatTensor [3]], which is output 0 of Mul, " + plain,
        "[torch.FloatTensor [3]], which is output 0 of Exp, " + plain,
        "[torch.FloatTensor [3]] " + plain,
        "[torch.FloatTensor [3]] " + plain,
        "[torch.FloatTensor [3]], which is output 0 of Add, is at version 1; expected version 0 instead. Hint: the "
        "backtrace further above shows the operation that failed to compute its gradient. The variable in question "
        "was changed in there or anywhere later. Good luck!",
    ]


@needs_torch
def test_modified_saved_input_names_the_op_that_wrote_it_as_pytorch():
    assert modified_saved_input_story(rg) == modified_saved_input_story(torch)


# The in-place op that last wrote a saved input, named as PyTorch names it: its node's name without
# "Backward0", an overload's number kept (clamp_ with a number is ClampBackward1: "Clamp1"), C++ nodes whole
_WRITERS = {
    "clamp_": lambda m, y: y.clamp_(min=0),
    "clamp_tensor": lambda m, y: y.clamp_(min=m.zeros(2, dtype=y.dtype)),
    "masked_fill_tensor": lambda m, y: y.masked_fill_(y > 0, m.tensor(1.0, dtype=y.dtype)),
    "fill_": lambda m, y: y.fill_(1.0),
    "scatter_value": lambda m, y: y.scatter_(0, m.tensor([0]), 1.0),
    "copy_": lambda m, y: y.copy_(m.ones(2, dtype=y.dtype)),
    "mul_": lambda m, y: y.mul_(2.0),
}


def _writer_names(m):
    names = {}
    for key, write in _WRITERS.items():
        y = leaf([-1.0, 2.0], m) * 1
        z = y * y
        write(m, y)
        try:
            z.sum().backward()
        except RuntimeError as e:
            names[key] = str(e).split("which is output 0 of ")[1].split(",")[0]
    return names


def test_modified_saved_input_names_the_overload_that_wrote_it():
    assert _writer_names(rg) == {
        "clamp_": "Clamp1", "clamp_tensor": "Clamp", "masked_fill_tensor": "MaskedFill1", "fill_": "Fill2",
        "scatter_value": "Scatter1", "copy_": "torch::autograd::CopyBackwards", "mul_": "Mul",
    }


@needs_torch
def test_modified_saved_input_names_the_overload_that_wrote_it_vs_torch():
    assert _writer_names(rg) == _writer_names(torch)


def test_in_place_ops_move_the_tensor_onto_the_new_node():
    x = leaf([1.0, 2.0])
    y = x * 1
    y.mul_(3)
    y.exp_()
    assert y.grad_fn.name() == "ExpBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.exp([3.0, 6.0]))


def test_in_place_with_self_as_saved_input():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = x * 1
    y.mul_(w)  # d/dw needs the old value of y, which mul_ overwrote
    y.sum().backward()
    assert w.grad.tolist() == [1.0, 2.0]
    assert x.grad.tolist() == [3.0, 4.0]


def test_in_place_dtype_rules():
    i = rg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        i.add_(1.5)
    i.add_(True)
    assert i.tolist() == [2, 3]
    f = rg.tensor([1.0, 2.0])
    f.add_(rg.tensor([1, 1]))
    assert f.dtype == rg.float32 and f.tolist() == [2.0, 3.0]
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        f.add_(rg.ones(2, 2))


@pytest.mark.parametrize(
    ("dst", "src", "message"),
    [
        ((), (1,), "output with shape [] doesn't match the broadcast shape [1]"),
        ((3,), (2, 3), "output with shape [3] doesn't match the broadcast shape [2, 3]"),
        ((2, 1), (2, 3), "output with shape [2, 1] doesn't match the broadcast shape [2, 3]"),
        ((3,), (2,), "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
        ((2, 3), (2, 4), "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"),
    ],
)
def test_copy_shape_errors_name_the_shapes_as_pytorch(dst, src, message):
    """Shapes that broadcast past the destination's, and shapes that do not broadcast at all."""
    with pytest.raises(RuntimeError) as info:
        rg.zeros(dst).copy_(rg.ones(src))
    assert str(info.value) == message


def test_augmented_assignment_keeps_identity():
    x = rg.tensor([1.0, 2.0])
    before = x
    x += 1
    x *= 2
    x -= 1
    x /= 3
    assert x is before
    np.testing.assert_allclose(x.numpy(), [1.0, 5.0 / 3.0])


def test_expanded_tensor_cannot_be_written():
    x = rg.tensor([1.0]).expand(3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        x.add_(1)


@needs_torch
def test_in_place_on_view_matches_pytorch():
    def program(m):
        x = leaf([[1.0, 2.0], [3.0, 4.0]], m)
        y = x * 2
        v = y.t()  # a view of y
        v.mul_(v.detach() + 1)
        u = y.view(4)  # a second view, made before the change... after it here
        out = (u * m.tensor([1.0, 2.0, 3.0, 4.0], dtype=m.float64)).sum() + y.sum()
        out.backward()
        return x.grad.detach().numpy(), y.detach().numpy(), v.grad_fn.name()

    ours, theirs = program(rg), program(torch)
    np.testing.assert_allclose(ours[0], theirs[0])
    np.testing.assert_allclose(ours[1], theirs[1])


@needs_torch
def test_in_place_on_view_with_value_requiring_grad_matches_pytorch():
    def program(m):
        x = leaf([1.0, 2.0, 3.0, 4.0], m)
        w = leaf([10.0, 20.0], m)
        y = x * 1
        part = y.view(2, 2).select(0, 1) if hasattr(y, "select") else y.view(2, 2)[1]
        part.copy_(w * w)
        (y * y).sum().backward()
        return x.grad.numpy(), w.grad.numpy(), y.grad_fn.name()

    if not hasattr(rg.ops, "select") and not hasattr(rg.ops, "getitem"):
        pytest.skip("select/getitem not available yet")
    ours, theirs = program(rg), program(torch)
    np.testing.assert_allclose(ours[0], theirs[0])
    np.testing.assert_allclose(ours[1], theirs[1])
    assert ours[2] == theirs[2] == "torch::autograd::CopySlices"


def test_view_of_base_changed_in_place_sees_new_graph():
    x = leaf([1.0, 2.0])
    y = x * 1
    v = y.view(2, 1)
    y.mul_(5)
    v.sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


# In-place changes through views of every kind, as_strided ones placed by storage offset and strides
# included: (how x is made from w = arange(1, 13), the view written, the change, x's values after it,
# w's gradient of (x * arange(12)).sum(), both in x's element order), the expected values PyTorch's.
# The permuted base (x = w.reshape(3, 4).t() * 1) keeps its column-major memory, so an as_strided
# view of it picks elements by address, not by x's element order.
_VIEW_WRITES = [
    ("as_strided_offset", "flat", lambda x: x.as_strided((2,), (1,), 2), "mul",
     [1, 2, 15, 20, 5, 6, 7, 8, 9, 10, 11, 12], [0, 1, 10, 15, 4, 5, 6, 7, 8, 9, 10, 11]),
    ("as_strided_gap", "flat", lambda x: x.as_strided((2,), (3,)), "mul",
     [5, 2, 3, 20, 5, 6, 7, 8, 9, 10, 11, 12], [0, 1, 2, 15, 4, 5, 6, 7, 8, 9, 10, 11]),
    ("as_strided_2d", "flat", lambda x: x.as_strided((2, 2), (3, 1)), "mul",
     [5, 10, 3, 20, 25, 6, 7, 8, 9, 10, 11, 12], [0, 5, 2, 15, 20, 5, 6, 7, 8, 9, 10, 11]),
    ("as_strided_of_permuted_base", "permuted", lambda x: x.as_strided((2, 2), (3, 1), 1), "mul",
     [1, 25, 9, 10, 30, 10, 15, 7, 11, 4, 8, 12], [0, 15, 30, 9, 5, 20, 7, 10, 2, 5, 8, 11]),
    ("as_strided_of_slice_then_select", "flat", lambda x: x[2:].as_strided((2, 2), (3, 1), 4)[1], "mul",
     [1, 2, 3, 4, 5, 6, 7, 40, 45, 10, 11, 12], [0, 1, 2, 3, 4, 5, 6, 35, 40, 9, 10, 11]),
    ("as_strided_of_transposed_slice", "flat", lambda x: x.reshape(3, 4)[1:].t().as_strided((2, 2), (1, 4), 5),
     "mul", [1, 2, 3, 4, 5, 30, 35, 8, 9, 50, 55, 12], [0, 1, 2, 3, 4, 25, 30, 7, 8, 45, 50, 11]),
    ("as_strided_then_unsqueeze", "flat", lambda x: x.as_strided((2,), (5,), 1).unsqueeze(0), "add",
     [1, 5, 3, 4, 5, 6, 10, 8, 9, 10, 11, 12], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    ("diagonal_below", "flat", lambda x: x.reshape(3, 4).diagonal(-1), "mul",
     [1, 2, 3, 4, 25, 6, 7, 8, 9, 50, 11, 12], [0, 1, 2, 3, 20, 5, 6, 7, 8, 45, 10, 11]),
    ("unfold", "flat", lambda x: x.reshape(3, 4)[1].unfold(0, 2, 2), "mul",
     [1, 2, 3, 4, 25, 30, 35, 40, 9, 10, 11, 12], [0, 1, 2, 3, 20, 25, 30, 35, 8, 9, 10, 11]),
    ("narrow_transpose_slice", "flat", lambda x: x.reshape(3, 4).narrow(1, 1, 2).t()[1:], "mul",
     [1, 2, 15, 4, 5, 6, 35, 8, 9, 10, 55, 12], [0, 1, 10, 3, 4, 5, 30, 7, 8, 9, 50, 11]),
]
_BASES = {"flat": lambda w: w * 1, "permuted": lambda w: w.reshape(3, 4).t() * 1}


def _write_through_view(m, base, view, change):
    w = m.arange(1.0, 13.0, requires_grad=True)
    x = _BASES[base](w)
    v = view(x)
    if change == "mul":
        v.mul_(5)
    else:
        v.add_(v.detach() * 0 + 3)
    (x * m.arange(12.0).reshape(x.shape)).sum().backward()
    return x.detach().reshape(-1).tolist(), w.grad.tolist()


@pytest.mark.parametrize("case", _VIEW_WRITES, ids=lambda c: c[0])
def test_in_place_through_views_reaches_the_base(case):
    _, base, view, change, values, grad = case
    assert _write_through_view(rg, base, view, change) == (values, grad)


@needs_torch
@pytest.mark.parametrize("case", _VIEW_WRITES, ids=lambda c: c[0])
def test_in_place_through_views_vs_torch(case):
    _, base, view, change, _, _ = case
    assert _write_through_view(rg, base, view, change) == _write_through_view(torch, base, view, change)


def _as_strided_second_order(m):
    w = m.arange(1.0, 7.0, dtype=m.float64, requires_grad=True)
    x = w * w
    x.as_strided((2, 2), (3, 1), 1).add_((w[:4] * w[:4]).reshape(2, 2))
    (g,) = m.autograd.grad((x * x).sum(), w, create_graph=True)
    (gg,) = m.autograd.grad(g.sum(), w)
    return g.tolist(), gg.tolist()


def test_in_place_through_as_strided_second_order():
    assert _as_strided_second_order(rg) == (
        [24.0, 144.0, 564.0, 1088.0, 680.0, 1248.0],
        [56.0, 200.0, 500.0, 720.0, 456.0, 688.0],
    )


@needs_torch
def test_in_place_through_as_strided_second_order_vs_torch():
    assert _as_strided_second_order(rg) == _as_strided_second_order(torch)


def test_as_strided_write_with_a_zero_stride_is_refused():
    x = rg.ones(6, requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        x.as_strided((2, 2), (0, 1), 3).mul_(5)
    assert x.tolist() == [1.0] * 6  # nothing written


# --- memory ---------------------------------------------------------------------------------------


def test_graph_is_freed_when_output_is_dropped():
    x = leaf(np.ones(1000))
    y = (x * 2).exp().sum()
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


def test_no_reference_cycles_in_graph():
    gc.collect()
    gc.disable()
    try:
        x = leaf(np.ones(10))
        y = (x.exp() * x).sin().sum()
        node = weakref.ref(y.grad_fn)
        del y
        assert node() is None  # freed by reference counting alone, without the cycle collector
    finally:
        gc.enable()


def test_saved_tensors_are_released_after_backward():
    x = leaf(np.ones(200_000))
    tracemalloc.start()
    y = (x.exp() * x).sin()
    loss = y.sum()
    del y
    before = tracemalloc.get_traced_memory()[0]
    loss.backward()
    x.grad = None
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # exp, mul's inputs and sin's input (~1.6 MB each) are gone; only the graph skeleton remains
    assert before - after > 3_000_000


def _grad_after_changing(make, change, leaf):
    y = make()
    with rg.no_grad():
        change()
    y.sum().backward()
    return leaf.grad.numpy().copy()


def test_masks_and_indices_changed_after_the_forward_leave_the_gradient_alone():
    # the mask of where/masked_fill and the indices of embedding(_bag) are kept as arrays, which no
    # version counter watches: recorded ops copy them, so the gradient is the forward's (PyTorch
    # raises its version error here; a silently different gradient would be the one wrong answer)
    x = rg.ones(2, 4, requires_grad=True)
    mask = rg.tensor([[True, False, False, False]] * 2)
    expect_where = np.array([[1.0, 0, 0, 0]] * 2)
    assert np.array_equal(_grad_after_changing(lambda: rg.where(mask, x, 0.0), mask.logical_not_, x), expect_where)
    x.grad = None
    mask = rg.tensor([[True, False, False, False]] * 2)
    filled = _grad_after_changing(lambda: x.masked_fill(mask, 0.0), mask.logical_not_, x)
    assert np.array_equal(filled, 1 - expect_where)
    w = rg.ones(3, 2, requires_grad=True)
    idx = rg.tensor([0, 0, 1])
    picked = _grad_after_changing(lambda: rg.nn.functional.embedding(idx, w), lambda: idx.fill_(2), w)
    assert np.array_equal(picked, [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0]])
    w.grad = None
    idx = rg.tensor([0, 0, 1])
    bagged = _grad_after_changing(lambda: rg.nn.functional.embedding_bag(idx, w, rg.tensor([0]), mode="sum"),
                                  lambda: idx.fill_(2), w)
    assert np.array_equal(bagged, [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0]])
    with rg.no_grad():  # nothing recorded, nothing copied
        assert rg.nn.functional.embedding(idx, w).shape == (3, 2)


def test_slice_scatter_does_not_save_its_source():
    # src's gradient is g's region and input's is g with it zeroed: src is read for its shape only,
    # so changing it after the forward is fine, as in PyTorch
    a = rg.zeros(4, requires_grad=True)
    src = rg.ones(2)
    out = rg.slice_scatter(a, src, 0, 0, 2)
    with rg.no_grad():
        src.mul_(3)
    out.sum().backward()
    assert a.grad.tolist() == [0.0, 0.0, 1.0, 1.0]


def test_in_place_ops_on_empty_tensors_run():
    # NumPy may give a size-0 array stride 0: nothing overlaps in an array with no elements
    t = rg.tensor(np.zeros((0, 3)))
    assert t.zero_().shape == (0, 3) and t.tanh_().shape == (0, 3) and t.add_(1).shape == (0, 3)


def test_fill_and_zero_write_expanded_tensors_other_inplace_ops_refuse():
    # every element gets the same value, so PyTorch allows fill_/zero_ where memory is shared
    base = rg.zeros(1)
    assert base.expand(3).fill_(2).tolist() == [2.0, 2.0, 2.0] and base.tolist() == [2.0]
    assert base.expand(3).zero_().tolist() == [0.0, 0.0, 0.0] and base.tolist() == [0.0]
    grid = rg.zeros(2, 1)
    grid.expand(2, 3)[1].fill_(7)
    assert grid.tolist() == [[0.0], [7.0]]
    for write in (lambda t: t.add_(1), lambda t: t.copy_(rg.ones(3)), lambda t: t.uniform_()):
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            write(rg.zeros(1).expand(3))


def test_expanded_size_one_dims_are_written_into_the_base():
    # a new leading dim of size 1 has stride 0 but shares no memory (`arange(n).expand(1, -1)`, the
    # usual position_ids buffer): every write reaches the base, as loading a state_dict does
    base = rg.arange(4.0)
    ids = base.expand(1, -1)
    ids.add_(1)
    ids[0, 1] = 9
    ids.copy_(ids * 2)
    assert base.tolist() == [2.0, 18.0, 6.0, 8.0] and ids._version == base._version


@needs_torch
def test_expanded_size_one_dims_are_written_vs_torch():
    seen = []
    for lib in (rg, torch):
        base = lib.arange(4.0)
        ids = base.expand(1, 4)
        ids.mul_(3)
        ids.masked_fill_(ids > 5, -1.0)
        ids.index_fill_(1, lib.tensor([0]), 7.0)
        seen.append(base.tolist())
    assert seen[0] == seen[1]


def test_fills_record_pytorch_nodes_and_gradients():
    # the overwritten values get zeros (not None); a tensor fill value gets the sum of the gradient
    x = rg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    v = rg.tensor(2.0, dtype=rg.float64, requires_grad=True)
    filled = (x * 1).fill_(v)
    assert filled.grad_fn.name() == "FillBackward3"
    (filled * rg.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0] and v.grad.item() == 6.0 and v.grad.dtype == rg.float64
    names = [(x * 1).fill_(2.0), (x * 1).zero_(), rg.fill(x * 1, 2.0), rg.fill(x * 1, v)]
    assert [t.grad_fn.name() for t in names] == ["FillBackward2", "ZeroBackward0", "FillBackward0", "FillBackward1"]


@needs_torch
def test_fills_vs_torch():
    def run(m):
        x = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        v = m.tensor(0.5, requires_grad=True)
        outs = [(x * 1).fill_(v), (x * 1).fill_(3), (x * 2).zero_(), m.fill(x * 1, v), m.fill(x * 1, 1.0)]
        sum(o.sum() for o in outs).backward()
        return [type(o.grad_fn).__name__ for o in outs], x.grad.tolist(), v.grad.item()

    assert run(rg) == run(torch)


def _diagonal_through_flat_view(m):
    """Pyro's GP models add noise to a kernel's diagonal so: `K.view(-1)[::n + 1] += noise`; the
    gradient reaching K then comes through a transpose (not row-major)."""
    a = m.ones(3, 3, requires_grad=True)
    noise = m.tensor(0.1, requires_grad=True)
    k = a * 2
    k.view(-1)[::4] += noise
    (k.t() * m.arange(9.0).reshape(3, 3)).sum().backward()
    return a.grad.tolist(), noise.grad.item()


def test_write_through_a_flat_view_with_a_transposed_gradient():
    assert _diagonal_through_flat_view(rg) == ([[0.0, 6.0, 12.0], [2.0, 8.0, 14.0], [4.0, 10.0, 16.0]], 12.0)


@needs_torch
def test_write_through_a_flat_view_with_a_transposed_gradient_vs_torch():
    assert _diagonal_through_flat_view(rg) == _diagonal_through_flat_view(torch)


def _out_into_an_expanded_view(m):
    """linear_operator's CG writes `addcmul(..., out=result)` into `x.expand_as(r).contiguous()`,
    an expand to the same shape: a view of x that is written, as an in-place op would write it."""
    x = m.zeros(4, 1)
    result = x.expand_as(m.ones(4, 1)).contiguous()
    m.addcmul(result, m.ones(4, 1), m.full((4, 1), 2.0), out=result)
    row = m.zeros(1, 3).expand(1, 3)
    m.add(m.ones(1, 3), 1, out=row)
    try:
        m.add(m.ones(2, 3), 1, out=m.zeros(1, 3).expand(2, 3))
        refused = ""
    except RuntimeError as e:
        refused = str(e)
    return x.flatten().tolist(), row.tolist(), refused


def test_out_argument_writes_an_expanded_view_of_distinct_elements():
    assert _out_into_an_expanded_view(rg) == (
        [2.0, 2.0, 2.0, 2.0], [[2.0, 2.0, 2.0]],
        "unsupported operation: more than one element of the written-to tensor refers to a single memory "
        "location. Please clone() the tensor before performing the operation.",
    )  # fmt: skip


@needs_torch
def test_out_argument_writes_an_expanded_view_vs_torch():
    assert _out_into_an_expanded_view(rg) == _out_into_an_expanded_view(torch)


def _stale_views(m):
    """A view used after its base changed in place gets a new node: PyTorch's is one as_strided of the
    base (AsStridedBackward0), so the actor-critic error (a shared weight stepped by the optimizer
    between forward and backward) names the transposed weight `output 0 of AsStrided`."""
    x = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    base = x * 1
    row, col, flat = base[0], base.t()[1:], base.view(6)
    base.mul_(m.tensor([1.0, 2.0, 3.0]))
    names = [row.grad_fn.name(), col.grad_fn.name(), flat.grad_fn.name()]
    (row.sum() + (col * m.tensor([[1.0, 10.0], [100.0, 1000.0]])).sum() + flat[5]).backward()
    written = base[1]
    names.append(written.mul_(2).grad_fn.name())
    w = m.nn.Parameter(m.ones(1, 3))
    loss = (m.ones(2, 3, requires_grad=True) @ w.t()).sum()
    with m.no_grad():
        w.add_(1)
    try:
        loss.backward()
        refused = ""
    except RuntimeError as e:
        refused = str(e)
    return names, x.grad.tolist(), refused.split(", is at")[0].replace("[retrograd.", "[torch.")


def test_stale_views_are_rederived_as_strided_reads_of_their_base():
    assert _stale_views(rg) == (
        ["AsStridedBackward0"] * 4,
        [[1.0, 4.0, 303.0], [0.0, 20.0, 3003.0]],
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        "[torch.FloatTensor [3, 1]], which is output 0 of AsStrided",
    )  # fmt: skip


@needs_torch
def test_stale_views_are_rederived_as_strided_reads_of_their_base_vs_torch():
    assert _stale_views(rg) == _stale_views(torch)
