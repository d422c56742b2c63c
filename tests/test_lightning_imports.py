"""Names PyTorch Lightning and torchmetrics reach for in torch, and what they do here: the few
`torch._C` names (`_log_api_usage_once`, `_TensorMeta`, `_nn._parse_to`, `PyTorchFileReader`),
`torch.overrides.TorchFunctionMode` (which intercepts nothing here) and
`torch.utils.flop_counter.FlopCounterMode` (tests/test_flop_counter.py has its counts),
`torch.fx.GraphModule`, `torch.distributed.constants`, the profiler's
`emit_nvtx`/`emit_itt`/`kineto_available`, pytree's `_get_node_type` and LeafSpec's deprecation,
the device flags of a tensor (`is_mps`, ...), and `Module.to` calling `_apply(fn)` as PyTorch does."""

import importlib
import io
import warnings
from collections import namedtuple
from datetime import timedelta

import pytest

import retrograd as rg


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def test_c_names():
    assert rg._C._log_api_usage_once("torchmetrics.metric.Accuracy") is None
    assert isinstance(rg.Tensor, rg._C._TensorMeta)
    assert rg._C.Generator is rg.Generator
    parse = rg._C._nn._parse_to
    assert parse(rg.float64) == (None, rg.float64, False, None)
    assert parse("cpu", rg.float16, non_blocking=True) == (rg.device("cpu"), rg.float16, True, None)
    assert parse(rg.zeros(2, dtype=rg.int32)) == (rg.device("cpu"), rg.int32, False, None)
    assert parse(memory_format=rg.channels_last) == (None, None, False, rg.channels_last)


def _parse_rows(m):
    p = m._C._nn._parse_to
    rows = [p(m.float64), p("cpu", m.float16, non_blocking=True), p(m.zeros(2, dtype=m.int32)),
            p(dtype=m.bfloat16), p(device="cpu"), p(memory_format=m.channels_last)]  # fmt: skip
    return [tuple(str(x).rsplit(".", 1)[-1] for x in r) for r in rows]  # float64, not retrograd.float64


def test_parse_to_vs_torch():
    assert _parse_rows(rg) == _parse_rows(_torch())


def _reader_rows(m):
    buffer = io.BytesIO()
    m.save({"w": m.arange(3.0)}, buffer)
    reader = m._C.PyTorchFileReader(io.BytesIO(buffer.getvalue()))
    names = reader.get_all_records()
    return (sorted(n for n in names if not n.startswith(".data/")), reader.has_record("data.pkl"),
            reader.has_record("nope"), reader.get_record("byteorder"), len(reader.get_record("data/0")))  # fmt: skip


def test_file_reader():
    names, has_pickle, has_nope, order, nbytes = _reader_rows(rg)
    assert "data.pkl" in names and "data/0" in names
    assert has_pickle and not has_nope and order == b"little" and nbytes == 12
    assert rg.PyTorchFileReader is rg._C.PyTorchFileReader


def test_file_reader_vs_torch():
    torch = _torch()
    assert _reader_rows(rg) == _reader_rows(torch)


