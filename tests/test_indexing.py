"""Indexing behaviour the op table cannot express: views, in-place writes, node names, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd

try:
    import torch
except ImportError:  # the comparisons with PyTorch skip cleanly without it
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def arange(m, *shape, requires_grad=False):
    """The same float64 tensor (values -5, -4, ...) in either module."""
    data = np.arange(float(np.prod(shape))).reshape(shape) - 5
    return m.tensor(data, dtype=m.float64, requires_grad=requires_grad)


# --- views ------------------------------------------------------------------------------------


def test_basic_indexing_shares_memory_and_version():
    x = arange(retrograd, 3, 4)
    row, block = x[0], x[1:3, ::2]
    row.add_(1)
    block.mul_(2)
    assert x[0, 1].item() == -3 and x[1, 2].item() == 2 * 1
    assert x._version == row._version == block._version == 2
    assert row._base is x and block._base is x


def test_zero_dim_result_is_a_view():
    x = arange(retrograd, 3)
    x[1].fill_(7)
    assert x.tolist() == [-5, 7, -3]


def test_advanced_indexing_copies():
    x = arange(retrograd, 3, 4)
    y = x[[0, 1]]
    y.add_(100)
    assert x[0, 0].item() == -5 and x._version == 0


def test_setitem_bumps_version():
    x = arange(retrograd, 3, 4)
    x[0] = 1.0
    x[[1, 2], 0] = 2.0
    x[x > 5] = 0.0
    assert x._version == 3
    x[False] = 9.0  # PyTorch writes nothing and leaves the version alone
    assert x._version == 3


# --- autograd through in-place writes -----------------------------------------------------------------


def _iadd_program(m):
    x = arange(m, 3, 4, requires_grad=True)
    v = m.tensor([1.0, 2.0, 3.0, 4.0], dtype=m.float64, requires_grad=True)
    y = x * 2
    y[0] += v
    y[1:, [0, 2]] = v[:2] * 3
    y[y > 8] = 0.5
    (y * y).sum().backward()
    return y.grad_fn.name(), y.detach().numpy(), x.grad.numpy(), v.grad.numpy()


@needs_torch
def test_inplace_through_views_matches_pytorch():
    got, want = _iadd_program(retrograd), _iadd_program(torch)
    assert got[0] == want[0] == "IndexPutBackward0"
    for g, w in zip(got[1:], want[1:]):
        np.testing.assert_allclose(g, w)


def test_value_requiring_grad_into_plain_tensor():
    v = retrograd.tensor(2.0, requires_grad=True)
    x = retrograd.zeros(3)
    x[1] = v
    assert x.requires_grad and x.grad_fn.name() == "torch::autograd::CopySlices"
    (x * x).sum().backward()
    assert v.grad.item() == 4.0


def test_leaf_requiring_grad_cannot_be_written():
    x = retrograd.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0] = 1.0
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad"):
        x[[0]] = 1.0
    with retrograd.no_grad():
        x[0] = 1.0
    assert x.tolist() == [1.0, 0.0, 0.0] and x.is_leaf


@pytest.mark.parametrize("write", [lambda b: b.__setitem__(0, 1.0), lambda b: b.__setitem__([0], 1.0)])
def test_saved_tensor_modified_by_setitem_is_detected(write):
    a = retrograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 1
    c = b * b  # saves b
    write(b)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_scatter_with_reduce_has_no_derivative():
    x = retrograd.ones(2, 2, requires_grad=True)
    y = x.scatter(0, retrograd.tensor([[0, 1]]), 2.0, reduce="multiply")
    assert y.grad_fn.name() == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
        y.sum().backward()


@needs_torch
@pytest.mark.parametrize("reduce", ["amax", "amin"])
def test_scatter_reduce_ties_share_the_gradient_like_pytorch(reduce):
    def run(m):
        a = m.tensor([1.0, 2.0, 3.0], dtype=m.float64, requires_grad=True)
        s = m.tensor([1.0, 1.0, 3.0, 3.0], dtype=m.float64, requires_grad=True)
        out = m.scatter_reduce(a, 0, m.tensor([0, 0, 2, 1]), s, reduce)
        (out * m.tensor([1.0, 2.0, 3.0], dtype=m.float64)).sum().backward()
        return a.grad.numpy(), s.grad.numpy()

    for g, w in zip(run(retrograd), run(torch)):
        np.testing.assert_allclose(g, w)


# --- node names ---------------------------------------------------------------------------------------

INDICES = [
    0, -1, slice(1, None), slice(None), None, Ellipsis, (slice(None), slice(None)), (0, slice(1, 3)),
    (slice(None), 0), (slice(0, 3), 0), True, [0, 2], (slice(None), [1, 0]), (None, 1, Ellipsis, 0),
]


@needs_torch
@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_node_names_match_pytorch(index):
    names = []
    for m in (retrograd, torch):
        y = arange(m, 3, 4, requires_grad=True) * 1
        fn = y[index].grad_fn
        names.append((fn.name(), [type(n).__name__ if n is None else n.name() for n, _ in fn.next_functions]))
    assert names[0] == names[1]


# --- errors: same type and message as PyTorch ------------------------------------------------------------

ERRORS = {
    "select_out_of_range": lambda m, x: x[5],
    "select_negative_out_of_range": lambda m, x: x[:, -5],
    "too_many_indices": lambda m, x: x[0, 0, 0],
    "zero_dim_int": lambda m, x: x.sum()[0],
    "zero_dim_slice": lambda m, x: x.sum()[0:1],
    "negative_step": lambda m, x: x[::-1],
    "zero_step": lambda m, x: x[::0],
    "float_index": lambda m, x: x[1.5],
    "float_tensor_index": lambda m, x: x[m.tensor([0.0])],
    "short_tensor_index": lambda m, x: x[m.tensor([0], dtype=m.int16)],
    "advanced_out_of_range": lambda m, x: x[:, [0, 4]],
    "advanced_negative_out_of_range": lambda m, x: x[[-4]],
    "mask_wrong_shape": lambda m, x: x[m.ones(3, 3, dtype=m.bool)],
    "mask_wrong_shape_after_slice": lambda m, x: x[:, m.ones(3, dtype=m.bool)],
    "indices_do_not_broadcast": lambda m, x: x[[0, 1], [0, 1, 2]],
    "setitem_shape": lambda m, x: x.__setitem__(slice(0, 2), m.ones(3, dtype=m.float64)),
    "setitem_advanced_shape": lambda m, x: x.__setitem__([0, 1], m.ones(3, dtype=m.float64)),
    "setitem_advanced_dtype": lambda m, x: x.__setitem__([0], m.ones(4)),
    "gather_dtype": lambda m, x: x.gather(1, m.tensor([[0.0]])),
    "gather_ndim": lambda m, x: x.gather(1, m.tensor([0])),
    "gather_size": lambda m, x: x.gather(0, m.zeros(4, 5, dtype=m.long)),
    "gather_bounds": lambda m, x: x.gather(1, m.tensor([[4]])),
    "gather_negative": lambda m, x: x.gather(1, m.tensor([[-1]])),
    "scatter_src_dtype": lambda m, x: x.scatter(1, m.tensor([[0]]), x.float()),
    "scatter_src_size": lambda m, x: x.scatter(1, m.tensor([[0, 1, 2]] * 2), m.ones(1, 2, dtype=m.float64)),
    "scatter_bounds": lambda m, x: x.scatter(1, m.tensor([[7]]), x),
    "scatter_bad_reduce": lambda m, x: x.scatter(1, m.tensor([[0]]), x, reduce="max"),
    "scatter_reduce_bad_reduce": lambda m, x: m.scatter_reduce(x, 1, m.tensor([[0]]), x, "foo"),
    "index_select_vector": lambda m, x: x.index_select(1, m.tensor([[0]])),
    "index_select_bounds": lambda m, x: x.index_select(1, m.tensor([4])),
    "index_select_dtype": lambda m, x: x.index_select(1, m.tensor([0.0])),
    "index_add_count": lambda m, x: x.index_add(0, m.tensor([0, 2]), m.ones(3, 4, dtype=m.float64)),
    "index_add_dtype": lambda m, x: x.index_add(0, m.tensor([0]), m.ones(1, 4)),
    "index_add_bounds": lambda m, x: x.index_add(1, m.tensor([5]), m.ones(3, 1, dtype=m.float64)),
    # naive Bayes / k-means counts: index_add into a vector (IndexError, no value named), into a matrix
    # along a middle dim, with alpha or int32 indices (the slice loop's IndexError too)
    "index_add_vector_bounds": lambda m, x: x[0].index_add(0, m.tensor([0, 4]), m.ones(2, dtype=m.float64)),
    "index_add_vector_negative": lambda m, x: x[0].index_add_(0, m.tensor([-1]), m.ones(1, dtype=m.float64)),
    "index_add_alpha_bounds": lambda m, x: x.index_add(0, m.tensor([3]), x[:1], alpha=2),
    "index_add_int32_bounds": lambda m, x: x.index_add(0, m.tensor([3], dtype=m.int32), x[:1]),
    "index_add_middle_dim_bounds": lambda m, x: x.view(3, 2, 2).index_add(1, m.tensor([2]), x.view(3, 2, 2)[:, :1]),
    "index_add_last_dim_bounds": lambda m, x: x.view(3, 2, 2).index_add(2, m.tensor([2]), x.view(3, 2, 2)[..., :1]),
    "index_copy_slice_shape": lambda m, x: x.index_copy(0, m.tensor([0, 2]), m.ones(2, 3, dtype=m.float64)),
    "index_copy_bounds": lambda m, x: x.index_copy(1, m.tensor([5]), m.ones(3, 1, dtype=m.float64)),
    "index_copy_int32": lambda m, x: x.index_copy(0, m.tensor([0], dtype=m.int32), x[:1]),
    "index_fill_bounds": lambda m, x: x.index_fill(1, m.tensor([5]), 1.0),
    "index_fill_value_dims": lambda m, x: x.index_fill(1, m.tensor([0]), m.tensor([1.0])),
    "masked_fill_float_mask": lambda m, x: x.masked_fill((x > 0).float(), 0.0),
    "masked_fill_broadcast": lambda m, x: x.masked_fill(m.ones(5, dtype=m.bool), 0.0),
    "masked_select_float_mask": lambda m, x: x.masked_select((x > 0).float()),
    "masked_scatter_short_source": lambda m, x: x.masked_scatter(x > -10, m.ones(2, dtype=m.float64)),
    "masked_scatter_dtype": lambda m, x: x.masked_scatter(x > 0, x.float()),
    "take_bounds": lambda m, x: x.take(m.tensor([12])),
    "take_negative_bounds": lambda m, x: x.take(m.tensor([-13])),
    "take_dtype": lambda m, x: x.take(m.tensor([0.0])),
    "put_count": lambda m, x: x.put(m.tensor([0, 5]), m.ones(3, dtype=m.float64)),
    "put_dtype": lambda m, x: x.put(m.tensor([0]), m.ones(1)),
    "take_along_dim_ndim": lambda m, x: m.take_along_dim(x, m.tensor([0, 3]), 1),
    "take_along_dim_dtype": lambda m, x: m.take_along_dim(x, m.tensor([[0]], dtype=m.int32), 1),
    "index_put_dtype": lambda m, x: m.index_put(x, (m.tensor([0]),), m.tensor(1.0)),
    "index_put_shape": lambda m, x: m.index_put(x, (m.tensor([0, 2]),), m.ones(3, dtype=m.float64)),
    "index_put_too_many": lambda m, x: m.index_put(x, (m.tensor([0]),) * 3, m.tensor(1.0, dtype=m.float64)),
    "index_put_mask_shape": lambda m, x: m.index_put(x, (m.ones(2, dtype=m.bool),), m.tensor(1.0, dtype=m.float64)),
    "select_after_select": lambda m, x: x[0, 7],
    "string_index": lambda m, x: x["a"],
    "setitem_list_value": lambda m, x: x.__setitem__(0, [1, 2, 3, 4]),
    "scatter_add_index_dtype": lambda m, x: x.scatter_add(1, m.tensor([[0.0]]), x),
    "scatter_value_size": lambda m, x: x.scatter(1, m.zeros(4, 1, dtype=m.long), 1.0),
    "scatter_index_larger_than_src": lambda m, x: x.scatter_add(1, m.zeros(3, 2, dtype=m.long), x[:, :1]),
    "index_fill_index_2d": lambda m, x: x.index_fill(1, m.tensor([[0]]), 1.0),
    "index_copy_index_2d": lambda m, x: x.index_copy(1, m.tensor([[0]]), x[:, :1]),
    "index_add_index_2d": lambda m, x: x.index_add(1, m.tensor([[0]]), x[:, :1]),
    "take_along_dim_broadcast": lambda m, x: m.take_along_dim(x, m.tensor([[0, 1]]), 0),
}


@needs_torch
@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_pytorch(name):
    outcomes = []
    for m in (retrograd, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as info:
                ERRORS[name](m, arange(m, 3, 4))
        outcomes.append((type(info.value), str(info.value).split("\n")[0]))
    assert outcomes[0][0] is outcomes[1][0]
    assert outcomes[0][1] == outcomes[1][1]



def test_index_add_out_of_range_errors_follow_the_kernel_pytorch_picks():
    x = arange(retrograd, 3, 4)
    vector_error = (IndexError, "index out of range in self")
    cases = {  # scatter_add's RuntimeError along the first/last dim with int64 indices and alpha 1
        "index_add_bounds": (RuntimeError, "index 5 is out of bounds for dimension 1 with size 4"),
        "index_add_vector_bounds": vector_error,
        "index_add_vector_negative": vector_error,
        "index_add_alpha_bounds": vector_error,
        "index_add_int32_bounds": vector_error,
        "index_add_middle_dim_bounds": vector_error,
        "index_add_last_dim_bounds": (RuntimeError, "index 2 is out of bounds for dimension 2 with size 2"),
    }
    for name, (error, message) in cases.items():
        with pytest.raises(error) as info:
            ERRORS[name](retrograd, x)
        assert str(info.value) == message, name

def _assign(x, index, value):
    x[index] = value
    return x


VALUES = {
    "mask_0d_long_value": lambda m, x: _assign(x, x > 0, m.tensor(2)),
    "mask_0d_double_into_float": lambda m, x: _assign(x.float(), x > 0, m.tensor(2.0, dtype=m.float64)),
    "float_into_long": lambda m, x: _assign(x.long(), (0, slice(None, 2)), 2.7),
    "index_put_true": lambda m, x: m.index_put(x, (m.tensor(True),), m.tensor(1.0, dtype=m.float64)),
    "index_put_false": lambda m, x: m.index_put(x, (m.tensor(False),), m.tensor(1.0, dtype=m.float64)),
    "scatter_": lambda m, x: (x * 1).scatter_(1, m.tensor([[2], [0]]), 9.0),
    "scatter_add_": lambda m, x: (x * 1).scatter_add_(0, m.tensor([[2, 2, 0, 1]]), x[:1] * 1),
    "index_add_": lambda m, x: (x * 1).index_add_(1, m.tensor([0, 0]), x[:, :2] * 1, alpha=3),
    "index_copy_": lambda m, x: (x * 1).index_copy_(0, m.tensor([2]), x[:1] * 2),
    "index_fill_": lambda m, x: (x * 1).index_fill_(1, m.tensor([1, 3]), -1.0),
    "masked_fill_": lambda m, x: (x * 1).masked_fill_(m.tensor([True, False, False, True]), 0.5),
    "masked_scatter_": lambda m, x: (x * 1).masked_scatter_(x > 0, -x),
    "put_": lambda m, x: (x * 1).put_(m.tensor([0, 11]), m.tensor([1.0, 2.0], dtype=m.float64)),
    "zero_dim_gather": lambda m, x: x.sum().gather(0, m.tensor([0, 0])),
    "zero_dim_take": lambda m, x: x.sum().take(m.tensor(0)),
    "zero_dim_index_select": lambda m, x: x.sum().index_select(0, m.tensor([0])),
    "zero_dim_masked_scatter": lambda m, x: x.sum().masked_scatter(m.tensor(True), x[0] * 1),
    "zero_dim_masked_select": lambda m, x: x.sum().masked_select(m.tensor([True, False, True])),
    "empty_scatter_index": lambda m, x: x.detach().scatter(1, m.tensor([], dtype=m.long), x.detach()),
}


@needs_torch
@pytest.mark.parametrize("name", list(VALUES))
def test_values_and_gradients_match_pytorch(name):
    results = []
    for m in (retrograd, torch):
        x = arange(m, 3, 4, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = VALUES[name](m, x * 1)
        grad = None
        if out.requires_grad:
            (out * out).sum().backward()
            grad = x.grad.numpy()
        results.append((out.detach().numpy(), str(out.dtype).split(".")[-1], grad))
    (got, got_dtype, got_grad), (want, want_dtype, want_grad) = results
    assert got_dtype == want_dtype
    np.testing.assert_allclose(got, want)
    if want_grad is not None:
        np.testing.assert_allclose(got_grad, want_grad)


def test_uint8_index_is_a_deprecated_mask():
    x = arange(retrograd, 3, 4)
    with pytest.warns(UserWarning, match="indexing with dtype torch.uint8 is now deprecated"):
        y = x[retrograd.tensor([1, 0, 1], dtype=retrograd.uint8)]
    assert y.shape == (2, 4)


def test_list_of_lists_is_a_deprecated_tuple():
    x = arange(retrograd, 3, 4)
    with pytest.warns(UserWarning, match="non-tuple sequence"):
        y = x[[[0, 1], [1, 2]]]
    assert y.tolist() == [x[0, 1].item(), x[1, 2].item()]


def test_index_tensor_changed_later_does_not_change_the_gradient():
    x = arange(retrograd, 4, requires_grad=True)
    i = retrograd.tensor([0, 0, 3])
    y = x[i]
    i[0] = 1
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 0.0, 1.0]


def test_nonzero_of_scalars_and_where():
    t = retrograd.tensor(3.0)
    assert t.nonzero().shape == (1, 0)
    assert [r.tolist() for r in t.nonzero(as_tuple=True)] == [[0]]
    rows, cols = retrograd.where(retrograd.tensor([[True, False], [False, True]]))
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1] and rows.dtype == retrograd.int64


def _nonzero_static_calls(m):
    """nonzero_static's results and errors: padded, truncated, 0-d, empty, wrong types and sizes."""
    x = m.tensor([[1, 0], [3, 2]])

    def outcome(call):
        try:
            r = call()
        except (TypeError, RuntimeError) as e:
            return type(e).__name__, str(e)
        return str(r.dtype).split(".")[1], tuple(r.shape), r.tolist()

    return [
        outcome(lambda: m.nonzero_static(x, size=4)),
        outcome(lambda: x.nonzero_static(size=2, fill_value=9)),
        outcome(lambda: m.nonzero_static(m.tensor(3.0), size=2)),
        outcome(lambda: m.nonzero_static(m.zeros(2, 0), size=2)),
        outcome(lambda: m.nonzero_static(x, size=0)),
        outcome(lambda: m.nonzero_static(x, size=-1)),
        outcome(lambda: m.nonzero_static(x, size=2.0)),
        outcome(lambda: m.nonzero_static(x, size=3, fill_value=1.5)),
        outcome(lambda: m.nonzero_static(x, size=3, out=m.empty(0))),
    ]


