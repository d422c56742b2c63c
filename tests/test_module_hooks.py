"""Module hooks: forward (with kwargs, prepend, always_call), full backward and backward pre hooks,
legacy backward hooks and the global registries; each scenario runs in both libraries and the
records are compared."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def plain(x):
    """A hook argument as comparable data: arrays for tensors, recursively through tuples."""
    if x is None:
        return None
    if isinstance(x, tuple):
        return tuple(plain(v) for v in x)
    if hasattr(x, "detach"):
        return np.round(x.detach().numpy().astype(float), 10)
    return x


def same(a, b):
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.allclose(a, b, atol=1e-12)
    return a == b


def net_of(m):
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = m.nn.Linear(3, 4)
            self.b = m.nn.Linear(4, 2)

        def forward(self, x, scale=1.0):
            return self.b(m.tanh(self.a(x))) * scale

    net = Net().double()
    with m.no_grad():
        for i, p in enumerate(net.parameters()):
            p.copy_(m.linspace(-1, 1, p.numel(), dtype=m.float64).reshape(p.shape) * (i + 1) / 3)
    return net


def full_backward_scenario(m):
    net = net_of(m)
    x = m.linspace(-1, 1, 6, dtype=m.float64).reshape(2, 3).requires_grad_()
    log = []
    handles = [
        net.b.register_full_backward_hook(lambda mod, gi, go: log.append(("b", plain(gi), plain(go)))),
        net.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,)),
        net.a.register_full_backward_hook(lambda mod, gi, go: log.append(("a", plain(gi), plain(go)))),
        net.register_full_backward_hook(lambda mod, gi, go: (gi[0] + 1,)),
    ]
    net(x, scale=2.0).sum().backward()
    log.append(("x.grad", plain(x.grad)))
    for h in handles:
        h.remove()
    x.grad = None
    net(x).sum().backward()  # hooks removed: plain gradients
    log.append(("x.grad after remove", plain(x.grad)))
    return log


def forward_hooks_scenario(m):
    net = net_of(m)
    x = m.ones(2, 3, dtype=m.float64)
    log = []
    net.register_forward_hook(lambda mod, args, kwargs, out: log.append(("kw", sorted(kwargs), plain(out))),
                              with_kwargs=True)
    net.register_forward_pre_hook(lambda mod, args, kwargs: ((args[0] * 2,), {"scale": 3.0}), with_kwargs=True)
    net.register_forward_hook(lambda mod, args, out: log.append("prepended"), prepend=True)
    net.register_forward_pre_hook(lambda mod, args: log.append(("pre", plain(args))))
    log.append(("out", plain(net(x, scale=5.0))))
    return log


def test_full_backward_and_pre_hooks_see_module_boundary_gradients():
    log = full_backward_scenario(rg)
    names = [entry[0] for entry in log]
    assert names == ["b", "a", "x.grad", "x.grad after remove"]
    _, gi_b, go_b = log[0]
    assert go_b[0].shape == (2, 2) and np.allclose(go_b[0], 4.0)  # ones, doubled by the pre hook, times scale
    assert gi_b[0].shape == (2, 4)
    # the outer hook added 1 to what reached x
    assert np.allclose(log[2][1], log[1][1][0] + 1)


@needs_torch
def test_full_backward_hooks_match_pytorch():
    assert same(tuple(full_backward_scenario(rg)), tuple(full_backward_scenario(torch)))


@needs_torch
def test_forward_hooks_with_kwargs_and_prepend_match_pytorch():
    assert same(tuple(forward_hooks_scenario(rg)), tuple(forward_hooks_scenario(torch)))


def test_forward_pre_hook_with_kwargs_must_return_a_pair():
    lin = rg.nn.Linear(2, 2)
    lin.register_forward_pre_hook(lambda mod, args, kwargs: args, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"forward pre-hook must return None or a tuple of \(new_args, new_kwargs\)"):
        lin(rg.ones(1, 2))


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_no_input_requires_grad_hooks_fire_at_outputs(m):
    lin = m.nn.Linear(3, 2)
    seen = []
    lin.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, tuple(go[0].shape))))
    with pytest.warns(UserWarning, match="Full backward hook is firing when gradients are computed with respect"):
        lin(m.ones(4, 3)).sum().backward()
    assert seen == [((None,), (4, 2))]
    lin.register_full_backward_hook(lambda mod, gi, go: (m.ones(1),))
    with pytest.raises(RuntimeError, match="no input requires gradient should always return None"):
        lin(m.ones(4, 3)).sum().backward()


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_wrong_number_of_gradients_from_a_hook(m):
    lin = m.nn.Linear(3, 2)
    x = m.ones(4, 3, requires_grad=True)
    h = lin.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of grad_input, got 2, but"):
        lin(x).sum().backward()
    h.remove()
    lin.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
    with pytest.raises(RuntimeError, match="Backward pre hook returned an invalid number of grad_output, got 2"):
        lin(x).sum().backward()


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_legacy_and_full_backward_hooks_do_not_mix(m):
    lin = m.nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
        lin.register_backward_hook(lambda *a: None)
    other = m.nn.Linear(2, 2)
    other.register_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
        other.register_full_backward_hook(lambda *a: None)


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_legacy_backward_hook_sees_the_output_node(m):
    lin = m.nn.Linear(3, 2).double()
    seen = []
    lin.register_backward_hook(lambda mod, gi, go: seen.append(
        ([None if g is None else tuple(g.shape) for g in gi], [tuple(g.shape) for g in go])))
    x = m.ones(4, 3, dtype=m.float64, requires_grad=True)
    with pytest.warns(FutureWarning, match="non-full backward hook when the forward contains multiple autograd Nodes"):
        lin(x).sum().backward()
    # the addmm node's own gradients: bias, input, weight.t()
    assert seen == [([(2,), (4, 3), (3, 2)], [(4, 2)])]


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_always_call_forward_hook_runs_when_forward_raises(m):
    class Bad(m.nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    bad = Bad()
    seen = []
    bad.register_forward_hook(lambda mod, args, out: seen.append(("always", out)), always_call=True)
    bad.register_forward_hook(lambda mod, args, out: seen.append("not always"))
    with pytest.raises(ValueError, match="boom"):
        bad(m.ones(1))
    assert seen == [("always", None)]


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_global_module_hooks(m):
    registry = m.nn.modules.module
    seen = []
    handles = [
        registry.register_module_forward_pre_hook(lambda mod, args: seen.append(("pre", type(mod).__name__))),
        registry.register_module_forward_hook(lambda mod, args, out: seen.append(("fwd", type(mod).__name__))),
        registry.register_module_full_backward_hook(lambda mod, gi, go: seen.append(("bwd", type(mod).__name__))),
    ]
    try:
        lin = m.nn.Linear(2, 2)
        lin(m.ones(1, 2, requires_grad=True)).sum().backward()
    finally:
        for h in handles:
            h.remove()
    lin(m.ones(1, 2))
    assert seen == [("pre", "Linear"), ("fwd", "Linear"), ("bwd", "Linear")]


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_module_called_twice_calls_its_hook_per_call_and_not_under_no_grad(m):
    lin = m.nn.Linear(2, 2)
    calls = []
    lin.register_full_backward_hook(lambda mod, gi, go: calls.append(len(gi)))
    z = m.ones(1, 2, requires_grad=True)
    lin(lin(z)).sum().backward()
    assert calls == [1, 1]
    with m.no_grad():
        out = lin(z)
    assert not out.requires_grad and out.grad_fn is None


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_tuple_outputs_and_non_tensor_entries(m):
    class Two(m.nn.Module):
        def forward(self, x, y, k):
            return x * 2, y * 3, k

    two = Two()
    seen = []
    two.register_full_backward_hook(lambda mod, gi, go: seen.append((len(gi), gi[2], plain(go[0]), go[1], go[2])))
    z = m.ones(2, requires_grad=True)
    out = two(z, m.ones(2), 5)
    assert out[2] == 5 and not out[1].requires_grad
    out[0].sum().backward()
    assert same(seen[0], (3, None, np.full(2, 1.0), None, None))
    assert np.allclose(plain(z.grad), 2.0)


def _grad_inputs_of_product(m, *inputs):
    """grad_input a full backward hook sees for forward(a, b, *rest) = a * b, as (dtype, values)."""

    class Product(m.nn.Module):
        def forward(self, a, b, *rest):
            return a * b

    seen = []
    mod = Product()
    mod.register_full_backward_hook(lambda _, gi, go: seen.append(gi))
    mod(*inputs).sum().backward()
    (gi,) = seen
    return [None if g is None else (str(g.dtype).split(".")[1], g.tolist()) for g in gi]


def _product_cases(m):
    a = m.tensor([2.0], requires_grad=True)
    return [
        (a, m.tensor([3.0])),
        (a, m.tensor([[3.0, 4.0]], dtype=m.float64)),
        (a, m.tensor([3, 4])),
        (a, 3.0),
        (a, m.tensor([3.0]), m.tensor([7.0, 8.0], requires_grad=True)),  # requires grad, unused
    ]


def test_full_backward_hook_sees_zeros_for_inputs_that_get_no_gradient():
    """PyTorch's identity node on the inputs fills in zeros (shape and dtype of the input) for a
    tensor input that gets no gradient; non-tensor inputs stay None; the hooks' zeros go nowhere."""
    got = [_grad_inputs_of_product(rg, *case) for case in _product_cases(rg)]
    assert got == [
        [("float32", [3.0]), ("float32", [0.0])],
        [("float32", [7.0]), ("float64", [[0.0, 0.0]])],
        [("float32", [7.0]), ("int64", [0, 0])],
        [("float32", [3.0]), None],
        [("float32", [3.0]), ("float32", [0.0]), ("float32", [0.0, 0.0])],
    ]
    b = rg.tensor([3.0])
    a = rg.tensor([2.0], requires_grad=True)

    class Product(rg.nn.Module):
        def forward(self, a, b):
            return a * b

    mod = Product()
    mod.register_full_backward_hook(lambda _, gi, go: (gi[0] * 10, gi[1] + 1))
    mod(a, b).sum().backward()
    assert a.grad.tolist() == [30.0] and b.grad is None


