"""The objects and settings around `torch.compile` that scripts touch, as PyTorch's.

The `OptimizedModule` a compiled module is (its class's module, attributes set and deleted on the
original module, `dir`, `len`), the backends and what each does with `mode`, `options` and
`fullgraph`, the error classes of `torch._dynamo.exc`, and `torch._dynamo.config` as a module.
"""

import copy
import importlib
import inspect
import pickle
import subprocess
import sys
import textwrap
import warnings

import pytest

import retrograd as torch
from retrograd import nn


def _torch():
    try:
        import torch as torch_
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch_


@pytest.fixture(autouse=True)
def _fresh_pytorch_caches():
    """PyTorch caches compiled code per code object (`Sequential.forward`, ...) up to its recompile
    limit: forget what these tests compiled, so later tests' compiles are not run eagerly."""
    yield
    torch_ = sys.modules.get("torch")
    if torch_ is not None and torch_ is not torch:
        torch_._dynamo.reset()


def _net_class(lib):
    """A small model written against `lib` (retrograd or PyTorch)."""

    class _Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(3, 2)
            self.scale = 2.0

        def forward(self, x):
            return self.fc(x) * self.scale

    return _Net


_Net = _net_class(torch)


def _net(lib):
    return _net_class(lib)()


# --- OptimizedModule --------------------------------------------------------------------------


def test_optimized_module_is_defined_in_dynamo_eval_frame():
    compiled = torch.compile(nn.Sequential(nn.Linear(3, 2)))
    assert type(compiled).__name__ == "OptimizedModule"
    assert type(compiled).__module__ == "retrograd._dynamo.eval_frame"
    assert isinstance(compiled, torch._dynamo.eval_frame.OptimizedModule)
    again = pickle.loads(pickle.dumps(compiled))  # found by that name
    assert type(again) is type(compiled) and list(again.state_dict()) == ["_orig_mod.0.weight", "_orig_mod.0.bias"]


def test_attributes_set_and_deleted_on_a_compiled_module_are_the_original_modules():
    model = _Net()
    compiled = torch.compile(model, backend="eager")
    compiled.scale = 3.0  # the forward that runs reads the original module's
    compiled.note = "new"
    assert model.scale == 3.0 and model.note == "new" and "note" not in compiled.__dict__
    assert torch.equal(compiled(torch.ones(1, 3)), model.fc(torch.ones(1, 3)) * 3)
    del compiled.note
    assert not hasattr(model, "note")
    compiled.fc = nn.Linear(3, 2)  # a new child goes to the original module too
    assert compiled.fc is model.fc
    assert list(compiled.state_dict()) == ["_orig_mod.fc.weight", "_orig_mod.fc.bias"]


def test_dir_and_len_of_a_compiled_module():
    compiled = torch.compile(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), backend="eager")
    assert len(compiled) == 2
    assert "fc" in dir(torch.compile(_Net(), backend="eager")) and "_orig_mod" in dir(compiled)
    with pytest.raises(TypeError, match="^_Net does not support len()"):
        len(torch.compile(_Net(), backend="eager"))


def test_compiled_module_attributes_match_pytorch():
    torch_ = _torch()

    def seen(lib, backend):
        model = _net(lib)
        compiled = lib.compile(model, backend=backend)
        compiled.scale = 5.0
        compiled.extra = 1
        seq = lib.compile(lib.nn.Sequential(lib.nn.ReLU()), backend=backend)
        return (
            type(compiled).__module__.replace("retrograd", "torch"),
            model.scale, getattr(model, "extra", None), "extra" in vars(compiled),
            "fc" in dir(compiled), len(seq), type(copy.deepcopy(compiled)).__name__,
        )  # fmt: skip

    assert seen(torch, "eager") == seen(torch_, "eager")
    assert seen(torch, "inductor") == seen(torch_, "aot_eager")


def test_hooks_on_a_compiled_module_run_and_global_hooks_warn():
    compiled = torch.compile(nn.Linear(2, 2), backend="eager")
    seen = []
    handle = compiled.register_forward_hook(lambda m, i, o: seen.append(type(m).__name__))
    compiled(torch.ones(1, 2))
    handle.remove()
    assert seen == ["OptimizedModule"]
    handle = nn.modules.module.register_module_forward_hook(lambda m, i, o: seen.append(type(m).__name__))
    try:
        with pytest.warns(UserWarning, match="^Using `torch.compile\\(module\\)` when there are global hooks"):
            compiled(torch.ones(1, 2))
    finally:
        handle.remove()
    assert seen[1:] == ["Linear", "OptimizedModule"]


