"""The profiler: events of ops, backward nodes and labelled blocks; averages, tables, traces, schedules."""

from __future__ import annotations

import json

import pytest

import retrograd
from retrograd.autograd.profiler import profile, record_function
from retrograd.engine.primitive import OpNode, Primitive
from retrograd.profiler import ProfilerAction, ProfilerActivity, schedule, tensorboard_trace_handler
from retrograd.profiler import profile as stepped_profile


def test_records_ops_backward_nodes_and_labels_with_consistent_times():
    x = retrograd.ones(3, requires_grad=True)
    with profile(record_shapes=True) as prof:
        with record_function("forward"):
            y = (x * 2).sum()
        y.backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]  # profiling changes nothing computed
    names = [e.name for e in prof.events()]
    assert names[:3] == ["forward", "aten::mul", "aten::sum"]
    assert "autograd::engine::evaluate_function: SumBackward0" in names and "MulBackward0" in names
    label = prof.events()[0]
    assert {c.name for c in label.cpu_children} == {"aten::mul", "aten::sum"}
    children = sum(c.cpu_time_total for c in label.cpu_children)
    assert label.self_cpu_time_total == pytest.approx(label.cpu_time_total - children)
    assert all(e.cpu_time_total >= e.self_cpu_time_total >= 0 for e in prof.events())
    mul = next(e for e in prof.events() if e.name == "aten::mul")
    assert mul.input_shapes == [[3]]


def test_key_averages_count_and_table_layout():
    with profile() as prof:
        retrograd.ones(2) * 2 * 3
    averages = {e.key: e for e in prof.key_averages()}
    assert averages["aten::mul"].count == 2
    assert averages["aten::mul"].cpu_time == pytest.approx(averages["aten::mul"].cpu_time_total / 2)
    lines = prof.key_averages().table(sort_by="cpu_time_total", row_limit=1).splitlines()
    assert lines[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%", "CPU", "total",
                                "CPU", "time", "avg", "#", "of", "Calls"]
    assert len(lines) == 6 and lines[0] == lines[2] == lines[4] and lines[5].startswith("Self CPU time total: ")
    with pytest.raises(AttributeError, match="no sort key"):
        prof.key_averages().table(sort_by="gpu_time")


def test_nothing_is_patched_outside_a_profile_even_after_an_error():
    plain = (Primitive.__call__, Primitive.scalar, OpNode.apply)
    with pytest.raises(ValueError), profile():
        raise ValueError("inside")
    assert (Primitive.__call__, Primitive.scalar, OpNode.apply) == plain
    with profile(enabled=False) as prof:
        retrograd.ones(2) * 2
    assert list(prof.events()) == []


def test_chrome_trace_and_record_function_decorator(tmp_path):
    @record_function("scaled")
    def scaled(t):
        return t * 2

    with profile() as prof:
        scaled(retrograd.ones(2))
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    events = json.loads(path.read_text())["traceEvents"]
    assert [e["name"] for e in events] == ["scaled", "aten::mul"]
    assert all(e["ph"] == "X" and e["dur"] >= 0 for e in events)


def test_unrecorded_options_warn():
    with pytest.warns(UserWarning, match="profile_memory, with_stack are not recorded"):
        profile(profile_memory=True, with_stack=True)
    with pytest.raises(NotImplementedError, match="CPU side only"):
        profile(use_cuda=True)


def test_schedule_actions_match_pytorch():
    s = schedule(wait=1, warmup=1, active=2, repeat=2, skip_first=1)
    names = [s(i).name for i in range(11)]
    assert names == ["NONE", "NONE", "WARMUP", "RECORD", "RECORD_AND_SAVE", "NONE", "WARMUP", "RECORD",
                     "RECORD_AND_SAVE", "NONE", "NONE"]
    assert s(3) is ProfilerAction.RECORD


def test_stepped_profile_hands_each_cycle_to_on_trace_ready(tmp_path):
    cycles = []
    with stepped_profile(activities=[ProfilerActivity.CPU], schedule=schedule(wait=1, warmup=1, active=2, repeat=2),
                         on_trace_ready=lambda p: cycles.append(sorted({e.key for e in p.key_averages()}))) as prof:
        for _ in range(10):
            with record_function("train_step"):
                retrograd.ones(2) * 2
            prof.step()
    assert len(cycles) == 2 and all("ProfilerStep*" in c and "train_step" in c for c in cycles)
    steps = [e.name for e in prof.events() if e.name.startswith("ProfilerStep#")]
    assert steps == ["ProfilerStep#6", "ProfilerStep#7"]  # the second cycle's two active steps
    with stepped_profile(on_trace_ready=tensorboard_trace_handler(str(tmp_path / "tb"))):
        retrograd.ones(2) * 2
    (written,) = (tmp_path / "tb").iterdir()
    assert written.name.endswith(".pt.trace.json")


def test_torch_profiler_names_through_the_package():
    assert retrograd.profiler.profile is stepped_profile
    assert retrograd.profiler.supported_activities() == {ProfilerActivity.CPU}


def test_events_and_averages_have_flops_of_zero():
    # PyTorch's value when `with_flops` is off (retrograd does not record them: `with_flops` warns)
    with profile() as prof:
        retrograd.ones(2, 3) @ retrograd.ones(3, 4)
    assert {e.flops for e in prof.events()} == {0} and {e.flops for e in prof.key_averages()} == {0}


def test_flops_without_with_flops_vs_torch():
    torch = pytest.importorskip("torch")
    with torch.profiler.profile() as theirs:
        torch.ones(2, 3) @ torch.ones(3, 4)
    with profile() as ours:
        retrograd.ones(2, 3) @ retrograd.ones(3, 4)
    assert {e.flops for e in ours.key_averages()} == {e.flops for e in theirs.key_averages()} == {0}
