"""torch.jit as PyTorch runs it with PYTORCH_JIT=0: eager, with the decorators and queries programs use."""

from __future__ import annotations

import typing

import pytest

import retrograd as rg


def test_script_and_trace_return_what_they_get_and_run_eagerly():
    @rg.jit.script
    def double(x):
        return x * 2

    class Net(rg.nn.Module):
        @rg.jit.ignore
        def helper(self):
            return 1

        @rg.jit.ignore(drop=True)
        def dropped(self):
            return 2

        @rg.jit.unused
        def unused(self):
            return 3

        @rg.jit.export
        def exported(self):
            return 4

        def forward(self, x):
            return x + self.helper() + self.dropped() + self.unused() + self.exported()

    net = Net()
    assert rg.jit.script(net) is net and rg.jit.trace(net, rg.zeros(1)) is net
    assert net(rg.zeros(1)).tolist() == [10.0]
    assert double(rg.ones(2)).tolist() == [2.0, 2.0]
    assert not rg.jit.is_scripting() and not rg.jit.is_tracing()
    assert rg.jit.annotate(list[int], []) == [] and rg.jit.Attribute(3, int) == 3
    assert rg.jit.wait(rg.jit.fork(double, rg.ones(1))).tolist() == [2.0]


def test_jit_isinstance_checks_container_element_types():
    assert rg.jit.isinstance([1, 2], list[int]) and not rg.jit.isinstance([1, "a"], list[int])
    assert rg.jit.isinstance({"a": rg.ones(1)}, dict[str, rg.Tensor])
    assert rg.jit.isinstance((1, "a"), tuple[int, str]) and not rg.jit.isinstance((1,), tuple[int, str])
    assert rg.jit.isinstance(None, int | None) and rg.jit.isinstance(3, int | None)
    assert rg.jit.isinstance(None, typing.Optional[int]) and not rg.jit.isinstance("a", typing.Optional[int])  # noqa: UP045
    assert rg.jit.isinstance([1], typing.List[int])  # noqa: UP006 - the spelling older programs use


@pytest.mark.parametrize("call", ["save", "load", "freeze", "optimize_for_inference"])
def test_torchscript_files_and_passes_raise(call, tmp_path):
    args = {"save": (rg.nn.Linear(1, 1), str(tmp_path / "m.pt")), "load": (str(tmp_path / "m.pt"),)}
    with pytest.raises(RuntimeError, match=f"torch.jit.{call}: retrograd runs torch.jit as PyTorch does"):
        getattr(rg.jit, call)(*args.get(call, (rg.nn.Linear(1, 1),)))
