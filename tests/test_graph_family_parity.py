"""Behaviour that graph, recommender and time-series programs meet: histc's range errors, the warnings
PyTorch gives once per process (scatter's tensor `reduce`, index_reduce's beta note, the hook
weight_norm's deprecation) and embedding_bag's message for 2-D input with offsets.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import retrograd
from retrograd._display_name import set_package_name
from retrograd.nn.utils.weight_norm import WeightNorm
from retrograd.ops.indexing import gather_scatter, reduce_into

try:  # the comparisons skip without PyTorch; the other tests run anyway
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
_ROOT = Path(__file__).resolve().parents[1]

_HISTC_ERRORS = [
    (lambda m: m.histc(m.tensor([1.0, 2.0]), min=3, max=1), "torch.histc: max must be larger than min"),
    (
        lambda m: m.histc(m.tensor([1.0, 2.0]), min=float("-inf"), max=1),
        "torch.histc: range of [-inf, 1] is not finite",
    ),
    (lambda m: m.histc(m.tensor([1.0, float("inf")])), "torch.histc: range of [1, inf] is not finite"),
    (lambda m: m.histc(m.tensor([1.0, float("nan")])), "torch.histc: range of [-nan, -nan] is not finite"),
    (lambda m: m.histc(m.tensor([1.0, 2.0]), min=1, max=float("nan")), "torch.histc: range of [1, nan] is not finite"),
    (
        lambda m: m.histc(m.tensor([1.0, 2.0]), min=-1e20, max=float("inf")),
        "torch.histc: range of [-1e+20, inf] is not finite",
    ),
    (lambda m: m.histc(m.tensor([]), min=2, max=1), "torch.histc: max must be larger than min"),
    (
        lambda m: m.histc(m.tensor([1.0]), bins=-1, min=3, max=1),
        "torch.histogram(): bins must be > 0, but got -1 for dimension 0",
    ),
]


@pytest.mark.parametrize(("call", "message"), _HISTC_ERRORS)
def test_histc_range_errors(call, message):
    with pytest.raises(RuntimeError) as info:
        call(retrograd)
    assert str(info.value) == message


@needs_torch
@pytest.mark.parametrize(("call", "message"), _HISTC_ERRORS)
def test_histc_range_errors_match_pytorch(call, message):
    with pytest.raises(RuntimeError) as theirs:
        call(torch)
    assert str(theirs.value).split("\n")[0] == message


def test_histc_equal_infinite_bounds_fall_back_to_the_data_range():
    counts = retrograd.histc(retrograd.tensor([1.0, 2.0]), bins=2, min=float("inf"), max=float("inf"))
    assert counts.tolist() == [1.0, 1.0]


def _scatter_reduce_twice(m):
    a = m.zeros(3)
    a.scatter_(0, m.tensor([0]), m.ones(1), reduce="add")
    return m.scatter(a, 0, m.tensor([1]), m.ones(1), reduce="multiply")


def _record(fn, module):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(module)
    return [(w.category, str(w.message).split(" (Triggered")[0], w.filename) for w in caught]


def test_scatter_tensor_reduce_warns_once_at_the_users_line(monkeypatch):
    monkeypatch.setattr(gather_scatter, "_reduce_src_warned", False)
    caught = _record(_scatter_reduce_twice, retrograd)
    assert len(caught) == 1
    assert caught[0][1].startswith("The reduce argument of torch.scatter with Tensor src is deprecated")
    assert caught[0][2] == __file__


@needs_torch
def test_scatter_tensor_reduce_warning_matches_pytorch(monkeypatch):
    monkeypatch.setattr(gather_scatter, "_reduce_src_warned", False)
    ours = _record(_scatter_reduce_twice, retrograd)
    theirs = _record(_scatter_reduce_twice, torch)  # warned already in an earlier test: compare the message
    assert len(ours) == 1 and len(theirs) <= 1
    assert all(t[:2] == ours[0][:2] for t in theirs)


# PyTorch warns of scatter's tensor `reduce` before it checks anything: the reduce's name, the dtypes
_SCATTER_REDUCE_MISUSES = {
    "name": ("lambda m: m.zeros(2).scatter_(0, m.tensor([0]), m.ones(1), reduce='sum')",
             "reduce argument must be either add or multiply."),
    "dtype": ("lambda m: m.zeros(2).scatter(0, m.tensor([0]), m.ones(1, dtype=m.float64), reduce='add')",
              "scatter(): Expected self.dtype to be equal to src.dtype"),
}


def _warned_then_raised(module, call: str):
    """(the warnings, the error's message) of `call` given the module, in a fresh warn-once state."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError) as info:
            eval(call)(module)
    return [str(w.message).split(" (Triggered")[0][:40] for w in caught], str(info.value)


@pytest.mark.parametrize("case", list(_SCATTER_REDUCE_MISUSES))
def test_scatter_tensor_reduce_warns_before_checking_its_arguments(monkeypatch, case):
    monkeypatch.setattr(gather_scatter, "_reduce_src_warned", False)
    call, message = _SCATTER_REDUCE_MISUSES[case]
    assert _warned_then_raised(retrograd, call) == (["The reduce argument of torch.scatter wit"], message)


@needs_torch
@pytest.mark.parametrize("case", list(_SCATTER_REDUCE_MISUSES))
def test_scatter_tensor_reduce_misuse_warns_first_as_pytorch(monkeypatch, case):
    monkeypatch.setattr(gather_scatter, "_reduce_src_warned", False)
    call = _SCATTER_REDUCE_MISUSES[case][0]
    script = (  # a fresh process: PyTorch warns once per process
        "import torch, warnings, pytest\n"
        "from tests.test_graph_family_parity import _warned_then_raised\n"
        f"print(repr(_warned_then_raised(torch, {call!r})))\n"
    )
    theirs = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=_ROOT)
    assert repr(_warned_then_raised(retrograd, call)) == theirs.stdout.strip()


