"""backend/host_memory: glibc keeps freed array memory mapped once a backward pass has run."""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import numpy as np
import pytest

import retrograd
from retrograd.backend import host_memory

glibc_only = pytest.mark.skipif(not host_memory.is_glibc(), reason="the pad is a glibc malloc setting")


def test_setting_defaults_to_64_mib(monkeypatch):
    monkeypatch.delenv("RETROGRAD_MALLOC_TOP_PAD", raising=False)
    assert host_memory.top_pad_setting() == 64 << 20
    monkeypatch.setenv("RETROGRAD_MALLOC_TOP_PAD", "1048576")
    assert host_memory.top_pad_setting() == 1 << 20


@pytest.mark.parametrize("value", ["lots", "-1", "1.5"])
def test_bad_setting_is_named_in_the_error(monkeypatch, value):
    monkeypatch.setenv("RETROGRAD_MALLOC_TOP_PAD", value)
    with pytest.raises(ValueError, match="RETROGRAD_MALLOC_TOP_PAD"):
        host_memory.top_pad_setting()


def test_zero_leaves_malloc_alone(monkeypatch):
    monkeypatch.setenv("RETROGRAD_MALLOC_TOP_PAD", "0")
    assert host_memory.keep_heap_mapped() is False


@glibc_only
def test_pad_is_set_on_glibc(monkeypatch):
    monkeypatch.delenv("RETROGRAD_MALLOC_TOP_PAD", raising=False)
    assert host_memory.keep_heap_mapped() is True


def _faults_of_reallocating(nbytes: int, times: int) -> int:
    np.ones(nbytes // 8)  # the first allocation may grow the heap
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(times):
        a = np.ones(nbytes // 8)  # written in full, as a step's activations are
        b = np.ones(nbytes // 8)
        del a, b
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _one_backward() -> None:
    x = retrograd.ones(2, requires_grad=True)
    (x * 2).sum().backward()


def _faults_in_a_fresh_process(**env: str) -> int:
    # a process of its own: how malloc behaves depends on the process's history (a long test run
    # has a large, fragmented heap), and the setting is made once, at the first backward pass
    code = "import tests.test_host_memory as t; t._one_backward(); print(t._faults_of_reallocating(3 << 20, 20))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **env}, check=True)
    return int(out.stdout.strip())


@glibc_only
def test_freed_arrays_are_reused_without_page_faults():
    # two 3 MiB arrays freed and made again 20 times: without the pad glibc trims the heap and
    # every new array faults its ~770 pages in again (measured ~30,000 faults); with it, ~0
    assert _faults_in_a_fresh_process() < 2000


@glibc_only
def test_without_the_pad_the_same_loop_faults():
    # the other side of the test above, so that it cannot pass by accident: a process that
    # opts out (RETROGRAD_MALLOC_TOP_PAD=0) faults the pages in again and again
    assert _faults_in_a_fresh_process(RETROGRAD_MALLOC_TOP_PAD="0") > 5000


def _applied_in_a_fresh_process(code: str) -> bool:
    probe = f"import retrograd; from retrograd.backend import host_memory as h; {code}; print(h._applied)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def test_applied_at_the_first_backward_pass_not_at_import():
    """Setup before training (data drawn and converted) keeps glibc's default, which returns its
    large temporaries; the first backward pass (or autograd.grad) starts the loop of steps."""
    assert not _applied_in_a_fresh_process("x = retrograd.ones(3) * 2")
    assert _applied_in_a_fresh_process("x = retrograd.ones(2, requires_grad=True); (x * 2).sum().backward()")
    grad = "x = retrograd.ones(2, requires_grad=True); retrograd.autograd.grad((x * 2).sum(), x)"
    assert _applied_in_a_fresh_process(grad)
