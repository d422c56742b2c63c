"""Tensor-puzzle idioms (views, indexing, dim shuffles): what they give and how they refuse."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


MOVEDIM_MISTAKES = {
    "more sources than destinations": (
        ((0, 1), (0,)),
        "movedim: Invalid source or destination dims: source ([0, 1] dims) should contain "
        "the same number of dims as destination ([0] dims)",
    ),
    "a repeated source": (((0, 0), (1, 2)), "movedim: repeated dim in `source` ([0, 0])"),
    "a repeated destination": (((0, 1), (2, 2)), "movedim: repeated dim in `destination` ([2, 2])"),
    "a source repeated through a negative dim": (((0, -3), (1, 2)), "movedim: repeated dim in `source` ([0, -3])"),
}


@pytest.mark.parametrize("name", list(MOVEDIM_MISTAKES))
def test_movedim_refuses_repeated_or_unpaired_dims(name):
    (source, destination), message = MOVEDIM_MISTAKES[name]
    with pytest.raises(RuntimeError) as info:
        rg.zeros(2, 3, 4).movedim(source, destination)
    assert str(info.value) == message


def test_movedim_of_paired_dims_still_moves():
    assert rg.zeros(2, 3, 4).movedim((0, 1), (2, 0)).shape == (3, 4, 2)
    assert rg.zeros(2, 3, 4).movedim((), ()).shape == (2, 3, 4)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(MOVEDIM_MISTAKES))
def test_movedim_mistakes_vs_torch(name):
    (source, destination), message = MOVEDIM_MISTAKES[name]
    with pytest.raises(RuntimeError) as info:
        torch.zeros(2, 3, 4).movedim(source, destination)
    assert str(info.value) == message


EINSUM_VIEWS = {
    # equation: (strides, grad_fn name) of the result for a contiguous (3, 3, 3) operand
    "ijk->kji": ((1, 3, 9), "PermuteBackward0"),
    "iji->ij": ((10, 3), "PermuteBackward0"),
    "jii->ji": ((9, 4), "PermuteBackward0"),
    "iii->i": ((13,), "PermuteBackward0"),
}


@pytest.mark.parametrize("equation", list(EINSUM_VIEWS))
def test_einsum_without_a_sum_is_a_view(equation):
    x = rg.arange(27.0).view(3, 3, 3).clone().requires_grad_()
    r = rg.einsum(equation, x)
    strides, node = EINSUM_VIEWS[equation]
    assert (r.stride(), r.grad_fn.name()) == (strides, node)
    assert r._base is x


def test_einsum_diagonal_view_values_and_gradient():
    x = rg.arange(9.0).view(3, 3).requires_grad_()
    d = rg.einsum("ii->i", x)
    assert d.tolist() == [0.0, 4.0, 8.0]
    (d * rg.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]
    assert rg.einsum("ij->ji", rg.arange(6).view(2, 3)).stride() == (1, 3)


def test_einsum_names_the_later_size_first_when_a_repeated_letter_disagrees():
    with pytest.raises(RuntimeError, match="sizes don't match, 3 != 2$"):
        rg.einsum("ii", rg.ones(2, 3))


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("equation", list(EINSUM_VIEWS))
def test_einsum_views_vs_torch(equation):
    ours = rg.einsum(equation, rg.arange(27.0).view(3, 3, 3).requires_grad_())
    theirs = torch.einsum(equation, torch.arange(27.0).view(3, 3, 3).requires_grad_())
    assert (ours.stride(), ours.grad_fn.name(), ours.tolist()) == (
        theirs.stride(), theirs.grad_fn.name(), theirs.tolist()
    )
    with pytest.raises(RuntimeError, match="sizes don't match, 3 != 2$"):
        torch.einsum("ii", torch.ones(2, 3))


def test_sort_with_stable_given_records_sort_backward1():
    x = rg.tensor([3.0, 1.0, 3.0], requires_grad=True)
    assert x.sort()[0].grad_fn.name() == "SortBackward0"
    assert x.sort(stable=False)[0].grad_fn.name() == "SortBackward1"
    values, indices = x.sort(stable=True, descending=True)
    assert (values.grad_fn.name(), indices.tolist()) == ("SortBackward1", [0, 2, 1])
    (values * rg.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [1.0, 3.0, 2.0]


ORDER_MISTAKES = {
    "sort with a bool for dim": lambda m: m.sort(m.tensor([2, 1]), True),
    "sort with an int for descending": lambda m: m.sort(m.tensor([2, 1]), 0, 1),
    "sort with a float dim": lambda m: m.sort(m.tensor([2, 1]), 0.0),
    "argsort with a bool for dim": lambda m: m.argsort(m.tensor([2, 1]), True),
}


@pytest.mark.parametrize("name", list(ORDER_MISTAKES))
def test_sort_refuses_a_bool_dim_instead_of_sorting_along_dim_1(name):
    with pytest.raises(TypeError, match=r"received an invalid combination of arguments - got \(Tensor, "):
        ORDER_MISTAKES[name](rg)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(ORDER_MISTAKES))
def test_sort_argument_mistakes_vs_torch(name):
    with pytest.raises(TypeError) as ours:
        ORDER_MISTAKES[name](rg)
    with pytest.raises(TypeError) as theirs:
        ORDER_MISTAKES[name](torch)
    assert str(ours.value) == str(theirs.value)
    x = torch.tensor([3.0, 1.0], requires_grad=True)
    assert x.sort(stable=False)[0].grad_fn.name() == "SortBackward1"


SELECTION_MISTAKES = {
    "topk with a bool for dim": (
        lambda m: m.topk(m.tensor([3.0, 1.0]), 1, True),
        "topk(): argument 'dim' (position 3) must be int, not bool",
    ),
    "topk with an int for largest": (
        lambda m: m.topk(m.tensor([3.0, 1.0]), 1, 0, 1),
        "topk(): argument 'largest' (position 4) must be bool, not int",
    ),
    "kthvalue with a bool for dim": (
        lambda m: m.kthvalue(m.tensor([3.0, 1.0]), 1, True),
        "kthvalue(): argument 'dim' (position 3) must be int, not bool",
    ),
}


@pytest.mark.parametrize("name", list(SELECTION_MISTAKES))
def test_topk_and_kthvalue_refuse_a_bool_dim(name):
    call, message = SELECTION_MISTAKES[name]
    with pytest.raises(TypeError) as info:
        call(rg)
    assert str(info.value) == message


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(SELECTION_MISTAKES))
def test_topk_and_kthvalue_mistakes_vs_torch(name):
    call, message = SELECTION_MISTAKES[name]
    with pytest.raises(TypeError) as info:
        call(torch)
    assert str(info.value) == message


LAYOUTS = {
    # expression on a contiguous (3, 4, 5) tensor `x`: the result's strides (row-major, as PyTorch's)
    "x[:, [0, 1]]": (10, 5, 1),
    "x[..., [[0, 1]], :]": (10, 10, 5, 1),
    "x[:, :, [1, 2]]": (8, 2, 1),
    "x[:, [0, 1], [1, 2]]": (2, 1),
    "x[:, x[0, :, 0] > 5]": (10, 5, 1),
    "x.index_select(1, m.tensor([0, 1]))": (10, 5, 1),
    "m.take(x, m.tensor([[1, 2], [3, 4]]).t())": (2, 1),
}


@pytest.mark.parametrize("expression", list(LAYOUTS))
def test_advanced_indexing_results_are_row_major(expression):
    x = rg.arange(60).view(3, 4, 5)
    r = eval(expression, {"x": x, "m": rg})
    assert r.stride() == LAYOUTS[expression]
    assert r.is_contiguous()


def test_indexed_columns_can_be_viewed_flat():
    x = rg.arange(24.0).view(2, 3, 4).requires_grad_()
    flat = x[:, [2, 0]].view(2, -1)
    assert flat.tolist() == [
        [8.0, 9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 3.0],
        [20.0, 21.0, 22.0, 23.0, 12.0, 13.0, 14.0, 15.0],
    ]
    flat.sum().backward()
    assert x.grad[:, 1].sum().item() == 0.0 and x.grad[:, [0, 2]].sum().item() == 16.0


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("expression", list(LAYOUTS))
def test_advanced_indexing_layouts_vs_torch(expression):
    r = eval(expression, {"x": torch.arange(60).view(3, 4, 5), "m": torch})
    assert r.stride() == LAYOUTS[expression]