def test_nonzero_static_pads_and_truncates():
    got = _nonzero_static_calls(retrograd)
    assert got[0] == ("int64", (4, 2), [[0, 0], [1, 0], [1, 1], [-1, -1]])
    assert got[1] == ("int64", (2, 2), [[0, 0], [1, 0]])
    assert got[2] == ("int64", (2, 0), [[], []])
    assert got[3] == ("int64", (2, 2), [[-1, -1], [-1, -1]])
    assert got[4] == ("int64", (0, 2), [])
    assert got[5] == ("RuntimeError", "nonzero_static: 'size' must be an non-negative integer")
    assert got[6] == ("TypeError", "nonzero_static(): argument 'size' must be int, not float")
    out = retrograd.empty(0, dtype=retrograd.int64)
    assert retrograd.nonzero_static(x := retrograd.tensor([0, 5]), size=2, out=out) is out
    assert out.tolist() == [[1], [-1]] and x.nonzero_static(size=1).tolist() == [[1]]


@needs_torch
def test_nonzero_static_matches_pytorch():
    assert _nonzero_static_calls(retrograd) == _nonzero_static_calls(torch)


def _byte_mask_writes(m):
    """Each write under a uint8 mask: the error (type, message) or the result, and how many warnings it gave."""
    mask = m.tensor([1, 0, 1], dtype=m.uint8)
    writes = {
        "number": lambda x: x.__setitem__((slice(None), mask), 5.0),
        "0-d tensor": lambda x: x.__setitem__((slice(None), mask), m.tensor(5.0)),
        "one-element tensor": lambda x: x.__setitem__((slice(None), mask), m.tensor([5.0])),
        "after an int": lambda x: x.__setitem__((0, mask), 5.0),
        "mask of another shape": lambda x: x.__setitem__((mask,), 5.0),
        "a tensor of values": lambda x: x.__setitem__((slice(None), mask), m.tensor([7.0, 8.0])),
    }
    outcomes = {}
    for name, write in writes.items():
        x = m.zeros(2, 3)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                write(x)
                outcomes[name] = (x.tolist(), len(seen))
            except (RuntimeError, IndexError) as e:
                outcomes[name] = (type(e).__name__, str(e).replace("torch.Size(", "").replace(")", ""), len(seen))
    return outcomes


