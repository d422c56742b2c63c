"""`torch._functorch`: the names PyTorch's `functorch` package imports (make_functional, the
deprecated transforms), so `import functorch` works with retrograd standing in for torch."""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg
from retrograd._functorch import deprecated
from retrograd._functorch.make_functional import (
    combine_state_for_ensemble,
    make_functional,
    make_functional_with_buffers,
)
from retrograd._functorch.python_key import make_fx

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Tanh(), lib.nn.Linear(3, 1))


def test_make_functional_runs_a_copy_on_the_given_params():
    model = _model(rg)
    fmodel, params = make_functional(model)
    assert fmodel.param_names == ("0.weight", "0.bias", "2.weight", "2.bias")
    assert all(p.requires_grad for p in params) and params[0] is not model[0].weight
    x = rg.tensor([[1.0, -2.0], [0.5, 0.25]])
    assert rg.equal(fmodel(params, x), model(x))
    doubled = [2 * p for p in params]
    assert rg.allclose(fmodel(doubled, x), rg.func.functional_call(model, dict(zip(fmodel.param_names, doubled)), x))
    # a MAML step through the function: the meta-gradient reaches the copied params, not the model
    loss = fmodel(params, x).pow(2).sum()
    grads = rg.autograd.grad(loss, params, create_graph=True)
    fmodel([p - 0.1 * g for p, g in zip(params, grads)], x).sum().backward()
    assert params[0].grad is not None and model[0].weight.grad is None
    _, frozen = make_functional(model, disable_autograd_tracking=True)
    assert not any(p.requires_grad for p in frozen)


def test_make_functional_with_buffers_and_ensembles():
    bn = rg.nn.Sequential(rg.nn.Linear(3, 4), rg.nn.BatchNorm1d(4)).eval()
    fmodel, params, buffers = make_functional_with_buffers(bn)
    assert fmodel.buffer_names == ("1.running_mean", "1.running_var", "1.num_batches_tracked")
    x = rg.arange(6.0).reshape(2, 3)
    assert rg.allclose(fmodel(params, [b + 1 for b in buffers], x), rg.nn.functional.batch_norm(
        bn[0](x), buffers[0] + 1, buffers[1] + 1, bn[1].weight, bn[1].bias))  # fmt: skip
    models = [rg.nn.Linear(3, 2) for _ in range(4)]
    fe, pe, be = combine_state_for_ensemble(models)
    assert [tuple(p.shape) for p in pe] == [(4, 2, 3), (4, 2)] and be == () and not pe[0].requires_grad
    out = rg.func.vmap(fe, (0, 0, None))(pe, be, rg.ones(5, 3))
    assert rg.allclose(out[2], models[2](rg.ones(5, 3)))
    with pytest.raises(RuntimeError, match="^combine_state_for_ensemble: Expected at least one model, got 0.$"):
        combine_state_for_ensemble([])


def test_deprecated_transforms_warn_and_call_torch_func():
    with pytest.warns(FutureWarning, match=r"`functorch\.grad` is deprecated .* Please use `torch\.func\.grad`"):
        g = deprecated.grad(lambda x: (x * x).sum())(rg.tensor([1.0, 3.0]))
    assert g.tolist() == [2.0, 6.0]
    with pytest.warns(FutureWarning, match=r"Please use `torch\.vmap` instead"):
        assert deprecated.vmap(rg.sum)(rg.ones(2, 3)).tolist() == [3.0, 3.0]
    with pytest.warns(FutureWarning, match=r"Please use `torch\.func\.functional_call` instead"):
        deprecated.make_functional(rg.nn.Linear(1, 1))
    with pytest.raises(NotImplementedError, match="make_fx"):
        make_fx(rg.sin)


def test_make_functional_matches_pytorch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    from torch._functorch.make_functional import make_functional as torch_make_functional

    x = [[1.0, -2.0], [0.5, 0.25]]
    results = []
    for lib, make in ((rg, make_functional), (torch, torch_make_functional)):
        fmodel, params = make(_model(lib))
        loss = fmodel(params, lib.tensor(x)).pow(2).sum()
        grads = lib.autograd.grad(loss, params, create_graph=True)
        fmodel([p - 0.1 * g for p, g in zip(params, grads)], lib.tensor(x)).sum().backward()
        results.append((fmodel.param_names, [p.grad.flatten().tolist() for p in params]))
    assert results[0][0] == results[1][0]
    for ours, theirs in zip(results[0][1], results[1][1]):
        assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-6)


def test_deprecated_warning_text_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    from torch._functorch import deprecated as theirs

    for api, new in (("grad", None), ("vmap", "torch.vmap"), ("make_functional", "torch.func.functional_call")):
        assert deprecated.get_warning(api, new, True) == theirs.get_warning(api, new, True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        deprecated.jacrev(rg.sin)
    assert seen[0].category is FutureWarning and seen[0].filename == __file__


def test_transforms_name_their_public_module():
    # PyTorch defines every torch.func transform as `torch.func.<name>`; a pickle finds it there
    import pickle

    import retrograd.func as rfunc

    for name in rfunc.__all__:
        fn = getattr(rfunc, name)
        assert fn.__module__ == "retrograd.func", name
        assert pickle.loads(pickle.dumps(fn)) is fn, name


def test_transforms_module_names_match_pytorch():
    try:
        import torch.func as tfunc
    except ImportError:
        pytest.skip("PyTorch is not installed")
    import retrograd.func as rfunc

    for name in rfunc.__all__:
        assert tfunc.__dict__[name].__module__ == "torch.func", name
        assert getattr(rfunc, name).__module__.replace("retrograd", "torch", 1) == "torch.func", name
