"""`torch.cpu`: the CPU spelled like `torch.cuda` for device-agnostic code, and its deprecated amp spellings."""

from __future__ import annotations

import doctest
import warnings

import pytest

import retrograd as rg


def cpu_story(m):
    """What device-agnostic code reads from `<module>.cpu`, and what the deprecated amp spellings do."""
    cpu = m.cpu
    s, e = cpu.Stream(), cpu.Event()
    seen = [
        cpu.is_available(),
        cpu.is_initialized(),
        cpu.device_count(),
        cpu.current_device(),
        cpu.synchronize(),
        cpu.synchronize("cuda"),
        cpu.set_device(0),
        e.query(),
        e.record(),
        s.record_event(),
        cpu.current_stream() is cpu.current_stream(0),
        sorted(cpu.__all__),
    ]
    with cpu.stream(s):
        seen.append(cpu.current_stream() is s)
    seen.append(cpu.current_stream() is s)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = cpu.amp.GradScaler(init_scale=4.0)
        region = cpu.amp.autocast(enabled=False)
    with region:
        seen.append(m.is_autocast_enabled("cpu"))
    seen += [scaler.is_enabled(), scaler.get_scale(), region.fast_dtype == m.bfloat16]
    seen += [str(w.message).replace(m.__name__ + ".", "PKG.") for w in caught]
    return seen


def test_cpu_answers_for_its_one_synchronous_device():
    seen = cpu_story(rg)
    assert seen[:11] == [True, True, 1, "cpu", None, None, None, True, None, None, True]
    assert seen[12:] == [
        True, False, False, True, 4.0, True,
        "`PKG.cpu.amp.GradScaler(args...)` is deprecated. Please use `PKG.amp.GradScaler('cpu', args...)` instead.",
        "`PKG.cpu.amp.autocast(args...)` is deprecated. Please use `PKG.amp.autocast('cpu', args...)` instead.",
    ]  # fmt: skip
    assert "architecture" in rg.cpu.get_capabilities()


def test_cpu_docstring_examples_run():
    import retrograd.cpu
    import retrograd.cpu.amp

    for module in (retrograd.cpu, retrograd.cpu.amp):
        failures, _ = doctest.testmod(module, extraglobs={"retrograd": rg})
        assert failures == 0


def test_cpu_vs_torch():
    torch = pytest.importorskip("torch")
    assert cpu_story(rg) == cpu_story(torch)