def test_torch_function_mode_enters_and_sees_the_calls():
    from retrograd.overrides import TorchFunctionMode

    seen = []

    class Spy(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            seen.append(func)
            return func(*args, **(kwargs or {}))

    with Spy() as mode:
        out = rg.ones(2) + 1
    assert isinstance(mode, Spy) and out.tolist() == [2.0, 2.0]
    assert seen == [rg.ones, rg.Tensor.add]  # (`x + 1` is reported as Tensor.add, as in PyTorch)


def test_flop_counter_counts_a_linear_layer_as_lightning_reads_it():
    from retrograd.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False, depth=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # it no longer warns that it counts nothing
        with counter:
            rg.nn.Linear(4, 3)(rg.ones(2, 4))
    counts = {name: {str(op): n for op, n in ops.items()} for name, ops in counter.get_flop_counts().items()}
    assert counter.get_total_flops() == 48 and counts == {"Global": {"aten.addmm": 48}, "Linear": {"aten.addmm": 48}}


def test_graph_module_is_a_module_type():
    from retrograd.fx import GraphModule

    assert issubclass(GraphModule, rg.nn.Module) and not isinstance(rg.nn.Linear(1, 1), GraphModule)
    assert isinstance(rg.fx.symbolic_trace(rg.nn.Linear(1, 1)), GraphModule)


def test_script_classes_are_types_only():
    assert rg.ScriptModule is rg.jit.ScriptModule and rg.ScriptFunction is rg.jit.ScriptFunction
    assert not isinstance(rg.jit.script(rg.nn.Linear(1, 1)), rg.jit.ScriptModule)


def test_distributed_constants_and_optimized_module():
    from retrograd._dynamo import OptimizedModule
    from retrograd._dynamo.eval_frame import OptimizedModule as at_home
    from retrograd.distributed.constants import default_pg_nccl_timeout, default_pg_timeout

    assert default_pg_timeout == timedelta(minutes=30) and default_pg_nccl_timeout is None
    assert OptimizedModule is at_home is rg.compiler.OptimizedModule


def test_distributed_constants_vs_torch():
    _torch()
    from torch.distributed.constants import default_pg_timeout

    from retrograd.distributed.constants import default_pg_timeout as ours

    assert ours == default_pg_timeout


def _profiler_rows(m):
    prof = m.autograd.profiler
    with prof.emit_itt():
        pass
    with prof.emit_nvtx(enabled=False):
        pass
    try:
        with prof.emit_nvtx():
            pass
        error = None
    except AssertionError as e:
        error = str(e)
    return m.profiler.kineto_available(), error


def test_profiler_ranges():
    assert _profiler_rows(rg) == (True, "Torch not compiled with CUDA enabled")


def test_profiler_ranges_vs_torch():
    assert _profiler_rows(rg) == _profiler_rows(_torch())


def _pytree_rows(m):
    pytree = importlib.import_module(m.__name__ + ".utils._pytree")
    point = namedtuple("point", "x y")
    kinds = [pytree._get_node_type(v) for v in ([1], (1,), {"a": 1}, point(1, 2), 3)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leaf = pytree.treespec_leaf()
        flat_spec = pytree.tree_flatten(3)[1]
        quiet = len(caught)
        made = pytree.LeafSpec()
    messages = [(w.category.__name__, str(w.message)) for w in caught[quiet:]]
    return ([getattr(k, "__name__", k) for k in kinds], quiet, messages,
            isinstance(leaf, pytree.LeafSpec), isinstance(flat_spec, pytree.LeafSpec), repr(made))  # fmt: skip


def test_pytree_node_type_and_leaf_spec_warning():
    kinds, quiet, messages, leaf_is_leafspec, flat_is_leafspec, text = _pytree_rows(rg)
    assert kinds == ["list", "tuple", "dict", "namedtuple", "int"]
    assert quiet == 0 and leaf_is_leafspec and flat_is_leafspec and text == "*"
    assert messages == [
        (
            "FutureWarning",
            "`isinstance(treespec, LeafSpec)` is deprecated, "
            "use `isinstance(treespec, TreeSpec) and treespec.is_leaf()` instead.",
        )
    ]


def test_pytree_node_type_and_leaf_spec_warning_vs_torch():
    assert _pytree_rows(rg) == _pytree_rows(_torch())


def _device_flags(m):
    t = m.zeros(2)
    names = ("is_mps", "is_xla", "is_xpu", "is_ipu", "is_mtia", "is_maia", "is_vulkan", "is_mkldnn", "is_nested")
    return {n: getattr(t, n) for n in names}


def test_device_flags_false():
    assert not any(_device_flags(rg).values())


def test_device_flags_vs_torch():
    assert _device_flags(rg) == _device_flags(_torch())


def _apply_override_rows(m):
    class Keeper(m.nn.Module):  # torchmetrics' Metric._apply has a second parameter of its own
        def __init__(self):
            super().__init__()
            self.lin = m.nn.Linear(2, 2)
            self.calls = []

        def _apply(self, fn, exclude_state=""):
            self.calls.append(exclude_state)
            return super()._apply(fn)

    k = Keeper()
    k.to(m.float64)
    k.float()
    k.to("cpu")
    return k.calls, str(k.lin.weight.dtype).rsplit(".", 1)[-1]


def test_module_to_calls_apply_with_fn_only():
    assert _apply_override_rows(rg) == (["", "", ""], "float32")


def test_module_to_calls_apply_with_fn_only_vs_torch():
    assert _apply_override_rows(rg) == _apply_override_rows(_torch())