def test_a_number_written_under_a_uint8_mask_is_refused():
    # PyTorch fills one value through masked_fill_, which checks the mask's shape, then takes bool masks only
    refused = ("RuntimeError", "masked_fill_ only supports boolean masks, but got mask with dtype unsigned char", 0)
    outcomes = _byte_mask_writes(retrograd)
    for name in ("number", "0-d tensor", "one-element tensor", "after an int"):
        assert outcomes[name] == refused, name
    assert outcomes["mask of another shape"][:2] == ("IndexError", "The shape of the mask [3] at index 0 does not "
                                                     "match the shape of the indexed tensor [2, 3] at index 0")
    assert outcomes["a tensor of values"] == ([[7.0, 0.0, 8.0], [7.0, 0.0, 8.0]], 1)  # index_put_, deprecated


@needs_torch
def test_writes_under_a_uint8_mask_match_pytorch():
    assert _byte_mask_writes(retrograd) == _byte_mask_writes(torch)


def test_nonzero_static_under_vmap_runs_example_by_example():
    x = retrograd.tensor([[1, 0, 1], [0, 0, 1]])
    with pytest.warns(UserWarning, match="batching rule for aten::nonzero_static"):
        out = retrograd.vmap(lambda row: retrograd.nonzero_static(row, size=3))(x)
    assert out.tolist() == [[[0], [2], [-1]], [[2], [-1], [-1]]]


