"""A 0-d tensor takes dim 0 or -1 (PyTorch wraps a dim against max(ndim, 1)): reductions, moves and
quantiles along it give the one element back. Met in torchmetrics' micro-averaged accuracy, which
sums a 0-d count `tp.sum(dim=0)`."""

from __future__ import annotations

import pytest

import retrograd as rg

# name -> the call on a 0-d tensor holding 3.0 (or True for the bool reductions)
CALLS = {
    "sum_0": lambda m, x: x.sum(0),
    "sum_minus_1": lambda m, x: x.sum(-1),
    "sum_list_keepdim": lambda m, x: x.sum([0], keepdim=True),
    "sum_int": lambda m, x: x.long().sum(dim=0),
    "mean_0": lambda m, x: x.mean(0),
    "mean_keepdim": lambda m, x: m.mean(x, -1, keepdim=True),
    "nansum": lambda m, x: x.nansum(0),
    "nanmean": lambda m, x: x.nanmean(0),
    "all": lambda m, x: x.bool().all(0),
    "any": lambda m, x: (x > 5).any(-1),
    "movedim": lambda m, x: x.movedim(0, -1),
    "moveaxis": lambda m, x: m.moveaxis(x, -1, 0),
    "transpose": lambda m, x: x.transpose(0, -1),
    "swapaxes": lambda m, x: m.swapaxes(x, 0, 0),
    "quantile": lambda m, x: x.quantile(0.5, dim=0),
    "quantile_q_list": lambda m, x: m.quantile(x, m.tensor([0.25, 0.5]), dim=-1, keepdim=True),
    "nanquantile": lambda m, x: x.nanquantile(0.5, dim=0),
}

EXPECTED = {
    "sum_0": ((), "float32", 3.0),
    "sum_minus_1": ((), "float32", 3.0),
    "sum_list_keepdim": ((), "float32", 3.0),
    "sum_int": ((), "int64", 3),
    "mean_0": ((), "float32", 3.0),
    "mean_keepdim": ((), "float32", 3.0),
    "nansum": ((), "float32", 3.0),
    "nanmean": ((), "float32", 3.0),
    "all": ((), "bool", True),
    "any": ((), "bool", False),
    "movedim": ((), "float32", 3.0),
    "moveaxis": ((), "float32", 3.0),
    "transpose": ((), "float32", 3.0),
    "swapaxes": ((), "float32", 3.0),
    "quantile": ((), "float32", 3.0),
    "quantile_q_list": ((2,), "float32", [3.0, 3.0]),
    "nanquantile": ((), "float32", 3.0),
}


def _summary(m, name):
    out = CALLS[name](m, m.tensor(3.0))
    return tuple(out.shape), str(out.dtype).rpartition(".")[2], out.tolist()


@pytest.mark.parametrize("name", list(CALLS))
def test_dim_0_of_a_0d_tensor(name):
    assert _summary(rg, name) == EXPECTED[name]


@pytest.mark.parametrize("dim", [1, -2])
def test_other_dims_still_refused(dim):
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-1, 0\]"):
        rg.tensor(3.0).sum(dim)


def test_gradient_through_a_0d_sum_and_mean():
    x = rg.tensor(2.0, requires_grad=True)
    (x.sum(0) * 3 + x.mean(-1) + x.transpose(0, -1)).backward()
    assert x.grad.item() == 5.0
    assert x.sum(0).grad_fn.name() == "SumBackward1"


def test_micro_accuracy_idiom():
    # torchmetrics: tp, fp are 0-d counts when average="micro"; the reduction sums them along dim 0
    preds, target = rg.tensor([0, 2, 1, 1]), rg.tensor([0, 1, 1, 2])
    tp, fp = (preds == target).sum(), (preds != target).sum()
    assert (tp.sum(dim=0) / (tp + fp).sum(dim=0)).item() == 0.5


@pytest.mark.parametrize("name", list(CALLS))
def test_dim_0_of_a_0d_tensor_vs_torch(name):
    torch = pytest.importorskip("torch")
    assert _summary(rg, name) == _summary(torch, name)


def test_0d_gradient_vs_torch():
    torch = pytest.importorskip("torch")
    grads = []
    for m in (rg, torch):
        x = m.tensor(2.0, requires_grad=True)
        y = x.sum(0) * 3 + x.mean(-1) + x.transpose(0, -1)
        y.backward()
        grads.append((x.grad.item(), x.sum(0).grad_fn.name()))
    assert grads[0] == grads[1]


# ops that need the dim to exist refuse a 0-d tensor's dim 0 or -1 (PyTorch's wrap_scalar=False)
REFUSED = {
    "take_along_dim": (lambda m, x: m.take_along_dim(x, m.tensor(0), -1), "Dimension specified as 0"),
    "unique_consecutive": (lambda m, x: m.unique_consecutive(x, dim=-1), "Dimension specified as -1"),
    "unique": (lambda m, x: m.unique(x, dim=0), "Dimension specified as 0"),
}


def _refusal(m, name):
    with pytest.raises(IndexError) as info:
        REFUSED[name][0](m, m.tensor(3.0))
    return str(info.value)


@pytest.mark.parametrize("name", list(REFUSED))
def test_ops_needing_a_dim_refuse_a_0d_tensor(name):
    assert _refusal(rg, name) == REFUSED[name][1] + " but tensor has no dimensions"


@pytest.mark.parametrize("name", list(REFUSED))
def test_ops_needing_a_dim_refuse_a_0d_tensor_vs_torch(name):
    torch = pytest.importorskip("torch")
    assert _refusal(rg, name) == _refusal(torch, name)


def _empty_dim_list_nodes(m):
    x = m.tensor(3.0, requires_grad=True)
    return [x.sum([]).grad_fn.name(), x.sum(()).grad_fn.name(), x.mean([]).grad_fn.name()]


def test_an_empty_dim_list_on_a_0d_tensor_records_the_dim_sum():
    # sum(x, []) is the overload with dims, SumBackward1, on a 0-d input as on any other
    assert _empty_dim_list_nodes(rg) == ["SumBackward1", "SumBackward1", "MeanBackward1"]


def test_an_empty_dim_list_on_a_0d_tensor_vs_torch():
    torch = pytest.importorskip("torch")
    assert _empty_dim_list_nodes(rg) == _empty_dim_list_nodes(torch)
