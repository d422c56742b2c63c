"""What vmap code sees when it prints a batched tensor, reads its data, or writes a batched value
into an unbatched tensor: PyTorch's reprs and errors, word for word.

Each test runs on retrograd and, where it is installed, on PyTorch (the `pytorch` id), against the
same spelled-out expectation.
"""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])


def _refusal(name: str, where: str = "in a vmap") -> str:
    return (
        f"vmap: {name}(self, *extra_args) is not possible because there exists a Tensor `other` in extra_args "
        f"that has more elements than `self`. This happened due to `other` being vmapped over but `self` not "
        f"being vmapped over {where}. Please try to use out-of-place operators instead of {name}. If said "
        "operator is being called inside the PyTorch framework, please file a bug report instead."
    )


def _error_of(lib, fn, x):
    with pytest.raises(RuntimeError) as info:
        lib.func.vmap(fn)(x)
    return str(info.value)


@pytest.mark.parametrize("lib", LIBS)
def test_batched_repr_indents_each_level(lib):
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
    seen = []
    lib.func.vmap(lib.func.vmap(lambda a: seen.append(repr(a)) or a))(x)
    assert seen == [
        "BatchedTensor(lvl=2, bdim=0, value=\n"
        "    BatchedTensor(lvl=1, bdim=0, value=\n"
        "        tensor([[1., 2.],\n"
        "                [3., 4.]])\n"
        "    )\n"
        ")"
    ]


@pytest.mark.parametrize("lib", LIBS)
def test_batched_repr_leaves_blank_lines_blank(lib):
    seen = []
    lib.func.vmap(lambda a: seen.append(repr(a)) or a)(lib.zeros(1, 2, 1, 1))
    assert seen == ["BatchedTensor(lvl=1, bdim=0, value=\n    tensor([[[[0.]],\n\n             [[0.]]]])\n)"]


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "fn",
    [lambda a: a * a.sum().item(), lambda a: a * float(a.sum())],
    ids=["item", "float"],
)
def test_item_inside_vmap_is_refused(lib, fn):
    assert _error_of(lib, fn, lib.ones(3, 2)) == (
        "vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling .item() on a "
        "Tensor, please try to rewrite what you're doing with other operations. If error is occurring somewhere "
        "inside PyTorch internals, please file a bug report."
    )


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "fn",
    [lambda a: a * len(a.tolist()), lambda a: a * a.numpy().size, lambda a: a * a.data_ptr()],
    ids=["tolist", "numpy", "data_ptr"],
)
def test_reading_a_batched_tensors_data_is_refused(lib, fn):
    assert _error_of(lib, fn, lib.ones(3, 2)) == "Cannot access data pointer of Tensor that doesn't have storage"


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "name, fn, expected",
    [
        ("sub_", lambda lib: lambda a: lib.zeros(4).sub_(a), _refusal("inplace arithmetic")),
        ("copy_", lambda lib: lambda a: lib.zeros(4).copy_(a), _refusal("inplace arithmetic")),
        ("setitem", lambda lib: lambda a: lib.zeros(4).__setitem__(0, a[0]), _refusal("inplace arithmetic")),
        ("setitem_mask", lambda lib: lambda a: lib.zeros(4).__setitem__(a > 0, 1.0), _refusal("index_put_")),
        ("masked_fill_", lambda lib: lambda a: lib.zeros(4).masked_fill_(a > 0, 1.0), _refusal("inplace arithmetic")),
        ("fill_", lambda lib: lambda a: lib.zeros(4).fill_(a[0]), _refusal("fill_")),
        (
            "index_add_",
            lambda lib: lambda a: lib.zeros(4).index_add_(0, lib.tensor([0, 1]), a[:2]),
            _refusal("index_add_"),
        ),
        (
            "scatter_add_",
            lambda lib: lambda a: lib.zeros(4).scatter_add_(0, lib.tensor([0, 1]), a[:2]),
            _refusal("scatter_add_"),
        ),
        ("pow_", lambda lib: lambda a: lib.zeros(4).pow_(a), _refusal("aten::pow_", "at level 1")),
        ("clamp_", lambda lib: lambda a: lib.zeros(4).clamp_(min=a), _refusal("aten::clamp_", "at level 1")),
        (
            "index_copy_",
            lambda lib: lambda a: lib.zeros(4).index_copy_(0, lib.tensor([0, 1]), a[:2]),
            _refusal("aten::index_copy_", "at level 1"),
        ),
        (
            "masked_fill_value",
            lambda lib: lambda a: lib.zeros(4).masked_fill_(lib.ones(4, dtype=lib.bool), a[0]),
            _refusal("aten::masked_fill_", "at level 1"),
        ),
        (
            "add_",
            lambda lib: lambda a: lib.zeros(4).add_(a),
            "output with shape [4] doesn't match the broadcast shape [3, 4]",
        ),
        (
            "iadd",
            lambda lib: lambda a: lib.zeros(2, 4).__iadd__(a),
            "output with shape [2, 4] doesn't match the broadcast shape [3, 2, 4]",
        ),
    ],
)
def test_writing_a_batched_value_into_an_unbatched_tensor_is_refused(lib, name, fn, expected):
    import warnings

    with warnings.catch_warnings():  # PyTorch warns that some of these ops have no batching rule
        warnings.simplefilter("ignore")
        assert _error_of(lib, fn(lib), lib.randn(3, 4)) == expected


@pytest.mark.parametrize("lib", LIBS)
def test_writing_into_a_batched_tensor_still_works(lib):
    def f(a):
        out = a.clone()
        out.add_(lib.ones(4))
        out[0] = 0.0
        out.masked_fill_(out > 2, 2.0)
        return out

    x = lib.arange(8.0).reshape(2, 4)
    assert lib.func.vmap(f)(x).tolist() == [[0.0, 2.0, 2.0, 2.0], [0.0, 2.0, 2.0, 2.0]]


_THROUGH_A_TRANSFORM = (
    "vmap: It looks like you're either (1) calling .item() on a Tensor or (2) attempting to use a Tensor in some "
    "data-dependent control flow or (3) encountering this error in PyTorch internals. For (1): we don't support "
    "vmap over calling .item() on a Tensor, please try to rewrite what you're doing with other operations. For "
    "(2): we don't support data-dependent control flow in vmap yet, please file an issue at "
    "https://github.com/pytorch/pytorch/issues . For (3): please file an issue."
)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "run",
    [
        lambda lib, f: f.vmap(f.grad(lambda a: a.sum() * a.sum().item())),
        lambda lib, f: f.vmap(f.grad(lambda a: a.sum() * (1.0 if a.sum() > 0 else 2.0))),
        lambda lib, f: f.vmap(f.jacrev(lambda a: a * a.sum().item())),
        lambda lib, f: f.vmap(lambda a: f.jvp(lambda b: b * b.sum().item(), (a,), (a,))[1]),
    ],
    ids=["grad_item", "grad_bool", "jacrev_item", "jvp_item"],
)
def test_reading_values_through_a_transform_inside_vmap(lib, run):
    with pytest.raises(RuntimeError) as info:
        run(lib, lib.func)(lib.ones(2, 3))
    assert str(info.value) == _THROUGH_A_TRANSFORM


@pytest.mark.parametrize("lib", LIBS)
def test_vmap_inside_grad_keeps_the_short_message(lib):
    x = lib.ones(2, 3)
    with pytest.raises(RuntimeError) as info:
        lib.func.grad(lambda y: lib.func.vmap(lambda a: a * a.sum().item())(y).sum())(x)
    assert str(info.value).startswith("vmap: It looks like you're calling .item() on a Tensor.")
