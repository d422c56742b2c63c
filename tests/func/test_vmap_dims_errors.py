"""vmap's refusals of in_dims / out_dims that do not fit the inputs or outputs, word for word.

PyTorch compares pytree structures exactly (a tuple is not a list, a dict's keys must be the same,
in the same order) and prints both structures as TreeSpecs. Each case runs on retrograd and,
where installed, on PyTorch (the `pytorch` id).
"""

from __future__ import annotations

from collections import namedtuple

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])
Pair = namedtuple("Pair", "a b")


def _message(call):
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


def _identity(a):
    return a


def _first(t):
    return t[0]


@pytest.mark.parametrize("lib", LIBS)
def test_in_dims_longer_than_the_inputs(lib):
    x = lib.ones(3, 2)
    assert _message(lambda: lib.func.vmap(lambda a, b: a, in_dims=(0, None, 0))(x, x)) == (
        "vmap(<lambda>, in_dims=(0, None, 0), ...)(<inputs>): in_dims is not compatible with the structure of "
        "`inputs`. in_dims has structure TreeSpec(tuple, None, [*,\n  *,\n  *]) but inputs has structure "
        "TreeSpec(tuple, None, [*,\n  *])."
    )


@pytest.mark.parametrize("lib", LIBS)
def test_in_dims_dict_with_other_keys(lib):
    x = lib.ones(3, 2)
    assert _message(lambda: lib.func.vmap(_first, in_dims=({"a": 0},))({"a": x, "b": x})) == (
        "vmap(_first, in_dims=({'a': 0},), ...)(<inputs>): in_dims is not compatible with the structure of "
        "`inputs`. in_dims has structure TreeSpec(tuple, None, [TreeSpec(dict, ['a'], [*])]) but inputs has "
        "structure TreeSpec(tuple, None, [TreeSpec(dict, ['a', 'b'], [*,\n    *])])."
    )


@pytest.mark.parametrize("lib", LIBS)
def test_a_tuple_of_in_dims_does_not_describe_a_list(lib):
    x = lib.ones(3, 2)
    assert _message(lambda: lib.func.vmap(_first, in_dims=((0, 0),))([x, x])) == (
        "vmap(_first, in_dims=((0, 0),), ...)(<inputs>): in_dims is not compatible with the structure of "
        "`inputs`. in_dims has structure TreeSpec(tuple, None, [TreeSpec(tuple, None, [*,\n    *])]) but inputs "
        "has structure TreeSpec(tuple, None, [TreeSpec(list, None, [*,\n    *])])."
    )


@pytest.mark.parametrize("lib", LIBS)
def test_out_dims_against_a_named_tuple(lib):
    x = lib.ones(3, 2)
    message = _message(lambda: lib.func.vmap(lambda a: Pair(a, a), out_dims=(0, 0, 0))(x))
    assert message == (
        "vmap(<lambda>, ..., out_dims=(0, 0, 0))(<inputs>): out_dims is not compatible with the structure of "
        "`outputs`. out_dims has structure TreeSpec(tuple, None, [*,\n  *,\n  *]) but outputs has structure "
        f"TreeSpec(namedtuple, {Pair}, [*,\n  *])."
    )


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("chunk_size", [None, 2])
def test_out_dims_tuple_for_one_tensor(lib, chunk_size):
    x = lib.arange(6.0).reshape(3, 2)
    vmap = lib.func.vmap
    if chunk_size is None:  # one entry is accepted (PyTorch's chunked path then fails an internal assert)
        assert vmap(_identity, out_dims=(1,))(x).shape == (2, 3)
    assert _message(lambda: vmap(_identity, out_dims=(0, None), chunk_size=chunk_size)(x)) == (
        "vmap(_identity, ..., out_dims=(0, None))(<inputs>): out_dims is not compatible with the structure of "
        "`outputs`. out_dims has structure TreeSpec(tuple, None, [*,\n  *]) but outputs has structure *."
    )


@pytest.mark.parametrize("lib", LIBS)
def test_batched_output_with_out_dim_none(lib):
    assert _message(lambda: lib.func.vmap(_identity, out_dims=None)(lib.ones(3, 2))) == (
        "vmap(_identity, ...): `_identity` can not return a BatchedTensor when out_dim is None"
    )


@pytest.mark.parametrize("lib", LIBS)
def test_dims_that_are_not_ints(lib):
    x = lib.ones(3, 2)
    assert _message(lambda: lib.func.vmap(_identity, in_dims=("x",))(x)) == (
        "vmap(_identity, in_dims=('x',), ...)(<inputs>): Got in_dim=x for an input but in_dim must be either an "
        "integer dimension or None."
    )
    assert _message(lambda: lib.func.vmap(_identity, out_dims="x")(x)) == (
        "vmap(_identity, ..., out_dims=x): `out_dims` must be an int, None or a python collection of ints "
        "representing where in the outputs the vmapped dimension should appear."
    )


@pytest.mark.parametrize("lib", LIBS)
def test_nothing_to_map_over(lib):
    message = _message(lambda: lib.func.vmap(_identity, in_dims=(None,))(lib.ones(3)))
    assert message == "vmap: Expected at least one Tensor to vmap over"


@pytest.mark.parametrize("lib", LIBS)
def test_matching_nested_dims_still_map(lib):
    x = lib.arange(6.0).reshape(3, 2)
    out = lib.func.vmap(lambda d: d["a"] + d["b"], in_dims=({"a": 0, "b": 1},))({"a": x, "b": x.t()})
    assert out.tolist() == [[0.0, 2.0], [4.0, 6.0], [8.0, 10.0]]
    s, t = lib.func.vmap(lambda a: (a.sum(), [a * 2]), out_dims=(0, [1]))(x)
    assert s.tolist() == [1.0, 5.0, 9.0] and t[0].shape == (2, 3)
