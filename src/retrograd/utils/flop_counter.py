"""`torch.utils.flop_counter`: `FlopCounterMode`, which counts the FLOPs of a model's ops per module.

Inside the mode every matrix product, convolution and attention counts its FLOPs under the aten op
PyTorch's dispatcher would run for it (`aten.mm`, `aten.addmm`, `aten.bmm`, `aten.baddbmm`,
`aten.convolution`, `aten.convolution_backward`), with PyTorch's formulas (`_flop_formulas.py`),
for `"Global"` and each module running (`module_tracker.ModuleTracker`). The forward is seen by
the engine's op observer; the backward of a counted op by a pre-hook on its node, so the ops a
derivative rule runs are not counted twice. Ops recorded outside the mode count nothing.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from types import TracebackType
from typing import Any

from ..engine import primitive as _primitive
from ..engine.grad_mode import state
from ._flop_formulas import CONVOLUTION_RULES, FORMULAS, conv_flop_count, sdpa_backward_flop_count, sdpa_flop_count
from .module_tracker import ModuleTracker

__all__ = ["FlopCounterMode", "conv_flop_count", "sdpa_flop_count", "sdpa_backward_flop_count"]

_SUFFIXES = ["", "K", "M", "B", "T"]


def get_suffix_str(number: int) -> str:
    """The unit a table shows `number` in: "", "K", "M", "B" or "T" (1.01B shows as 1001M)."""
    return _SUFFIXES[max(0, min(len(_SUFFIXES) - 1, (len(str(number)) - 2) // 3))]


def convert_num_with_suffix(number: int, suffix: str) -> str:
    """`number` in the unit `suffix`, with 3 decimals: `convert_num_with_suffix(1500, "K")` is "1.500K"."""
    return f"{number / 1000 ** _SUFFIXES.index(suffix):.3f}" + suffix


def convert_to_percent_str(num: int, denom: int) -> str:
    """`num / denom` as a percentage with 2 decimals ("0%" when `denom` is 0)."""
    return "0%" if denom == 0 else f"{num / denom:.2%}"


class FlopCounterMode:
    """A context manager that counts the FLOPs of the ops run inside it, forward and backward.

    Args:
        mods: no longer needed (a warning says so, as in PyTorch).
        depth (int): how deep in the module tree the printed table goes (default 2).
        display (bool): print the table when the mode exits (default True).
        custom_mapping (dict, optional): not supported (retrograd's ops are not aten ops).

    Examples:
        >>> from retrograd.utils.flop_counter import FlopCounterMode
        >>> with FlopCounterMode(display=False) as counter:
        ...     _ = retrograd.ones(2, 3) @ retrograd.ones(3, 4)
        >>> counter.get_total_flops()
        48
    """

    def __init__(
        self, mods: Any = None, depth: int = 2, display: bool = True, custom_mapping: dict[Any, Any] | None = None
    ) -> None:
        self.flop_counts: dict[str, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
        self.depth = depth
        self.display = display
        if mods is not None:
            warnings.warn("mods argument is not needed anymore, you can stop passing it", stacklevel=2)
        if custom_mapping:
            raise NotImplementedError("FlopCounterMode: custom_mapping needs aten ops, which retrograd has not")
        self.mod_tracker = ModuleTracker()
        self._active = False
        self._handles: list[Any] = []
        self._outer: Any = None

    def get_total_flops(self) -> int:
        """The FLOPs counted, all modules together."""
        return sum(self.flop_counts["Global"].values())

    def get_flop_counts(self) -> dict[str, dict[Any, int]]:
        """The FLOPs by module name (`"Global"`, `"Net.layer1"`...), then by aten op."""
        return {k: dict(v) for k, v in self.flop_counts.items()}

    def get_table(self, depth: int | None = None) -> str:
        """PyTorch's table: each module to `depth`, its FLOPs and share, then each op's."""
        if depth is None:
            depth = self.depth
        if depth is None:
            depth = 999999
        global_flops = self.get_total_flops()
        global_suffix = get_suffix_str(global_flops)
        subsumed = False

        def process_mod(mod_name: str, depth: int) -> list[list[str]]:
            nonlocal subsumed
            total = sum(self.flop_counts[mod_name].values())
            subsumed |= total >= global_flops
            padding = " " * depth
            rows = [[padding + mod_name, convert_num_with_suffix(total, global_suffix),
                     convert_to_percent_str(total, global_flops)]]
            for k, v in self.flop_counts[mod_name].items():
                rows.append([padding + " - " + str(k), convert_num_with_suffix(v, global_suffix),
                             convert_to_percent_str(v, global_flops)])
            return rows

        values: list[list[str]] = []
        for mod in sorted(self.flop_counts.keys()):
            if mod == "Global":
                continue
            mod_depth = mod.count(".") + 1
            if mod_depth > depth:
                continue
            values.extend(process_mod(mod, mod_depth - 1))
        # "Global" is shown only when some FLOPs are outside every module
        if "Global" in self.flop_counts and not subsumed:
            for value in values:
                value[0] = " " + value[0]
            values = process_mod("Global", 0) + values
        if len(values) == 0:
            values = [["Global", "0", "0%"]]
        return _tabulate(values, ["Module", "FLOP", "% Total"])

    def __enter__(self) -> FlopCounterMode:
        self.flop_counts.clear()
        self.mod_tracker.__enter__()
        self._outer, _primitive.observer = _primitive.observer, self._observe
        self._active = True
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _primitive.observer, self._outer = self._outer, None
        self._active = False
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self.mod_tracker.__exit__()
        if self.display:
            print(self.get_table(self.depth))

    def _count(self, counts: list, parents: Any) -> None:
        for packet, flops in counts:
            for parent in set(parents):
                self.flop_counts[parent][packet] += flops

    def _observe(self, prim: Any, tensors: tuple, outs: tuple, attrs: dict) -> None:
        """The engine's observer: count a forward op, and its node's backward when it runs."""
        if self._outer is not None:
            self._outer(prim, tensors, outs, attrs)
        formulas = FORMULAS.get(prim.name)
        if formulas is None or state.backward_tasks and not state.enabled:
            return  # (an op of a plain backward's derivative rule: its node's hook counts the rule)
        if prim.name == "convolution" and prim.node_name == "ConvolutionBackwardBackward0":
            # a convolution's derivative rule, recorded (create_graph): part of PyTorch's convolution_backward
            formulas = CONVOLUTION_RULES
        out_shape = tuple(outs[0].shape)
        inputs = tuple(_Input(t) for t in tensors)  # the backward hook keeps no tensor alive
        self._count(formulas[0](inputs, attrs, out_shape), self.mod_tracker.parents)
        node = outs[0].grad_fn
        if node is None:
            return
        needs = tuple(t.requires_grad for t in tensors)
        backward = formulas[1]

        def count_backward(grad_outputs: Any) -> None:
            if self._active and not state.enabled:  # (under create_graph the rule's ops count themselves)
                self._count(backward(inputs, attrs, needs, out_shape), self.mod_tracker.parents)

        self._handles.append(node.register_prehook(count_backward))


class _Input:
    """What the formulas read of an input: its shape and whether it requires grad."""

    __slots__ = ("shape", "requires_grad")

    def __init__(self, t: Any) -> None:
        self.shape = tuple(t.shape)
        self.requires_grad = t.requires_grad


def _tabulate(rows: list[list[str]], headers: list[str]) -> str:
    """The table as PyTorch prints it: `tabulate.tabulate(rows, headers, colalign=("left", "right",
    "right"))` where the tabulate package is installed (PyTorch needs it), else the same layout
    written here as its current release (0.10) gives it: cells stripped of their indentation, and
    a column of numbers alone ("48.000") printed as numbers ("48")."""
    try:
        import tabulate
    except ImportError:
        return _simple_table(rows, headers)
    tabulate.PRESERVE_WHITESPACE = True  # type: ignore[attr-defined]  # as PyTorch sets it
    return tabulate.tabulate(rows, headers=headers, colalign=("left", "right", "right"))


def _simple_table(rows: list[list[str]], headers: list[str]) -> str:
    columns = [[row[i].strip() for row in rows] for i in range(len(headers))]
    columns = [[format(float(c), "g") for c in col] if all(map(_is_number, col)) else col for col in columns]
    widths = [max(len(h) + 2, *(len(c) for c in col)) for h, col in zip(headers, columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    body = [line([col[r] for col in columns]) for r in range(len(rows))]
    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *body])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