@pytest.mark.parametrize(
    ("value", "named"),
    [("np.array([1.0, 2.0, 3.0])", "numpy.ndarray"), ("collections.OrderedDict()", "collections.OrderedDict"),
     ("fractions.Fraction(1, 2)", "Fraction"), ("None", "NoneType")],
)
def test_assigning_a_value_that_is_no_number_names_its_c_type(value, named):
    import collections
    import fractions

    t = retrograd.zeros(3)
    with pytest.raises(TypeError, match=f"^can't assign a {named} to a torch.FloatTensor$"):
        t[:] = eval(value, {"np": np, "collections": collections, "fractions": fractions})


def test_assigning_a_value_that_is_no_number_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    import collections

    def message(lib):
        with pytest.raises(TypeError) as info:
            lib.zeros(3, dtype=lib.int64)[0] = collections.OrderedDict()
        with pytest.raises(TypeError) as info2:
            lib.zeros(3)[:] = np.ones(3)
        return str(info.value), str(info2.value)

    assert message(retrograd) == message(torch)


# index_add converts alpha to the input's dtype as PyTorch's kernel does: a float alpha on an
# integer tensor truncates toward 0 (0.5 adds nothing), and a value the dtype cannot hold is refused
def _add_ones(dtype, alpha):
    """index_add of two ones into slot 1 of a zero vector of `dtype`, scaled by `alpha`."""
    return lambda m: m.zeros(2, dtype=getattr(m, dtype)).index_add(
        0, m.tensor([1, 1]), m.ones(2, dtype=getattr(m, dtype)), alpha=alpha)