@needs_torch
def test_full_backward_hook_grad_inputs_match_pytorch():
    ours = [_grad_inputs_of_product(rg, *case) for case in _product_cases(rg)]
    theirs = [_grad_inputs_of_product(torch, *case) for case in _product_cases(torch)]
    assert ours == theirs


def test_hooked_output_modified_in_place_raises_like_pytorch():
    # the full backward hook's identity node makes the output a view of the module's result, made
    # inside a custom Function: PyTorch refuses an in-place change of it (ReLU(inplace=True) after it)
    rg.manual_seed(0)
    seq = rg.nn.Sequential(rg.nn.Linear(3, 4), rg.nn.ReLU(inplace=True), rg.nn.Linear(4, 1))
    seq[0].register_full_backward_hook(lambda *a: None)
    with pytest.raises(RuntimeError, match=r"^Output 0 of BackwardHookFunction is a view and is being modified "
                       r"inplace\. This view was created inside a custom Function \(or because an input was "
                       r"returned as-is\)"):
        seq(rg.ones(2, 3, requires_grad=True))


def test_modules_pickled_without_hook_registries_get_them():
    lin = rg.nn.Linear(2, 2)
    state = dict(lin.__dict__)
    for name in ("_backward_hooks", "_backward_pre_hooks", "_is_full_backward_hook", "_forward_hooks_with_kwargs"):
        state.pop(name)
    fresh = rg.nn.Linear.__new__(rg.nn.Linear)
    fresh.__setstate__(state)
    fresh.register_full_backward_hook(lambda *a: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh(rg.ones(1, 2)).sum().backward()


def test_hook_handles_are_one_removable_handle_class_with_ids():
    lin = rg.nn.Linear(1, 1)
    module_handle = lin.register_forward_hook(lambda *a: None)
    tensor_handle = rg.ones(1, requires_grad=True).register_hook(lambda g: g)
    for handle in (module_handle, tensor_handle):
        assert type(handle) is rg.utils.hooks.RemovableHandle
        assert repr(handle).startswith("<retrograd.utils.hooks.RemovableHandle object at 0x")
    assert tensor_handle.id > module_handle.id
    module_handle.remove()
    assert not lin._forward_hooks


@pytest.mark.pytorch
def test_hook_handle_type_and_ids_vs_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (rg, torch):
        lin = lib.nn.Linear(1, 1)
        first = lin.register_forward_pre_hook(lambda *a: None)
        second = lib.ones(1, requires_grad=True).register_hook(lambda g: g)
        name = repr(first).split(" object")[0].split(".", 1)[1]
        seen.append((type(first).__name__, type(second).__name__, name, second.id - first.id > 0))
    assert seen[0] == seen[1]


@pytest.mark.pytorch
def test_retain_grad_takes_no_handle_id_vs_torch():
    # PyTorch's retain_grad hook lives in C++ without a Python handle, so the next handle's id is
    # one past the previous handle's (the ids show in `module._forward_pre_hooks`' printout)
    torch = pytest.importorskip("torch")
    steps = []
    for lib in (rg, torch):
        y = lib.ones(2, requires_grad=True) * 3
        before = y.register_hook(lambda g: g).id
        y.retain_grad()
        (y * y).sum().backward()
        after = lib.nn.Linear(1, 1).register_forward_pre_hook(lambda *a: None).id
        steps.append((after - before, y.grad.tolist()))
    assert steps[0] == steps[1] == (1, [6.0, 6.0])


def _module_hook_replacement_errors(lib):
    """The engine's errors when a module's backward hooks hand back gradients of the wrong size or dtype."""
    hooks = [
        ("register_full_backward_pre_hook", lambda m, go: (lib.ones(3),)),
        ("register_full_backward_pre_hook", lambda m, go: (go[0].double(),)),
        ("register_full_backward_hook", lambda m, gi, go: (gi[0].double(),)),
        ("register_full_backward_hook", lambda m, gi, go: (lib.ones(5),)),
        ("register_backward_hook", lambda m, gi, go: tuple(None if g is None else lib.ones(7) for g in gi)),
    ]
    seen = []
    for method, hook in hooks:
        lin = lib.nn.Linear(2, 2)
        getattr(lin, method)(hook)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # register_backward_hook's deprecation
            with pytest.raises(RuntimeError) as info:
                lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
        seen.append(str(info.value))
    return seen


def test_module_backward_hooks_returning_wrong_gradients_raise():
    assert _module_hook_replacement_errors(rg) == [
        "hook 'hook' has changed the size of value",
        "hook 'hook' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)",
        "hook 'hook' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)",
        "hook 'hook' has changed the size of value",
        "hook '<lambda>' has changed the size of value",  # the legacy hook sits on the node itself
    ]


@pytest.mark.pytorch
def test_module_backward_hooks_returning_wrong_gradients_vs_torch():
    torch = pytest.importorskip("torch")
    assert _module_hook_replacement_errors(rg) == _module_hook_replacement_errors(torch)


def _registration_log(m):
    """What the three global registration hooks see while a Linear, a BatchNorm1d and a Sequential
    are built, children are assigned and a parameter is added by assignment."""
    registry = m.nn.modules.module
    seen = []
    handles = [
        registry.register_module_buffer_registration_hook(
            lambda mod, name, buf: seen.append(("buffer", type(mod).__name__, name))),
        registry.register_module_parameter_registration_hook(
            lambda mod, name, p: seen.append(("parameter", type(mod).__name__, name))),
        registry.register_module_module_registration_hook(
            lambda mod, name, sub: seen.append(("module", type(mod).__name__, name, type(sub).__name__))),
    ]
    try:
        model = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
        model[1] = m.nn.ReLU()
        model.extra = None
        model.lin = m.nn.Identity()
        model[0].scale = m.nn.Parameter(m.ones(1))
    finally:
        for h in handles:
            h.remove()
    m.nn.Linear(1, 1)  # removed hooks see nothing more
    return seen


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_global_registration_hooks_see_each_registration(m):
    assert _registration_log(m) == [
        ("parameter", "Linear", "weight"), ("parameter", "Linear", "bias"),
        ("parameter", "BatchNorm1d", "weight"), ("parameter", "BatchNorm1d", "bias"),
        ("buffer", "BatchNorm1d", "running_mean"), ("buffer", "BatchNorm1d", "running_var"),
        ("buffer", "BatchNorm1d", "num_batches_tracked"),
        ("module", "Sequential", "0", "Linear"), ("module", "Sequential", "1", "BatchNorm1d"),
        ("module", "Sequential", "1", "ReLU"), ("module", "Sequential", "lin", "Identity"),
        ("parameter", "Linear", "scale"),
    ]


def test_buffer_registration_hook_result_replaces_the_buffer():
    registry = rg.nn.modules.module
    handle = registry.register_module_buffer_registration_hook(
        lambda mod, name, buf: buf + 7 if name == "offset" else None)
    holder = rg.nn.Module()
    try:
        holder.register_buffer("offset", rg.zeros(2))
        holder.register_buffer("scale", rg.ones(2))
    finally:
        handle.remove()
    assert holder.offset.tolist() == [7.0, 7.0] and holder.scale.tolist() == [1.0, 1.0]
    holder.register_buffer("offset", rg.zeros(2))
    assert holder.offset.tolist() == [0.0, 0.0]


@needs_torch
def test_registration_hook_replacements_match_vs_torch():
    def build(m):
        registry = m.nn.modules.module
        handles = [
            registry.register_module_buffer_registration_hook(
                lambda mod, name, buf: buf + 7 if name == "offset" else None),
            registry.register_module_parameter_registration_hook(
                lambda mod, name, p: m.nn.Parameter(p.detach() * 3) if name == "gain" else None),
            registry.register_module_module_registration_hook(
                lambda mod, name, sub: m.nn.Tanh() if isinstance(sub, m.nn.ReLU) else None),
        ]
        try:
            model = m.nn.Sequential(m.nn.ReLU())
            model.register_buffer("offset", m.zeros(2))
            model.gain = m.nn.Parameter(m.ones(2))
            model.register_parameter("bias", m.nn.Parameter(m.ones(2)))
        finally:
            for h in handles:
                h.remove()
        return [type(c).__name__ for c in model], plain(model.offset), plain(model.gain), plain(model.bias)

    assert same(build(rg), build(torch))