def test_disabling_a_module_wraps_it():
    outer = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    inner = outer[0]
    outer[0] = torch.compiler.disable(inner)
    assert type(outer[0]).__name__ == "OptimizedModule" and outer[0]._orig_mod is inner
    assert list(outer.state_dict()) == ["0._orig_mod.weight", "0._orig_mod.bias"]
    x = torch.randn(3, 2)
    assert torch.equal(torch.compile(outer)(x), inner(x).relu())
    plain = torch._dynamo.disable(inner, recursive=False)  # a function that calls it
    assert not isinstance(plain, nn.Module) and torch.equal(plain(x), inner(x))
    with pytest.raises(AssertionError, match="^fn must be callable$"):
        torch.compiler.disable(3)


def test_hooks_and_disabled_modules_match_pytorch():
    torch_ = _torch()

    def seen(lib):
        lib.manual_seed(0)
        calls = []
        compiled = lib.compile(lib.nn.Linear(2, 2), backend="eager")
        compiled.register_forward_pre_hook(lambda m, i: calls.append(type(m).__name__))
        compiled(lib.ones(1, 2))
        outer = lib.nn.Sequential(lib.nn.Linear(2, 2))
        outer[0] = lib.compiler.disable(outer[0])
        plain = lib.compiler.disable(lib.nn.ReLU(), recursive=False)
        return calls, type(outer[0]).__name__, list(outer.state_dict()), isinstance(plain, lib.nn.Module)

    assert seen(torch) == seen(torch_)


# --- backends, mode, options, fullgraph --------------------------------------------------------


def _branchy(x):
    if x.sum() > 0:  # data-dependent control flow: a graph break
        return x + 1
    return x - 1


def test_fullgraph_with_the_eager_backend_raises_unsupported():
    with pytest.raises(torch._dynamo.exc.Unsupported):
        torch.compile(_branchy, backend="eager", fullgraph=True)(torch.ones(2))
    assert torch.equal(torch.compile(_branchy, backend="eager")(torch.ones(2)), torch.full((2,), 2.0))
    assert torch.equal(
        torch.compile(lambda x: x * 2, backend="eager", fullgraph=True)(torch.ones(2)), torch.full((2,), 2.0)
    )


def test_mode_and_options_are_checked_only_by_inductor():
    f = torch.compile(lambda x: x + 1, backend="eager", mode="no-such-mode")  # ignored, as PyTorch's eager
    assert torch.equal(f(torch.zeros(1)), torch.ones(1))
    assert torch.equal(
        torch.compile(lambda x: x + 1, backend="aot_eager", options={"foo": 1})(torch.zeros(1)), torch.ones(1)
    )
    with pytest.raises(RuntimeError, match="^Unrecognized mode=no-such-mode, should be one of: default, lite"):
        torch.compile(lambda x: x, mode="no-such-mode")
    with pytest.raises(RuntimeError, match="^Either mode or options can be specified"):
        torch.compile(lambda x: x, backend="eager", mode="default", options={})


def test_cudagraphs_backend_runs_generated_code_on_the_cpu():
    f = torch.compile(lambda x: x.sin() * 2, backend="cudagraphs")
    x = torch.tensor([0.5, 1.0])
    assert torch.allclose(f(x), x.sin() * 2)
    assert f.code.startswith("def forward")
    assert "cudagraphs" in torch.compiler.list_backends()


def _outcomes(lib):
    """What each backend, mode, options and fullgraph setting gives for `_branchy` (or the error's type)."""

    def branchy(x):
        if x.sum() > 0:
            return x + 1
        return x - 1

    seen = []
    for fn, kwargs in (
        (branchy, {"backend": "eager", "fullgraph": True}),
        (lambda x: x * 2, {"backend": "eager", "fullgraph": True}),
        (branchy, {"backend": "eager", "mode": "bogus"}),
        (branchy, {"backend": "aot_eager", "options": {"foo": 1}}),
        (branchy, {"backend": "cudagraphs"}),
    ):
        try:
            seen.append(lib.compile(fn, **kwargs)(lib.ones(2)).tolist())
        except Exception as e:  # noqa: BLE001 - the type is compared
            seen.append((type(e).__module__.replace("retrograd", "torch"), type(e).__name__))
    return seen