_INDEX_ADD_ALPHAS = {
    "int half": (lambda m: m.zeros(3, dtype=m.long).index_add_(0, m.tensor([0, 1, 0]), m.tensor([3, 4, 5]), alpha=0.5),
                 [0, 0, 0]),
    "int 1.7": (lambda m: m.zeros(3, dtype=m.long).index_add(0, m.tensor([0, 1, 0]), m.tensor([3, 4, 5]), alpha=1.7),
                [8, 4, 0]),
    "int -1.7": (lambda m: m.zeros(3, dtype=m.long).index_add(0, m.tensor([0, 1, 0]), m.tensor([3, 4, 5]), alpha=-1.7),
                 [-8, -4, 0]),
    "int32 2.9": (_add_ones("int32", 2.9), [0, 4]),
    "uint8 negative": (_add_ones("uint8", -1.7), "value cannot be converted to type uint8_t without overflow"),
    "int32 too big": (_add_ones("int32", 2**40), "value cannot be converted to type int without overflow"),
    "half too big": (_add_ones("float16", 1e5), "value cannot be converted to type c10::Half without overflow"),
    "float complex": (_add_ones("float32", 1 + 2j), "value cannot be converted to type float without overflow"),
    "float 0.5": (_add_ones("float32", 0.5), [0.0, 1.0]),
}


