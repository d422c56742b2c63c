"""Ops PyTorch has no complex (or bool) kernel for refuse those dtypes with PyTorch's error, instead of
NumPy's lexicographic complex order or a cast that drops the imaginary part; and the promotion of a
float tensor with a complex 0-d tensor or scalar keeps the float's precision."""

import warnings

import pytest

import retrograd as rg

C = rg.tensor([1 + 2j, -1 - 1j])
F = rg.tensor([1.0, -2.0])
B = rg.tensor([True, False])
I = rg.tensor([1, 2])

# (call, exception type, message) as PyTorch 2.13 raises them
REFUSED = [
    (lambda: C > 0, NotImplementedError, "\"gt_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.le(F, C), NotImplementedError, "\"le_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.maximum(C, C), RuntimeError, "maximum not implemented for complex tensors."),
    (lambda: rg.fmin(F, C), RuntimeError, "fmin not implemented for complex tensors."),
    (lambda: rg.clamp(C, 0), NotImplementedError, "clamp is not supported for complex types"),
    (lambda: rg.relu(C), NotImplementedError, "clamp is not supported for complex types"),
    (lambda: rg.nn.functional.hardtanh(C), NotImplementedError, "clamp is not supported for complex types"),
    (lambda: rg.threshold(C, 0.5, 0.0), NotImplementedError, "\"threshold_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: C.floor(), NotImplementedError, "floor is not supported for complex inputs"),
    (lambda: B.ceil(), NotImplementedError, "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    (lambda: B.round(), NotImplementedError, "\"round_vml_cpu\" not implemented for 'Bool'"),
    (lambda: C.round(), NotImplementedError, "\"round_vml_cpu\" not implemented for 'ComplexFloat'"),
    # the decimals overload has float kernels only: integers pass through only when decimals is omitted
    (lambda: I.round(decimals=0), NotImplementedError, "\"round_vml_cpu\" not implemented for 'Long'"),
    (lambda: I.round(decimals=-1), NotImplementedError, "\"round_cpu\" not implemented for 'Long'"),
    (lambda: rg.round(B, decimals=2), NotImplementedError, "\"round_cpu\" not implemented for 'Bool'"),
    (lambda: rg.round(C, decimals=1), NotImplementedError, "\"round_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: I.frac(), NotImplementedError, "\"frac_cpu\" not implemented for 'Long'"),
    (lambda: C.sign(), NotImplementedError, "Unlike NumPy, torch.sign is not intended to support complex numbers. "
                                            "Please use torch.sgn instead."),
    (lambda: rg.atan2(F, C), NotImplementedError, "\"atan2_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.hypot(I, I), NotImplementedError, "\"hypot_cpu\" not implemented for 'Long'"),
    (lambda: rg.logaddexp2(C, C), NotImplementedError, "\"logaddexp2_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.xlogy(C, F), NotImplementedError, "\"xlogy_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.copysign(C, F), NotImplementedError, "\"copysign_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.erf(C), NotImplementedError, "\"erf_vml_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.deg2rad(C), RuntimeError, "deg2rad is not supported for complex tensors."),
    (lambda: rg.lgamma(C), NotImplementedError, "\"lgamma_vml_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.digamma(C), NotImplementedError, "\"digamma\" not implemented for 'ComplexFloat'"),
    (lambda: rg.special.zeta(C, F), NotImplementedError, "\"zeta_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.logit(C), NotImplementedError, "\"logit_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.fmod(C, 2), NotImplementedError, "\"fmod_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: C // 2, NotImplementedError, "\"div_floor_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: C ^ I, NotImplementedError, "\"bitwise_xor_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.bitwise_not(C), NotImplementedError, "\"bitwise_not_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: B.argmax(), RuntimeError, "argmax(): does not support bool input"),
    (lambda: C.argmin(0), RuntimeError, "argmin(): does not support complex input"),
    (lambda: C.max(), NotImplementedError, "\"max_all\" not implemented for 'ComplexFloat'"),
    (lambda: C.min(0), RuntimeError, "min(): does not support complex input"),
    (lambda: C.amax(), NotImplementedError, "\"max_values_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.aminmax(C), NotImplementedError, "\"aminmax_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: C.sort(), RuntimeError, " Sort does not support complex dtypes on CPU"),
    (lambda: C.argsort(), RuntimeError, " Sort does not support complex dtypes on CPU"),
    (lambda: C.topk(1), RuntimeError, " topk does not support complex dtypes on CPU"),
    (lambda: C.median(), NotImplementedError, "\"median_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: C.kthvalue(1), NotImplementedError, "\"kthvalue_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: C.mode(), NotImplementedError, "\"mode_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.cummax(C, 0), NotImplementedError, "\"cummax_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.searchsorted(C, C), NotImplementedError,
     "\"searchsorted_out_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: rg.lerp(I, I, 0.5), NotImplementedError, "\"lerp_kernel_scalar\" not implemented for 'Long'"),
    (lambda: I.lerp(I, I), NotImplementedError, "\"lerp_kernel_tensor\" not implemented for 'Long'"),
    (lambda: rg.lerp(B, B, 0.5), NotImplementedError, "\"lerp_kernel_scalar\" not implemented for 'Bool'"),
    (lambda: rg.lerp(F, F, 1j), RuntimeError, "value cannot be converted to type float without overflow"),
    (lambda: rg.unique(C), NotImplementedError, "\"unique\" not implemented for 'ComplexFloat'"),
    (lambda: C.unique(dim=0), NotImplementedError, "\"unique_dim\" not implemented for 'ComplexFloat'"),
    (lambda: rg.unique_consecutive(C), NotImplementedError, "\"unique\" not implemented for 'ComplexFloat'"),
    (lambda: rg.unique_consecutive(C, dim=0), NotImplementedError, "\"unique\" not implemented for 'ComplexFloat'"),
    (lambda: rg.unique_consecutive(C[:, None], dim=1), NotImplementedError,
     "\"unique_dim\" not implemented for 'ComplexFloat'"),
    (lambda: rg.isin(C, C), RuntimeError, "Unsupported input type encountered for isin(): ComplexFloat"),
    (lambda: rg.heaviside(C, C), RuntimeError, "heaviside is not yet implemented for complex tensors."),
    (lambda: rg.signbit(C), NotImplementedError, "signbit is not implemented for complex tensors."),
    (lambda: B ** B, NotImplementedError, "\"pow\" not implemented for 'Bool'"),
    (lambda: True ** B, NotImplementedError, "\"pow\" not implemented for 'Bool'"),
    (lambda: F - True, RuntimeError, "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                                     "are trying to invert a mask, use the `~` or `logical_not()` operator instead."),
    (lambda: True - I, RuntimeError, "Subtraction, the `-` operator, with a bool tensor is not supported. If you "
                                     "are trying to invert a mask, use the `~` or `logical_not()` operator instead."),
    (lambda: B - True, RuntimeError, "Subtraction, the `-` operator, with two bool tensors is not supported. "
                                     "Use the `^` or `logical_xor()` operator instead."),
]


@pytest.mark.parametrize("call, error, message", REFUSED)
def test_refused_with_pytorchs_error(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_float_with_complex_zero_dim_keeps_the_float_precision():
    assert (rg.ones(2) + rg.tensor(1j, dtype=rg.complex128)).dtype == rg.complex64
    assert rg.result_type(rg.ones(2, dtype=rg.bfloat16), rg.tensor(1j, dtype=rg.complex128)) == rg.complex64
    assert (rg.ones(2, dtype=rg.float64) + rg.tensor(1j, dtype=rg.complex64)).dtype == rg.complex128
    assert (rg.ones(2, dtype=rg.int32) + rg.tensor(1j, dtype=rg.complex128)).dtype == rg.complex128
    assert (rg.tensor(2.0) + rg.tensor(1j, dtype=rg.complex128)).dtype == rg.complex128  # both 0-d


def test_complex_ldexp_and_logaddexp_compute_as_pytorch():
    assert rg.ldexp(rg.tensor([1 + 1j]), rg.tensor([3])).tolist() == [8 + 8j]
    a = rg.tensor([1 + 2j, -3 + 0.5j], requires_grad=True)
    out = rg.logaddexp(a, rg.tensor([0.5 - 1j, 2 + 2j]))
    expected = [complex(0.1050, 1.7890), complex(2.0005, 1.9933)]  # PyTorch 2.13's values
    assert all(abs(o - e) < 1e-4 for o, e in zip(out.tolist(), expected))
    out.abs().sum().backward()
    assert all(abs(g - e) < 1e-4 for g, e in zip(a.grad.tolist(), [0.6520 + 2.3589j, -0.0044 + 0.0051j]))


def test_same_as_pytorch():
    torch = pytest.importorskip("torch")
    pairs = [
        (lambda m: m.ones(2) + m.tensor(1j, dtype=m.complex128), None),
        (lambda m: m.ones(2, dtype=m.bfloat16) * m.tensor(1j, dtype=m.complex128), None),
        (lambda m: m.ldexp(m.tensor([1 + 1j, -2j]), m.tensor([3, -1])), None),
        (lambda m: m.logaddexp(m.tensor([1 + 2j, 1000 + 1j]), m.tensor([0.5 - 1j, 999 - 1j])), None),
    ]
    for fn, _ in pairs:
        ours, theirs = fn(rg), fn(torch)
        assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
        assert ours.tolist() == pytest.approx(theirs.tolist(), rel=1e-5)
    for call, error, message in REFUSED:
        with pytest.raises(error) as info:
            eval(  # the same call on PyTorch's tensors
call.__code__, {"rg": torch, "C": torch.tensor([1 + 2j, -1 - 1j]), "F": torch.tensor([1.0, -2.0]),
                                 "B": torch.tensor([True, False]), "I": torch.tensor([1, 2])})
        assert str(info.value) == message


def test_powers_with_complex_and_bool_scalars():
    assert (I ** (1 + 2j)).dtype == rg.complex64  # crashed comparing the complex exponent with 0
    assert (rg.tensor([1.0], dtype=rg.float64) ** 1j).dtype == rg.complex128
    assert (B ** True).tolist() == [True, False] and (B ** True).dtype == rg.bool
    assert (B ** False).tolist() == [True, True]
    assert (B ** 2).dtype == rg.int64


def test_fused_multiply_add_ops_give_pytorchs_bits():
    """add/sub with alpha, addcmul and lerp round a·b + c once in PyTorch's CPU kernels; addcdiv
    computes (value·t1)/t2 + input. float32 results are bit-equal to PyTorch's (float16 up to the
    scalar tail of PyTorch's vector loop)."""
    torch = pytest.importorskip("torch")
    import numpy as np

    rng = np.random.default_rng(1)
    a, b, c, w = (rng.standard_normal(4099).astype(np.float32) for _ in range(4))
    c = np.abs(c) + np.float32(0.1)
    calls = [
        lambda m, t: m.add(t(a), t(b), alpha=-0.1),
        lambda m, t: m.sub(t(a), t(b), alpha=0.3),
        lambda m, t: t(a).add_(t(b), alpha=-0.01),
        lambda m, t: m.lerp(t(a), t(b), 0.1),
        lambda m, t: m.lerp(t(a), t(b), 0.9),
        lambda m, t: m.lerp(t(a), t(b), t(w)),
        lambda m, t: m.addcmul(t(a), t(b), t(c), value=0.001),
        lambda m, t: m.addcmul(t(a), t(b), t(c)),
        lambda m, t: m.addcdiv(t(a), t(b), t(c), value=-2.5),
    ]
    for call in calls:
        theirs = call(torch, lambda x: torch.from_numpy(x.copy())).numpy()
        ours = call(rg, lambda x: rg.from_numpy(x.copy())).numpy()
        assert np.array_equal(ours, theirs)


def test_fused_multiply_add_rounds_once():
    # -1 + (1 + 2^-12)·(1 + 2^-12) = 2^-11 + 2^-24 exactly, which float32 holds; rounding the product
    # first (to 1 + 2^-11, a tie to even) would give 2^-11
    third = rg.add(rg.tensor([-1.0]), rg.tensor([1.0 + 2.0**-12]), alpha=1.0 + 2.0**-12)
    assert third.item() == 2.0**-11 + 2.0**-24
    prod = rg.addcmul(rg.tensor([-1.0]), rg.tensor([1.0 + 2.0**-12]), rg.tensor([1.0 + 2.0**-12]))
    assert prod.item() == 2.0**-11 + 2.0**-24


def test_one_node_each_as_pytorch():
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    names = [type(f(x).grad_fn).__name__ for f in (
        lambda x: rg.add(x, x, alpha=2), lambda x: rg.sub(x, x, alpha=2), lambda x: rg.addcmul(x, x, x),
        lambda x: rg.addcdiv(x, x, x), lambda x: rg.lerp(x, x, 0.5), lambda x: rg.lerp(x, x, x))]
    assert names == ["AddBackward0", "SubBackward0", "AddcmulBackward0", "AddcdivBackward0", "LerpBackward0",
                     "LerpBackward1"]


def test_alpha_and_value_checks_as_pytorch():
    i, f = rg.tensor([1, 2]), rg.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="For integral input tensors, argument alpha must not be a floating"):
        rg.add(i, i, alpha=0.5)
    with pytest.raises(RuntimeError, match="For non-complex input tensors, argument alpha must not be a complex"):
        rg.add(f, f, alpha=1j)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv is no longer supported"):
        rg.addcdiv(i, i, i)
    with pytest.raises(RuntimeError, match="value cannot be converted to type float without overflow"):
        rg.addcmul(f, f, f, value=1j)
    assert rg.addcmul(i, i, i, value=0.5).tolist() == [1, 2]  # value truncated to 0 for integers
    assert rg.add(rg.tensor([True, False]), rg.tensor([True, True]), alpha=2).tolist() == [True, True]


def test_round_without_decimals_keeps_integer_tensors():
    assert rg.round(I).tolist() == [1, 2] and rg.round(I).dtype == rg.int64


def _reductions_to_a_real_dtype(m):
    """`z.sum(dtype=float32)` keeps the real parts, with PyTorch's UserWarning (NumPy's ComplexWarning from
    retrograd's own modules is filtered out by the package, as its floating-point warnings are)."""
    z = m.tensor([[1 + 2j, 3 - 1j]], requires_grad=True)
    results, categories = [], set()
    for reduce in (
        lambda: z.sum(dtype=m.float32),
        lambda: z.sum(1, dtype=m.float64),
        lambda: m.cumsum(z, 1, dtype=m.float32),
        lambda: z.prod(dtype=m.float32),
    ):
        with warnings.catch_warnings(record=True) as seen:
            warnings.filterwarnings("always", category=UserWarning)
            out = reduce()
        categories.update(f"{w.category.__name__}: {str(w.message)[:58]}" for w in seen)
        results.append((out.tolist(), str(out.dtype).split(".")[1], type(out.grad_fn).__name__))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        z.sum(dtype=m.float32).backward()
    return results, sorted(categories), z.grad.tolist()


def test_reductions_to_a_real_dtype():
    results, categories, grad = _reductions_to_a_real_dtype(rg)
    assert results == [
        (4.0, "float32", "SumBackward0"),
        ([4.0], "float64", "SumBackward1"),
        ([[1.0, 4.0]], "float32", "CumsumBackward0"),
        (3.0, "float32", "ProdBackward0"),
    ]
    assert categories == ["UserWarning: Casting complex values to real discards the imaginary part"]
    assert grad == [[1 + 0j, 1 + 0j]]


def test_reductions_to_a_real_dtype_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _reductions_to_a_real_dtype(rg), _reductions_to_a_real_dtype(torch)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    assert ours[1] == [c.split(" (Triggered")[0] for c in theirs[1]]


def _lerp_with_a_zero_dim_weight(m):
    """A 0-d weight joins the result dtype like a number (a higher float does not widen, a complex one
    does); a weight with dims, and `end`, must have the input's dtype."""
    y = m.ones(3)
    results = []
    for call in [
        lambda: m.lerp(y, y * 2, m.tensor(0.25, dtype=m.float64)),
        lambda: m.lerp(y, y * 2, m.tensor(1)),
        lambda: m.lerp(y, y * 2, m.tensor(0.5j)),
        lambda: m.lerp(m.tensor([1, 2]), m.tensor([3, 4]), m.tensor(0.5)),
        lambda: y.clone().lerp_(y * 2, m.tensor(0.25, dtype=m.float64)),
        lambda: y.clone().lerp_(y * 2, m.tensor(0.5j)),
        lambda: m.lerp(y, y, m.tensor([0.3, 0.3, 0.3], dtype=m.float64)),
        lambda: m.lerp(y, m.tensor(2.0, dtype=m.float64), m.tensor(0.5)),
        lambda: m.lerp(m.tensor([1, 2]), m.tensor([3, 4]), m.tensor(True)),
    ]:
        try:
            r = call()
            results.append((str(r.dtype).split(".")[1], r.tolist()))
        except (RuntimeError, NotImplementedError) as e:
            results.append((type(e).__name__, str(e)))
    w = m.tensor(0.25, dtype=m.float64, requires_grad=True)
    x = m.tensor([1.0, 3.0], requires_grad=True)
    m.lerp(x, x * 3, w).sum().backward()
    results.append((str(w.grad.dtype).split(".")[1], w.grad.item(), x.grad.tolist()))
    return results


def test_lerp_promotes_a_zero_dim_weight():
    assert _lerp_with_a_zero_dim_weight(rg) == [
        ("float32", [1.25, 1.25, 1.25]),
        ("float32", [2.0, 2.0, 2.0]),
        ("complex64", [1 + 0.5j] * 3),
        ("float32", [2.0, 3.0]),
        ("float32", [1.25, 1.25, 1.25]),
        ("RuntimeError", "result type ComplexFloat can't be cast to the desired output type Float"),
        ("RuntimeError", "expected dtype float for `weight` but got dtype double"),
        ("RuntimeError", "expected dtype float for `end` but got dtype double"),
        ("NotImplementedError", "\"lerp_kernel_tensor\" not implemented for 'Long'"),
        ("float64", 8.0, [1.5, 1.5]),
    ]


def test_lerp_zero_dim_weight_vs_torch():
    torch = pytest.importorskip("torch")
    assert _lerp_with_a_zero_dim_weight(rg) == _lerp_with_a_zero_dim_weight(torch)