def test_backends_modes_options_and_fullgraph_match_pytorch():
    _torch()
    # PyTorch's side runs in its own process: its failed fullgraph compile leaves a frame hook
    # installed that holds references, which the refcount-based gradient-stealing tests would see
    script = (
        "import logging, warnings\nwarnings.simplefilter('ignore')\nlogging.disable(logging.CRITICAL)\nimport torch\n"
        + textwrap.dedent(inspect.getsource(_outcomes))
        + "\nprint(repr(_outcomes(torch)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert repr(_outcomes(torch)) == done.stdout.strip().splitlines()[-1]


def test_is_compiling_under_the_eager_backend():
    seen = []

    @torch.compiler.disable
    def helper(x):
        seen.append(("helper", torch.compiler.is_compiling()))
        return x

    def f(x):
        seen.append(("f", torch.compiler.is_compiling()))
        return helper(x) * 2

    compiled = torch.compile(f, backend="eager")
    assert type(compiled).__name__ == "function" and compiled.__wrapped__ is f
    compiled(torch.ones(1))
    compiled(torch.ones(1))
    assert seen == [("f", True), ("helper", False)] * 2  # Python runs on every call, as eager code does
    assert not torch.compiler.is_compiling()


def test_is_compiling_under_the_eager_backend_matches_pytorch():
    torch_ = _torch()

    def seen(lib):
        calls = []
        helper = lib.compiler.disable(lambda x: calls.append(lib.compiler.is_compiling()) or x)

        def f(x):
            calls.append(lib.compiler.is_compiling())
            return helper(x) + 1

        out = lib.compile(f, backend="eager")(lib.ones(1))
        model = lib.compile(lib.nn.Identity(), backend="eager")
        model.register_forward_hook(lambda m, i, o: calls.append(lib.compiler.is_compiling()))
        model(lib.ones(1))
        return out.tolist(), calls, type(lib.compile(f, backend="eager")).__name__

    assert seen(torch) == seen(torch_)


# --- torch._dynamo.exc --------------------------------------------------------------------------

_EXC_NAMES = (
    "TorchDynamoException", "Unsupported", "InvalidBackend", "BackendCompilerFailed", "InternalTorchDynamoError",
    "RecompileError", "TorchRuntimeError", "ObservedException", "UserError",
)  # fmt: skip


def test_dynamo_exception_classes():
    for name in _EXC_NAMES:
        cls = getattr(torch._dynamo.exc, name)
        assert cls.__module__ == "retrograd._dynamo.exc", name
        assert issubclass(cls, RuntimeError), name
        assert name == "TorchDynamoException" or issubclass(cls, torch._dynamo.exc.TorchDynamoException), name


def test_dynamo_exception_classes_match_pytorch():
    torch_ = _torch()
    for name in _EXC_NAMES:
        ours, theirs = getattr(torch._dynamo.exc, name), getattr(torch_._dynamo.exc, name)
        assert ours.__module__.replace("retrograd", "torch") == theirs.__module__, name
        assert issubclass(ours, torch._dynamo.exc.TorchDynamoException) == issubclass(
            theirs, torch_._dynamo.exc.TorchDynamoException
        ), name


# --- torch._dynamo.config -----------------------------------------------------------------------


def test_dynamo_config_is_an_importable_module_with_patch():
    config = importlib.import_module("retrograd._dynamo.config")
    assert config is torch._dynamo.config
    assert config.cache_size_limit == config.recompile_limit == 8
    with config.patch(cache_size_limit=32):
        assert config.recompile_limit == 32
    assert config.recompile_limit == 8

    @config.patch("suppress_errors", True)
    def inside():
        return config.suppress_errors

    assert inside() is True and config.suppress_errors is False
    with pytest.raises(AttributeError, match=r"^torch._dynamo.config.no_such_thing does not exist$"):
        config.no_such_thing
    with pytest.raises(AttributeError, match=r"^torch._dynamo.config.no_such_thing does not exist$"):
        config.no_such_thing = 1
    with pytest.raises(AttributeError, match="no_such_thing does not exist"), config.patch(no_such_thing=1):
        pass


def test_dynamo_config_kept_settings_and_deprecations():
    config = torch._dynamo.config
    assert (config.accumulated_cache_size_limit, config.guard_nn_modules, config.dynamic_shapes) == (256, True, True)
    config.accumulated_cache_size_limit = 512
    try:
        assert config.accumulated_recompile_limit == 512
    finally:
        del config.accumulated_recompile_limit
    assert config.accumulated_cache_size_limit == 256
    with pytest.warns(FutureWarning, match="inline_inbuilt_nn_modules is deprecated and does not do anything"):
        assert config.inline_inbuilt_nn_modules is True
    with pytest.warns(FutureWarning, match="It will be removed in a future version of PyTorch"):
        config.inline_inbuilt_nn_modules = False
    del config.inline_inbuilt_nn_modules


_CONFIG_NAMES = (
    "recompile_limit", "cache_size_limit", "suppress_errors", "automatic_dynamic_shapes", "verbose",
    "capture_scalar_outputs", "optimize_ddp", "accumulated_recompile_limit", "accumulated_cache_size_limit",
    "guard_nn_modules", "skip_nnmodule_hook_guards", "allow_unspec_int_on_nn_module", "dynamic_shapes",
    "log_compilation_metrics", "compiled_autograd", "allow_rnn", "trace_numpy",
)  # fmt: skip


def test_dynamo_config_defaults_and_errors_match_pytorch():
    torch_ = _torch()
    import torch._dynamo.config as theirs

    for name in _CONFIG_NAMES:
        assert getattr(torch._dynamo.config, name) == getattr(theirs, name), name
    for config in (torch._dynamo.config, theirs):
        with pytest.raises(AttributeError) as caught:
            config.no_such_thing = 1
        assert str(caught.value) == "torch._dynamo.config.no_such_thing does not exist"
    with torch._dynamo.config.patch(cache_size_limit=3), theirs.patch(cache_size_limit=3):
        assert torch._dynamo.config.recompile_limit == torch_._dynamo.config.recompile_limit == 3


# --- torch._inductor.config ---------------------------------------------------------------------


def test_inductor_config_keeps_settings_and_refuses_unknown_names():
    config = importlib.import_module("retrograd._inductor.config")
    assert config is torch._inductor.config
    assert (config.coordinate_descent_tuning, config.triton.unique_kernel_names, config.triton.cudagraphs) == (
        False, True, False,
    )  # fmt: skip
    config.coordinate_descent_tuning = True
    try:
        assert config.coordinate_descent_tuning is True
        assert torch.equal(torch.compile(lambda x: x * 2)(torch.ones(2)), torch.full((2,), 2.0))  # no effect
    finally:
        config.coordinate_descent_tuning = False
    with config.patch({"triton.cudagraphs": True, "max_autotune": True}):
        assert config.triton.cudagraphs is True and config.max_autotune is True
    assert config.triton.cudagraphs is False and config.max_autotune is False
    with pytest.raises(AttributeError, match=r"^torch._inductor.config.nope does not exist$"):
        config.nope = 1
    with pytest.raises(AttributeError, match=r"^torch._inductor.config.triton.nope does not exist$"):
        config.triton.nope


def test_compile_accepts_inductor_settings_as_options():
    f = torch.compile(lambda x: x + 1, options={"max_autotune": True, "epilogue-fusion": False, "trace.enabled": False})
    assert torch.equal(f(torch.zeros(1)), torch.ones(1))
    with pytest.raises(NotImplementedError, match="options \\['no_such_option'\\] are not supported"):
        torch.compile(lambda x: x, options={"no_such_option": 1})


def test_inductor_config_defaults_match_pytorch():
    _torch()
    import torch._inductor.config as theirs

    from retrograd.compiler._settings import INDUCTOR_DEFAULTS

    for name, value in INDUCTOR_DEFAULTS.items():
        holder = theirs
        for part in name.split("."):
            holder = getattr(holder, part)
        assert holder == value, name
    with pytest.raises(AttributeError) as caught:
        theirs.nope = 1
    assert str(caught.value) == "torch._inductor.config.nope does not exist"


# --- CUDA-graph hints ----------------------------------------------------------------------------


def test_cudagraph_hints_are_accepted():
    assert torch.compiler.cudagraph_mark_step_begin() is None
    t = torch.ones(2)
    torch._dynamo.mark_static_address(t)
    assert t._dynamo_static_input_type == "unguarded"
    torch._dynamo.mark_static_address(t, guard=True)
    assert t._dynamo_static_input_type == "guarded"
    with pytest.raises(TypeError, match="^mark_static_address expects a tensor but received <class 'int'>$"):
        torch._dynamo.mark_static_address(3)


def test_cudagraph_hints_match_pytorch():
    torch_ = _torch()

    def seen(lib):
        t = lib.ones(2)
        lib._dynamo.mark_static_address(t)
        try:
            lib._dynamo.mark_static_address(3)
        except TypeError as e:
            error = str(e)
        return lib.compiler.cudagraph_mark_step_begin(), t._dynamo_static_input_type, error

    assert seen(torch) == seen(torch_)