def _index_add_alpha_outcome(m, case):
    call, _ = _INDEX_ADD_ALPHAS[case]
    try:
        return call(m).tolist()
    except RuntimeError as e:
        return str(e)


@pytest.mark.parametrize("case", list(_INDEX_ADD_ALPHAS))
def test_index_add_reads_alpha_in_the_input_dtype(case):
    assert _index_add_alpha_outcome(retrograd, case) == _INDEX_ADD_ALPHAS[case][1]


@needs_torch
@pytest.mark.parametrize("case", list(_INDEX_ADD_ALPHAS))
def test_index_add_alpha_in_the_input_dtype_vs_torch(case):
    assert _index_add_alpha_outcome(torch, case) == _INDEX_ADD_ALPHAS[case][1]


# --- NumPy arrays and pandas objects as indices -----------------------------------------------------


class _Labelled:
    """A pandas-like Series of int64 positions, indexed by label."""

    def __init__(self, values, labels):
        self.values, self.labels = np.asarray(values), list(labels)

    def __len__(self):
        return len(self.values)

    def __getitem__(self, label):
        if label not in self.labels:
            raise KeyError(label)
        return self.values[self.labels.index(label)]

    def __iter__(self):
        return iter(self.values.tolist())


def test_arrays_of_any_int_or_float_dtype_index_as_int64():
    t = retrograd.arange(10) * 10
    assert t[np.array([0, 2], dtype=np.int8)].tolist() == [0, 20]
    assert t[np.array([-1, -2], dtype=np.int16)].tolist() == [90, 80]
    assert t[np.array([0.9, 2.7])].tolist() == [0, 20]  # truncated, as PyTorch's conversion to int64
    assert t[[0.0, 2.0]].tolist() == [0, 20]
    assert t[np.array(3, dtype=np.int16)].tolist() == 30  # a 0-d array acts as an int
    assert t[_Labelled([1, 3], [0, 1])].tolist() == [10, 30]
    with pytest.raises(KeyError):  # no label 0: PyTorch reads its dtype by label first
        t[_Labelled([1, 3], [5, 6])]
    u = t.clone()
    u[np.array([1, 2], dtype=np.int16)] += 1
    assert u.tolist() == [0, 11, 21, 30, 40, 50, 60, 70, 80, 90]


