"""Names kornia (and other pure-Python libraries written for tracing) reach for in torch, and what
they do here: the package as its own attribute (`torch.torch.Tensor` in annotations),
`torch.utils.dlpack`, the symbolic-size classes and `sym_*` helpers, and the questions asked
before a data-dependent fast path (`_C._are_functorch_transforms_active`,
`_subclasses.fake_tensor.is_fake`, `fx.experimental.proxy_tensor.get_proxy_mode`, and in a custom
Function's backward `_C._functorch.is_legacy_batchedtensor`).
`torch._check` and `_assert_async` are in tests/test_torch_assert.py, `complex32` in
tests/test_named_only_dtypes.py."""

import importlib

import pytest

import retrograd as rg


def test_the_package_is_its_own_attribute():
    assert rg.torch is rg and rg.torch.torch.Tensor is rg.Tensor


def test_kornia_import_lines_resolve():
    for module, name in [
        ("utils.dlpack", "from_dlpack"),
        ("utils.dlpack", "to_dlpack"),
        ("_subclasses.fake_tensor", "is_fake"),
        ("fx.experimental.proxy_tensor", "get_proxy_mode"),
    ]:
        assert callable(getattr(importlib.import_module("retrograd." + module), name))


def _fast_path_questions(m):
    from_fake = importlib.import_module(m.__name__ + "._subclasses.fake_tensor")
    proxy = importlib.import_module(m.__name__ + ".fx.experimental.proxy_tensor")
    seen = []

    def probe(x):
        seen.append(m._C._are_functorch_transforms_active())
        return x * 2

    m.func.vmap(probe)(m.ones(3))
    m.func.grad(lambda x: probe(x).sum())(m.ones(3))
    return [m._C._are_functorch_transforms_active(), from_fake.is_fake(m.ones(2)), from_fake.is_fake(3),
            proxy.get_proxy_mode(), *seen]  # fmt: skip


def test_fast_path_questions():
    assert _fast_path_questions(rg) == [False, False, False, None, True, True]


def _batched_questions(m):
    seen = []

    class Double(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):  # kornia's focal loss asks before writing the gradient in place
            seen.append(g.shape == (3,))
            return g * 2

    x = m.ones(3, requires_grad=True)
    (grad,) = m.autograd.grad(Double.apply(x), x, m.ones(3))
    m.func.vmap(lambda t: seen.append(m._C._functorch.is_batchedtensor(t)) or t)(m.ones(2, 2))
    return [grad.tolist(), m._C._functorch.is_legacy_batchedtensor(grad), m._C._functorch.is_batchedtensor(grad), *seen]


def test_batched_tensor_questions():
    # the legacy vmap never batches here: autograd.grad(is_grads_batched=True) uses retrograd.func.vmap
    assert _batched_questions(rg) == [[2.0, 2.0, 2.0], False, False, True, True]


def _symbolic(m):
    sizes = [isinstance(n, (int, m.SymInt)) for n in (3, 3.0)]
    sizes += [isinstance(1.5, m.SymFloat), isinstance(True, m.SymBool)]
    values = [m.sym_int(3.7), m.sym_int(-3.7), m.sym_float(2), m.sym_max(2, 3), m.sym_max(3, 2.0), m.sym_min(2, 3.0),
              m.sym_min(4, 3), m.sym_not(True), m.sym_ite(False, 1, 2), m.sym_sqrt(4)]  # fmt: skip
    with pytest.raises(ValueError) as info:
        m.sym_int("a")
    return sizes, [(v, type(v).__name__) for v in values], str(info.value)


def test_symbolic_sizes_are_plain_numbers():
    sizes, values, error = _symbolic(rg)
    assert sizes == [True, False, False, False]
    assert values == [(3, "int"), (-3, "int"), (2.0, "float"), (3, "int"), (3.0, "float"), (2.0, "float"), (3, "int"),
                      (False, "bool"), (2, "int"), (2.0, "float")]  # fmt: skip
    assert error == "invalid literal for int() with base 10: 'a'"


def test_kornia_names_vs_torch():
    torch = pytest.importorskip("torch")
    assert torch.torch is torch
    assert _symbolic(rg) == _symbolic(torch)
    assert _fast_path_questions(rg) == _fast_path_questions(torch)
    assert _batched_questions(rg) == _batched_questions(torch)
