"""Names Hugging Face diffusers reads from torch when it loads a model or pipeline:
`torch.distributed.device_mesh` (an annotation of its parallel configs), `torch.utils._pytree`'s
`_dict_flatten`/`_dict_unflatten` (its `BaseOutput` registers itself with them), `torch.Stream`
and `torch.Event` (annotations of group offloading), `torch.get_device_module` (cache clearing
after `from_pretrained`) and FSDP1's `CPUOffload` and auto-wrap policies (`training_utils`)."""

import dataclasses
import importlib
from collections import OrderedDict

import pytest

import retrograd as rg


def _surface(m):
    dist = m.distributed
    pytree = m.utils._pytree
    wrap = importlib.import_module(m.__name__ + ".distributed.fsdp.wrap")  # binds fsdp and fsdp.wrap
    fsdp = m.distributed.fsdp
    values, keys = pytree._dict_flatten({"b": 1, "a": 2})
    lin = m.nn.Linear(2, 2)
    return (
        dist.device_mesh.DeviceMesh is dist.DeviceMesh, dist.device_mesh.init_device_mesh is dist.init_device_mesh,
        values, keys, pytree._dict_unflatten([3, 4], ["x", "y"]), pytree._list_flatten([1, 2]),
        pytree._list_unflatten((1, 2), None), pytree._tuple_flatten((1, 2)), pytree._tuple_unflatten([1, 2], None),
        repr(fsdp.CPUOffload()), repr(fsdp.CPUOffload(offload_params=True)), dataclasses.is_dataclass(fsdp.CPUOffload),
        wrap.transformer_auto_wrap_policy(lin, True, 0, {m.nn.Conv2d}),
        wrap.transformer_auto_wrap_policy(lin, False, 0, {m.nn.Linear}),
        wrap.transformer_auto_wrap_policy(lin, False, 0, {m.nn.Conv2d}),
        wrap.lambda_auto_wrap_policy(lin, False, 0, lambda mod: False), wrap.always_wrap_policy(lin, False, 0),
    )  # fmt: skip


def test_surface():
    assert _surface(rg) == (
        True, True, [1, 2], ["b", "a"], {"x": 3, "y": 4}, ([1, 2], None), [1, 2], ([1, 2], None), (1, 2),
        "CPUOffload(offload_params=False)", "CPUOffload(offload_params=True)", True, True, True, False, False, True,
    )  # fmt: skip


def test_surface_vs_torch():
    torch = pytest.importorskip("torch")
    assert _surface(rg) == _surface(torch)


def test_dict_flatten_registers_an_output_class():
    # diffusers' BaseOutput: an OrderedDict subclass registered with the dict node's functions
    class Output(OrderedDict):
        pass

    pytree = rg.utils._pytree
    pytree.register_pytree_node(
        Output, pytree._dict_flatten, lambda values, context: Output(**pytree._dict_unflatten(values, context))
    )
    leaves, spec = pytree.tree_flatten(Output(sample=rg.ones(2), extra=3))
    assert len(leaves) == 2 and leaves[1] == 3
    rebuilt = pytree.tree_unflatten([rg.zeros(2), 4], spec)
    assert type(rebuilt) is Output and list(rebuilt) == ["sample", "extra"] and rebuilt["extra"] == 4


def _streams(m):
    s, e = m.Stream(), m.Event()
    rows = [repr(s), repr(m.Stream("cpu", priority=-1)), repr(e), repr(m.Event(enable_timing=True))]
    rows += [s.query(), s.synchronize(), s.is_capturing(), s.device_type, s.device_index, s.stream_id, str(s.device)]
    rows += [s == m.Stream(), hash(s) == hash(m.Stream()), e.query(), e.synchronize(), e.wait(), str(e.device)]
    with s as entered:
        rows.append(entered is s)
    rows.append(s.wait_event(e))  # an event never recorded: nothing to wait for
    calls = [
        s.record_event, lambda: s.wait_stream(s), e.record,
        lambda: e.elapsed_time(m.Event()),
        lambda: m.Event(enable_timing=True).elapsed_time(m.Event(enable_timing=True)),
    ]  # fmt: skip
    for call in calls:
        with pytest.raises((RuntimeError, ValueError)) as info:
            call()
        rows.append((info.type.__name__, str(info.value)))
    return rows


def test_streams():
    rows = _streams(rg)
    assert rows[:4] == [
        "torch.Stream device_type=cpu, device_index=-1, stream_id=0",
        "torch.Stream device_type=cpu, device_index=-1, stream_id=0",
        "torch.Event device_type=cpu, device_index=-1, event_flag=0, event_id=0",
        "torch.Event device_type=cpu, device_index=-1, event_flag=1, event_id=0",
    ]
    assert rows[4:19] == [True, None, False, 0, -1, 0, "cpu", True, True, True, None, None, "cpu", True, None]
    assert rows[19:22] == [("RuntimeError", "cpu backend doesn't support events.")] * 3
    assert rows[22:] == [
        ("ValueError", "Both events must be created with argument 'enable_timing=True'."),
        ("ValueError", "Both events must be recorded before calculating elapsed time."),
    ]
    assert isinstance(rg.Stream(rg.device("cpu")), rg.Stream)


def test_streams_vs_torch():
    torch = pytest.importorskip("torch")
    assert _streams(rg) == _streams(torch)


def _device_modules(m):
    rows = [m.get_device_module() is m.cpu, m.get_device_module("cpu") is m.cpu]
    rows += [m.get_device_module(m.device("cpu")) is m.cpu, m.get_device_module("cuda:0") is m.cuda]
    for bad in ("meta", 3):
        with pytest.raises(RuntimeError) as info:
            m.get_device_module(bad)
        rows.append(str(info.value))
    return rows


def test_get_device_module():
    assert _device_modules(rg) == [
        True, True, True, True,
        "Device 'meta' does not have a corresponding module registered as 'torch.meta'.",
        "Invalid value of device '3', expect torch.device, str, or None",
    ]  # fmt: skip


def test_get_device_module_vs_torch():
    torch = pytest.importorskip("torch")
    assert _device_modules(rg) == _device_modules(torch)