def test_a_uint8_array_is_a_deprecated_byte_mask():
    t = retrograd.arange(4) * 10
    with pytest.warns(UserWarning, match="indexing with dtype torch.uint8 is now deprecated"):
        assert t[np.array([1, 0, 1, 0], dtype=np.uint8)].tolist() == [0, 20]
    with pytest.raises(IndexError, match=r"The shape of the mask \[3\] at index 0 does not match"):
        t[np.array([1, 0, 1], dtype=np.uint8)]
    with pytest.raises(RuntimeError, match="masked_fill_ only supports boolean masks"):
        t[np.array([1, 0, 1, 0], dtype=np.uint8)] = 7


def _array_indices(m):
    pd = pytest.importorskip("pandas")
    t = m.arange(10) * 10
    keys = [np.array([0, 2], dtype=np.int8), np.array([0.0, 2.7]), [0.0, 2.0], np.array([1, 0, 1], dtype=np.uint8),
            np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 1], dtype=np.uint8), pd.Series([0, 2]),
            pd.Series([1, 3], index=[5, 6]), pd.Series([True] * 10), pd.Index([1, 2]), np.array(3, dtype=np.int16),
            np.array([], dtype=np.int32)]
    out = []
    for key in keys:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for write in (False, True):
                try:
                    u = t.clone()
                    if write:
                        u[key] = -1
                    out.append(repr((u if write else u[key]).tolist()))
                except Exception as e:
                    out.append(f"{type(e).__name__}: {e}")
    return out


