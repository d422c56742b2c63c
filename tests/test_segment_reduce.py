"""segment_reduce: empty segments, `initial`, rows of lengths, gradients at ties and zeros, PyTorch's errors.

The op table (tests/ops/cases_reduction.py) checks values and first-order gradients; these are
the behaviours it cannot express.
"""

from __future__ import annotations

import pytest

import retrograd

try:  # the comparisons skip without PyTorch; the other tests run anyway
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

DATA = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
LENGTHS = [2, 0, 3, 1]


@pytest.mark.parametrize(
    ("reduce", "initial", "expected"),
    [
        ("sum", None, [3.0, 0.0, 12.0, 6.0]),
        ("sum", 10.0, [13.0, 10.0, 22.0, 16.0]),
        ("mean", 10.0, [6.5, 10.0, 22.0 / 3, 16.0]),  # (initial + sum) / count; an empty segment holds initial
        ("max", None, [2.0, float("-inf"), 5.0, 6.0]),
        ("amin", None, [1.0, float("inf"), 3.0, 6.0]),
        ("prod", 10.0, [20.0, 10.0, 600.0, 60.0]),
    ],
)
def test_empty_segments_and_initial(reduce, initial, expected):
    out = retrograd.segment_reduce(retrograd.tensor(DATA), reduce, lengths=retrograd.tensor(LENGTHS), initial=initial)
    assert out.tolist() == pytest.approx(expected)


def test_empty_segment_mean_without_initial_is_nan():
    out = retrograd.segment_reduce(retrograd.tensor(DATA), "mean", lengths=retrograd.tensor(LENGTHS))
    assert out.isnan().tolist() == [False, True, False, False]


def test_rows_of_lengths_segment_each_row():
    data = retrograd.arange(12.0).view(3, 4)
    lengths = retrograd.tensor([[1, 3], [2, 2], [4, 0]])
    out = retrograd.segment_reduce(data, "sum", lengths=lengths, axis=1)
    assert out.tolist() == [[0.0, 6.0], [9.0, 13.0], [38.0, 0.0]]
    offsets = retrograd.tensor([[0, 1, 4], [0, 2, 4], [0, 4, 4]])
    assert retrograd.segment_reduce(data, "sum", offsets=offsets, axis=1).tolist() == out.tolist()


def test_offsets_win_over_lengths_and_may_skip_the_ends():
    data = retrograd.tensor(DATA)
    both = retrograd.segment_reduce(data, "sum", lengths=retrograd.tensor(LENGTHS), offsets=retrograd.tensor([0, 6]))
    assert both.tolist() == [21.0]
    assert retrograd.segment_reduce(data, "sum", offsets=retrograd.tensor([1, 3, 5])).tolist() == [5.0, 9.0]


def test_gradients_share_ties_and_handle_zeros():
    x = retrograd.tensor([1.0, 3.0, 3.0, 2.0, 2.0], requires_grad=True)
    out = retrograd.segment_reduce(x, "max", lengths=retrograd.tensor([3, 2]))
    assert type(out.grad_fn).__name__ == "SegmentReduceBackward0"
    (g,) = retrograd.autograd.grad(out, x, retrograd.tensor([1.0, 10.0]))
    assert g.tolist() == [0.0, 0.5, 0.5, 5.0, 5.0]
    z = retrograd.tensor([0.0, 3.0, 0.0, 2.0, 0.0], requires_grad=True)
    out = retrograd.segment_reduce(z, "prod", lengths=retrograd.tensor([3, 2]), initial=2.0)
    (g,) = retrograd.autograd.grad(out, z, retrograd.tensor([1.0, 10.0]))
    assert g.tolist() == [0.0, 0.0, 0.0, 0.0, 40.0]  # two zeros: none; one zero: the rest's product


def test_second_order_is_refused_as_in_pytorch():
    y = retrograd.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = retrograd.segment_reduce(y, "prod", lengths=retrograd.tensor([1, 2]))
    (g,) = retrograd.autograd.grad(out.sum(), y, create_graph=True)
    assert g.tolist() == [1.0, 3.0, 2.0]
    assert type(g.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::_segment_reduce_backward is not implemented"):
        g.sum().backward()


def test_forward_mode_tangent():
    from retrograd.autograd import forward_ad as fwAD

    x = retrograd.tensor([1.0, 4.0, 2.0, 3.0])
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, retrograd.tensor([1.0, 2.0, 3.0, 4.0]))
        out = retrograd.segment_reduce(dual, "max", lengths=retrograd.tensor([2, 2]))
        assert fwAD.unpack_dual(out).tangent.tolist() == [2.0, 4.0]


_ERRORS = [
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum"),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "avg", lengths=m.tensor([2])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", indices=m.tensor([2])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor([1, 2])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor([3, -1])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor([3, -1]), unsafe=True),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor([], dtype=m.int64)),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor([1.0, 1.0])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", offsets=m.tensor([0.0, 2.0])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", offsets=m.tensor([2, 0])),
    lambda m: m.segment_reduce(m.tensor([1, 2]), "sum", lengths=m.tensor([2])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor([[2]])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor(2)),
    lambda m: m.segment_reduce(m.ones(2, 2), "sum", lengths=m.tensor([2]), axis=1),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=m.tensor([2]), axis=3),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", lengths=[2]),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), 5, lengths=m.tensor([2])),
    lambda m: m.segment_reduce(m.tensor([1.0, 2.0]), "sum", m.tensor([2])),
]


def test_errors_name_the_problem():
    with pytest.raises(RuntimeError, match=r"^lengths contains negative value!$"):
        _ERRORS[4](retrograd)
    with pytest.raises(NotImplementedError, match="\"_segment_reduce_cpu\" not implemented for 'Long'"):
        _ERRORS[10](retrograd)
    with pytest.raises(TypeError, match=r"^segment_reduce\(\): argument 'lengths' must be Tensor, not list$"):
        _ERRORS[15](retrograd)


@needs_torch
@pytest.mark.parametrize("index", range(len(_ERRORS)))
def test_errors_match_pytorch(index):
    call = _ERRORS[index]
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(retrograd)
    assert str(ours.value).split("\n")[0] == str(theirs.value).split("\n")[0]


def _reductions_with_gradients(m):
    results = []
    for reduce in ("sum", "mean", "max", "min", "prod"):
        x = m.tensor([[1.0, 2.0], [2.0, 2.0], [5.0, 0.0], [0.0, 3.0]], requires_grad=True)
        out = m.segment_reduce(x, reduce, lengths=m.tensor([2, 0, 2]), initial=None if reduce == "mean" else 1.5)
        (g,) = m.autograd.grad(out, x, m.arange(6.0).view(3, 2))
        results.append((repr(out), g.tolist()))
    return results


@needs_torch
def test_values_and_gradients_match_pytorch():
    assert _reductions_with_gradients(retrograd) == _reductions_with_gradients(torch)
