"""`torch._foreach_*`: one op over each tensor of a list (EMA updates and optimizers call them)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd

try:  # the comparisons skip without PyTorch; the other tests run anyway
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _pair(m):
    return [m.tensor([-1.0, 2.0]), m.ones(3)]


def _zeros(m):
    return [m.zeros(2), m.zeros(3)]


# each call is written once against a module `m`, so it runs on retrograd and on PyTorch
CALLS = {
    "add_number": lambda m: m._foreach_add(_pair(m), 1.5),
    "add_numbers": lambda m: m._foreach_add(_pair(m), [1.0, 2.0]),
    "add_tensors_alpha": lambda m: m._foreach_add(_pair(m), _pair(m), alpha=2),
    "add_0d_tensor_alpha": lambda m: m._foreach_add(_pair(m), m.tensor(2.0), alpha=3),
    "add_broadcast": lambda m: m._foreach_add(_pair(m), [m.ones(2), m.ones(3, 1)]),
    "sub_": lambda m: m._foreach_sub_(_pair(m), _pair(m), alpha=0.5),
    "mul_": lambda m: m._foreach_mul_(_pair(m), 0.9),
    "div_int": lambda m: m._foreach_div([m.tensor([1, 2])], 2),
    "clamp_min_numbers": lambda m: m._foreach_clamp_min(_pair(m), [0.1, 1.5]),
    "maximum_number": lambda m: m._foreach_maximum(_pair(m), 0.5),
    "minimum_tensors_": lambda m: m._foreach_minimum_(_pair(m), _zeros(m)),
    "pow_number": lambda m: m._foreach_pow(_pair(m), 2),
    "pow_base": lambda m: m._foreach_pow(2, _pair(m)),
    "pow_0d": lambda m: m._foreach_pow(_pair(m), m.tensor(3.0)),
    "lerp_number": lambda m: m._foreach_lerp(_pair(m), _zeros(m), 0.25),
    "lerp_numbers_": lambda m: m._foreach_lerp_(_pair(m), _zeros(m), [0.1, 0.2]),
    "lerp_tensors": lambda m: m._foreach_lerp(_pair(m), _zeros(m), [m.full((2,), 0.3), m.ones(3)]),
    "addcmul_packed": lambda m: m._foreach_addcmul(_pair(m), _pair(m), _pair(m), m.tensor([1.0, 2.0])),
    "addcdiv_value_": lambda m: m._foreach_addcdiv_(_pair(m), _pair(m), _pair(m), value=2),
    "norm": lambda m: m._foreach_norm(_pair(m)),
    "norm_inf_float64": lambda m: m._foreach_norm(_pair(m), float("inf"), dtype=m.float64),
    "powsum": lambda m: m._foreach_powsum(_pair(m), 3),
    "max": lambda m: m._foreach_max([m.tensor([1, 5]), m.tensor([-2.0])]),
    "sqrt": lambda m: m._foreach_sqrt([m.tensor([1.0, 4.0]), m.tensor([2.0])]),
    "sign_": lambda m: m._foreach_sign_(_pair(m)),
    "zero_": lambda m: m._foreach_zero_(_pair(m)),
    "copy_": lambda m: m._foreach_copy_(_pair(m), _zeros(m)),
    "mm": lambda m: m._foreach_mm([m.ones(2, 2)], [m.ones(2, 3)]),
    # PyTorch's errors
    "empty_list": lambda m: m._foreach_exp([]),
    "not_a_list": lambda m: m._foreach_exp(m.ones(2)),
    "lengths_differ": lambda m: m._foreach_add(_pair(m), [m.ones(2)]),
    "numbers_lengths_differ": lambda m: m._foreach_add(_pair(m), [1.0]),
    "alpha_with_number": lambda m: m._foreach_add(_pair(m), 1.0, alpha=2),
    "alpha_with_numbers": lambda m: m._foreach_add(_pair(m), [1, 2], alpha=2),
    "alpha_on_mul": lambda m: m._foreach_mul(_pair(m), 2, alpha=2),
    "tensor_not_0d": lambda m: m._foreach_mul(_pair(m), m.tensor([2.0, 1.0])),
    "packed_not_1d": lambda m: m._foreach_addcmul(_pair(m), _pair(m), _pair(m), m.tensor(2.0)),
    "packed_length": lambda m: m._foreach_addcmul(_pair(m), _pair(m), _pair(m), m.tensor([1.0])),
    "element_not_tensor": lambda m: m._foreach_add([m.ones(2), 1], 1.0),
    "norm_ord_text": lambda m: m._foreach_norm(_pair(m), "fro"),
    "norm_of_ints": lambda m: m._foreach_norm([m.tensor([1, 2])]),
    "max_of_empty": lambda m: m._foreach_max([m.ones(0)]),
    "mm_number": lambda m: m._foreach_mm([m.ones(2, 2)], 2),
    "int_in_place_float": lambda m: m._foreach_add_([m.tensor([1, 2])], 2.5),
}


def _outcome(module, call):
    try:
        result = call(module)
    except Exception as e:  # noqa: BLE001  (the error is what is compared)
        return type(e).__name__, str(e).split("\n")[0]
    return type(result).__name__, [(str(t.dtype).split(".")[-1], t.tolist()) for t in result]


@needs_torch
@pytest.mark.parametrize("name", CALLS)
def test_foreach_matches_pytorch(name):
    assert _outcome(retrograd, CALLS[name]) == _outcome(torch, CALLS[name])


def test_in_place_returns_the_list_it_was_given():
    params = [retrograd.ones(2), retrograd.full((3,), 2.0)]
    assert retrograd._foreach_mul_(params, 0.5) is params
    assert params[1].tolist() == [1.0, 1.0, 1.0]
    assert retrograd._foreach_lerp_(params, [retrograd.zeros(2), retrograd.zeros(3)], 0.5) is params
    np.testing.assert_allclose(params[0].numpy(), [0.25, 0.25])


def test_out_of_place_returns_a_tuple_of_new_tensors():
    params = [retrograd.ones(2)]
    out = retrograd._foreach_add(params, [retrograd.ones(2)], alpha=2)
    assert type(out) is tuple and out[0] is not params[0]
    assert out[0].tolist() == [3.0, 3.0] and params[0].tolist() == [1.0, 1.0]


def test_spelled_out_values_and_errors():
    pair = [retrograd.tensor([-1.0, 2.0]), retrograd.ones(3)]
    assert [t.item() for t in retrograd._foreach_norm(pair, 1)] == [3.0, 3.0]
    assert [t.item() for t in retrograd._foreach_powsum(pair, 3)] == [9.0, 3.0]
    assert retrograd._foreach_maximum(pair, 0.5)[0].tolist() == [0.5, 2.0]
    assert retrograd._foreach_pow(2, pair)[0].tolist() == [0.5, 4.0]
    with pytest.raises(RuntimeError, match="^Tensor lists must have the same number of tensors, got 2 and 1$"):
        retrograd._foreach_add(pair, [retrograd.ones(2)])
    with pytest.raises(RuntimeError, match="^Tensor list must have at least one tensor.$"):
        retrograd._foreach_exp([])
    with pytest.raises(TypeError, match=r"got \(list, float, alpha=int\), but expected one of"):
        retrograd._foreach_add(pair, 1.0, alpha=2)


def test_out_of_place_results_carry_gradients():
    # d/dw sum(2 exp(w)) + sum(3 exp(2w)) = 2 exp(w) + 6 exp(2w)
    w = retrograd.tensor([1.0, 2.0], dtype=retrograd.float64, requires_grad=True)
    out = retrograd._foreach_mul(retrograd._foreach_exp([w, w * 2]), [2.0, 3.0])
    (out[0].sum() + out[1].sum()).backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * np.exp([1.0, 2.0]) + 6 * np.exp([2.0, 4.0]))


def test_in_place_on_a_leaf_that_requires_grad_raises():
    w = retrograd.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        retrograd._foreach_add_([w], 1.0)
    with retrograd.no_grad():
        retrograd._foreach_add_([w], 1.0)
    assert w.tolist() == [2.0, 2.0]