@needs_torch
def test_array_and_pandas_indices_vs_torch():
    assert _array_indices(retrograd) == _array_indices(torch)


# PyTorch's bounds error for an index tensor names its place among the index tensors (a mask counts one
# per dim it covers), not the dim of the tensor it indexes.
_OUT = "index {} is out of bounds for dimension {} with size 4"
_BOUNDS_KEYS = [
    ((3, 4), lambda lib: (lib.tensor([0]), lib.tensor([7])), _OUT.format(7, 1)),
    ((3, 4), lambda lib: (slice(None), lib.tensor([7])), _OUT.format(7, 0)),
    ((2, 3, 4), lambda lib: (lib.tensor([0]), slice(None), lib.tensor([9])), _OUT.format(9, 1)),
    ((2, 3, 4), lambda lib: (lib.ones(2, 3, dtype=lib.bool), lib.tensor([9])), _OUT.format(9, 2)),
    ((2, 3, 4), lambda lib: (1, lib.tensor([1]), lib.tensor([-9])), _OUT.format(-9, 1)),
]


def _bounds_messages(lib):
    messages = []
    for shape, key, _ in _BOUNDS_KEYS:
        for write in (False, True):
            t = lib.zeros(*shape)
            with pytest.raises(IndexError) as info:
                if write:
                    t[key(lib)] = 1.0
                else:
                    t[key(lib)]
            messages.append(str(info.value))
    return messages


def test_index_tensor_bounds_error_names_the_index_tensor():
    assert _bounds_messages(retrograd) == [m for _, _, m in _BOUNDS_KEYS for _ in range(2)]
    # under vmap the batch's own index comes first, so the user's index is dimension 1
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 1 with size 4"):
        retrograd.func.vmap(lambda row, i: row[i])(retrograd.zeros(3, 4), retrograd.tensor([0, 1, 7]))


@needs_torch
def test_index_tensor_bounds_error_vs_torch():
    assert _bounds_messages(retrograd) == _bounds_messages(torch)