def test_index_reduce_records_index_reduce_backward():
    x = retrograd.ones(3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = x.index_reduce(0, retrograd.tensor([0, 0]), retrograd.tensor([2.0, 3.0]), "prod")
        z = (x * 1).index_reduce_(0, retrograd.tensor([2]), retrograd.tensor([4.0]), "amax")
    assert type(y.grad_fn).__name__ == "IndexReduceBackward0"
    assert type(z.grad_fn).__name__ == "IndexReduceBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 1.0, 1.0]


@needs_torch
def test_index_reduce_node_and_gradients_match_pytorch():
    def run(m):
        x = m.tensor([[1.0, -2.0], [3.0, 0.5], [0.0, 4.0]], requires_grad=True)
        s = m.tensor([[2.0, 1.0], [-1.0, 5.0], [0.5, 0.5]], requires_grad=True)
        names = []
        for reduce in ("prod", "mean", "amax", "amin"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                y = x.index_reduce(0, m.tensor([0, 2, 0]), s, reduce, include_self=reduce != "mean")
            names.append(type(y.grad_fn).__name__)
            (y * m.arange(6.0).view(3, 2)).sum().backward()
        return names, x.grad.tolist(), s.grad.tolist()

    assert run(retrograd) == run(torch)


# gather(sparse_grad=True): (input's shape, dim, index); the gradient has an entry per index element
_SPARSE_GATHERS = [
    ((3, 2), 0, [[2, 0], [2, 1]]),
    ((3, 4), -1, [[3], [0]]),
    ((2, 3, 2), 1, [[[0, 1], [2, 2]], [[1, 0], [0, 0]]]),
    ((4,), 0, 2),  # a 0-d index
    ((), 0, 0),  # a 0-d input
    ((), 0, [0, 0]),
]


def _sparse_gather_grad(m, shape, dim, index, dtype_name="float32"):
    dtype = getattr(m, dtype_name)
    x = m.arange(float(max(1, int(np.prod(shape)))), dtype=dtype).reshape(shape).requires_grad_()
    y = m.gather(x, dim, m.tensor(index), sparse_grad=True)
    (y * m.arange(1.0, y.numel() + 1, dtype=dtype).reshape(y.shape)).sum().backward()
    g = x.grad
    names = [str(a).split(".")[-1] for a in (g.layout, g.dtype)]
    return names[0], g.is_coalesced(), g._indices().tolist(), g._values().tolist(), tuple(g.shape), names[1]


def test_gather_sparse_grad_gives_an_entry_per_index_element():
    layout, coalesced, indices, values, shape, _ = _sparse_gather_grad(retrograd, (3, 2), 0, [[2, 0], [2, 1]])
    assert (layout, coalesced, shape) == ("sparse_coo", False, (3, 2))
    assert indices == [[2, 0, 2, 1], [0, 1, 0, 1]]  # the row read, each element's own column
    assert values == [1.0, 2.0, 3.0, 4.0]
    # a 0-d input: entries without coordinates; one entry is coalesced
    assert _sparse_gather_grad(retrograd, (), 0, 0)[1:4] == (True, [], [1.0])
    x = retrograd.ones(3, 2, requires_grad=True)
    (x.gather(0, retrograd.tensor([[0, 1]]), sparse_grad=True).sum() + x.sum()).backward()
    assert x.grad.tolist() == [[2.0, 1.0], [1.0, 2.0], [1.0, 1.0]]  # sparse added to dense


@needs_torch
@pytest.mark.parametrize("case", range(len(_SPARSE_GATHERS)))
@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_gather_sparse_grad_matches_pytorch(case, dtype_name):
    args = _SPARSE_GATHERS[case]
    assert _sparse_gather_grad(retrograd, *args, dtype_name) == _sparse_gather_grad(torch, *args, dtype_name)


@needs_torch
def test_gather_sparse_grad_second_order_matches_pytorch():
    def run(m):
        x = m.tensor([[1.0, -2.0], [3.0, 0.5]], dtype=m.float64, requires_grad=True)
        y = x.gather(0, m.tensor([[1, 0], [1, 1]]), sparse_grad=True)
        (g,) = m.autograd.grad((y**3).sum(), x, create_graph=True)
        (h,) = m.autograd.grad(g.to_dense().sum(), x)
        return str(g.layout)[-10:], type(y.grad_fn).__name__, g.to_dense().tolist(), h.to_dense().tolist()

    assert run(retrograd) == run(torch)


# an empty index passes gather/scatter whatever its dtype, as in PyTorch (`torch.tensor([[], []])` is float32)
_EMPTY_INDEX_CALLS = [
    lambda m, i: m.gather(m.ones(3, 2), 0, i.reshape(0, 2)),
    lambda m, i: m.zeros(3).scatter_add_(0, i, m.ones(0)),
    lambda m, i: m.zeros(3).scatter_reduce_(0, i, m.ones(0), "amax", include_self=False),
    lambda m, i: m.zeros(3).scatter_(0, i, 1.0),
]


@pytest.mark.parametrize("call", _EMPTY_INDEX_CALLS)
def test_gather_and_scatter_take_an_empty_index_of_any_dtype(call):
    for dtype in (retrograd.float32, retrograd.bool):
        out = call(retrograd, retrograd.tensor([], dtype=dtype))
        assert out.tolist() in ([], [0.0, 0.0, 0.0])
    with pytest.raises(RuntimeError, match=r"Expected dtype int32/int64 for index"):
        retrograd.zeros(3).scatter_add_(0, retrograd.tensor([0.0]), retrograd.ones(1))


@needs_torch
@pytest.mark.parametrize("call", _EMPTY_INDEX_CALLS)
def test_empty_index_of_any_dtype_matches_pytorch(call):
    for name in ("float32", "bool", "int16"):
        ours = call(retrograd, retrograd.tensor([], dtype=getattr(retrograd, name)))
        theirs = call(torch, torch.tensor([], dtype=getattr(torch, name)))
        assert (ours.tolist(), tuple(ours.shape)) == (theirs.tolist(), tuple(theirs.shape))


def _bad_index_reduce(m, case):
    calls = {
        "reduce": lambda: m.zeros(2).index_reduce(0, m.tensor([0]), m.tensor([1.0]), "sum"),
        "shape": lambda: m.zeros(2, 2).index_reduce(0, m.tensor([0]), m.tensor([1.0]), "prod"),
        "dtype": lambda: m.zeros(2).index_reduce(0, m.tensor([0]), m.tensor([1.0], dtype=m.float64), "prod"),
        "range": lambda: m.zeros(2).index_reduce(0, m.tensor([5]), m.tensor([1.0]), "prod"),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            calls[case]()
        except (RuntimeError, IndexError) as error:
            return [str(w.message).split(" (Triggered")[0] for w in caught], type(error), str(error)
    raise AssertionError("no error")


# index_reduce checks its arguments before its beta warning; only the range check comes after it.
_INDEX_REDUCE_WARNS = {"reduce": False, "shape": False, "dtype": False, "range": True}


@pytest.mark.parametrize("case", list(_INDEX_REDUCE_WARNS))
def test_index_reduce_checks_arguments_before_its_beta_warning(monkeypatch, case):
    monkeypatch.setattr(reduce_into, "_beta_warned", False)
    caught, _, _ = _bad_index_reduce(retrograd, case)
    assert caught == (
        ["index_reduce() is in beta and the API may change at any time."] if _INDEX_REDUCE_WARNS[case] else []
    )


@needs_torch
@pytest.mark.parametrize("case", [c for c, warns in _INDEX_REDUCE_WARNS.items() if not warns])
def test_index_reduce_argument_errors_match_pytorch_without_warning(monkeypatch, case):
    monkeypatch.setattr(reduce_into, "_beta_warned", False)
    assert _bad_index_reduce(retrograd, case) == _bad_index_reduce(torch, case)


def _two_weight_norms(m):
    m.nn.utils.weight_norm(m.nn.Linear(2, 2))
    m.nn.utils.weight_norm(m.nn.Conv1d(2, 2, 1))


def test_hook_weight_norm_deprecation_names_one_line_for_every_call():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _two_weight_norms(retrograd)
    assert [w.category for w in caught] == [FutureWarning, FutureWarning]
    # both name weight_norm's own line, so the default filter shows the warning once per process
    assert {w.filename for w in caught} == {sys.modules[WeightNorm.__module__].__file__}
    assert len({w.lineno for w in caught}) == 1


def test_weight_norm_apply_called_directly_warns_at_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        WeightNorm.apply(retrograd.nn.Linear(2, 2), "weight", 0)
    assert [(w.category, w.filename) for w in caught] == [(FutureWarning, __file__)]


@needs_torch
def test_hook_weight_norm_warns_once_under_the_default_filter_as_pytorch():
    for module in (retrograd, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.resetwarnings()
            warnings.simplefilter("default")
            _two_weight_norms(module)
        assert [str(w.message) for w in caught] == [
            "`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`."
        ]


def _bag_with_offsets(m):
    with pytest.raises(ValueError) as info:
        m.nn.EmbeddingBag(5, 2)(m.tensor([[1, 2]]), m.tensor([0]))
    return str(info.value)


def test_embedding_bag_2d_input_with_offsets_names_the_tensor_class():
    set_package_name("torch")
    try:
        message = _bag_with_offsets(retrograd)
    finally:
        set_package_name("retrograd")
    assert message.endswith("However, found offsets of type <class 'torch.Tensor'>")
    assert _bag_with_offsets(retrograd).endswith("of type <class 'retrograd.Tensor'>")


@needs_torch
def test_embedding_bag_2d_input_with_offsets_matches_pytorch():
    set_package_name("torch")
    try:
        assert _bag_with_offsets(retrograd) == _bag_with_offsets(torch)
    finally:
        set_package_name("retrograd")


def test_histogramdd_counts_points_in_a_grid():
    points = retrograd.tensor([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.4, 0.9]])
    hist, edges = retrograd.histogramdd(points, bins=[2, 1])
    assert hist.tolist() == [[2.0], [2.0]]
    assert [e.tolist() for e in edges] == [[0.0, 0.5, 1.0], [0.0, 1.0]]
    weighted = retrograd.histogramdd(points, bins=2, range=[0.0, 1.0, 0.0, 2.0], weight=retrograd.arange(4.0))
    assert weighted.hist.tolist() == [[3.0, 0.0], [2.0, 1.0]]  # y = 1.0 opens the second y bin
    dense = retrograd.histogramdd(points, bins=[2, 1], density=True).hist
    assert dense.tolist() == [[1.0], [1.0]]  # 2 of 4 points in each bin of volume 0.5


def test_histogramdd_returns_given_edges_and_refuses_backward():
    e0, e1 = retrograd.tensor([0.0, 1.0]), retrograd.tensor([0.0, 0.5, 1.0])
    points = retrograd.tensor([[0.2, 0.7], [0.9, 0.1]], requires_grad=True)
    result = retrograd.histogramdd(points, bins=(e0, e1))
    assert result.bin_edges[0] is e0 and result.bin_edges[1] is e1
    assert type(result.hist.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::_histogramdd_from_bin_tensors is not implemented"):
        result.hist.sum().backward()
    counted = retrograd.histogramdd(points, bins=2)
    with pytest.raises(RuntimeError, match="derivative for aten::_histogramdd_bin_edges is not implemented"):
        counted.bin_edges[1].sum().backward()
    with retrograd.no_grad():
        assert retrograd.histogramdd(points, bins=2).hist.grad_fn is None


def test_histogram_refuses_backward_when_an_input_requires_grad():
    x = retrograd.tensor([0.1, 0.5, 0.9])
    edges = retrograd.tensor([0.0, 0.5, 1.0], requires_grad=True)
    hist, out_edges = retrograd.histogram(x, bins=edges)
    assert hist.requires_grad and out_edges.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::histogram is not implemented"):
        hist.sum().backward()
    assert retrograd.histogram(x, bins=2).hist.grad_fn is None


_HISTOGRAM_ERRORS = [
    lambda m: m.histogramdd(m.rand(5), bins=2),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[2]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[2, 0]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[2, 0], range=[float("inf"), 1.0, 0.0, 1.0]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[2, 0], weight=m.ones(3)),
    lambda m: m.histogramdd(m.rand(5, 2), bins=2, range=[0.0, 1.0]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=2, range=[0.0, 1.0, 2.0, 1.0]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=2, weight=m.ones(5, 1)),
    lambda m: m.histogramdd(m.rand(5, 2), bins=2, weight=m.ones(5, dtype=m.float64)),
    lambda m: m.histogramdd(m.zeros(5, 2, dtype=m.int64), bins=[2]),
    lambda m: m.histogramdd(m.rand(5, 2).half(), bins=2),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[m.tensor([0.0, 1.0])]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[m.tensor([0.0]), m.tensor([[0.0]])]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[m.tensor([]), m.tensor([0.0, 1.0])]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[m.tensor([0.0]), m.tensor([0.0, 1.0])]),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[m.tensor([0.0, 1.0]), m.tensor([0, 1])], weight=m.ones(3)),
    lambda m: m.histogramdd(m.rand(5, 2), bins=[True, 2]),
    lambda m: m.histogramdd(m.rand(5, 2), 2.5),
    lambda m: m.histogram(m.rand(5), bins=m.tensor([0.0])),
    lambda m: m.histogram(m.rand(5), bins=m.tensor([])),
    lambda m: m.histogram(m.rand(5), bins=2, range=[float("inf"), 0.0]),
    lambda m: m.histogram(m.rand(5), bins=2, range=[0.0, 1.0, 2.0]),
]


def test_histogramdd_argument_errors():
    with pytest.raises(RuntimeError, match=r"^torch.histogramdd: dimension 0's range \[inf, 1\] is not finite$"):
        _HISTOGRAM_ERRORS[3](retrograd)
    with pytest.raises(RuntimeError, match=r"^torch.histogram\(\): bins must be > 0, but got 0 for dimension 0$"):
        _HISTOGRAM_ERRORS[-4](retrograd)


@needs_torch
@pytest.mark.parametrize("index", range(len(_HISTOGRAM_ERRORS)))
def test_histogram_errors_match_pytorch(index):
    call = _HISTOGRAM_ERRORS[index]
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(retrograd)
    assert str(ours.value).split("\n")[0] == str(theirs.value).split("\n")[0]


def _histogramdd_calls(m):
    m.manual_seed(0)
    x = m.rand(6, 2)
    return [
        m.histogramdd(x, bins=[2, 3]),
        m.histogramdd(x.view(3, 2, 2), bins=2, density=True),
        m.histogramdd(x.double(), bins=(1, 2), weight=m.arange(6.0, dtype=m.float64)),
        m.histogramdd(m.zeros(0, 2), bins=2, density=True),
        m.histogramdd(m.rand(5, 0), bins=[]),
        m.histogramdd(m.tensor([[1.0, 1.0], [1.0, 1.0]]), bins=2),
        m.histogramdd(x.requires_grad_(), bins=[m.tensor([0.0, 1.0]), m.tensor([0.0, 0.5, 1.0])]),
    ]


@needs_torch
def test_histogramdd_prints_as_pytorch():
    set_package_name("torch")
    try:
        ours = [repr(r) for r in _histogramdd_calls(retrograd)]
    finally:
        set_package_name("retrograd")
    assert ours == [repr(r) for r in _histogramdd_calls(torch)]


_SORTER_ERRORS = [
    (lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.5]), sorter=m.tensor([[1, 0]])),
     "torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor [2]and got sorter "
     "tensor [1, 2]"),
    (lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.5]), sorter=m.tensor([1, 0], dtype=m.int32)),
     "torch.searchsorted(): sorter must be a tensor of long dtype but got dtype Int"),
    (lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.5]), sorter=m.tensor([1, 5])),
     "torch.searchsorted(): sorter index out of range"),
    (lambda m: m.searchsorted(m.tensor([1.0, 2.0]), m.tensor([1.5]), sorter=m.tensor([-1, 0])),
     "torch.searchsorted(): sorter index out of range"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "message"), _SORTER_ERRORS)
def test_searchsorted_checks_its_sorter(call, message):
    with pytest.raises(RuntimeError) as info:
        call(retrograd)
    assert str(info.value) == message


@needs_torch
@pytest.mark.parametrize(("call", "message"), _SORTER_ERRORS)
def test_searchsorted_sorter_errors_match_pytorch(call, message):
    with pytest.raises(RuntimeError) as theirs:
        call(torch)
    assert str(theirs.value) == message


def test_searchsorted_with_a_valid_sorter():
    seq, values = retrograd.tensor([2.0, 1.0]), retrograd.tensor([1.5, 0.5, 3.0])
    assert retrograd.searchsorted(seq, values, sorter=retrograd.tensor([1, 0])).tolist() == [1, 0, 2]
