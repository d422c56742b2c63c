"""Tensor printing, character for character the same as PyTorch's `repr`.

PyTorch's rules, as this module applies them:

* Tensors with more than `threshold` elements are summarised: along every dimension
  longer than `2 * edgeitems` only the first and last `edgeitems` entries are shown,
  with `...` between them. The formatter only ever sees the summarised entries, so
  printing a huge tensor formats a few dozen numbers.
* One formatter serves the whole tensor: every entry is padded to the width of the
  widest non-zero finite entry. Floats print in one of three modes: integral
  (`12.`), fixed (`1.2346`, `precision` digits) or scientific (`1.2346e+08`), chosen
  from the non-zero finite values (scientific when max/min > 1000, max > 1e8 or
  min < 1e-4, unless `sci_mode` forces it).
* Rows wrap at `linewidth` columns; nested brackets indent by one column per level
  and blocks of rank k are separated by k - 1 blank lines.
* Suffixes follow in PyTorch's order (`size=`, `dtype=`, `grad_fn=` or
  `requires_grad=True`), each moved to its own line when it would pass `linewidth`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from . import dtypes as _dt
from ._display_name import package_name
from .backend import CPU, is_cuda_array, to_device
from .backend.meta import MetaArray
from .backend.sparse import SparseCOO
from .backend.sparse_compressed import SparseCompressed
from .engine import tensor_type as _tt
from .engine.forward_ad import levels
from .engine.grad_mode import state
from .engine.transform_levels import grad_levels, outer_face


class _PrintOptions:
    """The process-wide print options (PyTorch's PRINT_OPTS)."""

    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self) -> None:
        self.precision: int = 4
        self.threshold: float = 1000
        self.edgeitems: int = 3
        self.linewidth: int = 80
        self.sci_mode: bool | None = None

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)}" for name in self.__slots__)
        return f"__PrinterOptions({fields})"


_OPTS = _PrintOptions()

# profile name -> (precision, threshold, edgeitems, linewidth)
_PROFILES: dict[str, tuple[int, float, int, int]] = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set how tensors print; `profile` ('default', 'short', 'full') sets a preset first.

    As in PyTorch, options left as None keep their value, except `sci_mode`, which
    is always set (None lets the formatter choose). An unknown profile is ignored.

    Args:
        precision (int, optional): digits after the decimal point (default 4).
        threshold (float, optional): above this many elements a tensor prints summarised (default 1000).
        edgeitems (int, optional): elements shown at each end of a summarised dim (default 3).
        linewidth (int, optional): characters per line before wrapping (default 80).
        profile (str, optional): 'default', 'short' (precision 2, threshold 1000, edgeitems 2) or
            'full' (never summarise).
        sci_mode (bool, optional): True or False forces scientific notation on or off; None chooses.

    Returns:
        None: later prints use the options (`get_printoptions()` reads them).

    Examples:
        >>> retrograd.set_printoptions(precision=2)
        >>> retrograd.tensor([1.23456, 2.0])
        tensor([1.23, 2.00])
        >>> retrograd.set_printoptions(threshold=5, edgeitems=2)
        >>> retrograd.arange(10)
        tensor([0, 1,  ..., 8, 9])
        >>> retrograd.set_printoptions(profile="default")  # back to the defaults
    """
    if profile in _PROFILES:
        _OPTS.precision, _OPTS.threshold, _OPTS.edgeitems, _OPTS.linewidth = _PROFILES[profile]
    if precision is not None:
        _OPTS.precision = precision
    if threshold is not None:
        _OPTS.threshold = threshold
    if edgeitems is not None:
        _OPTS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTS.linewidth = linewidth
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments for `set_printoptions`."""
    return {name: getattr(_OPTS, name) for name in _PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Change the print options inside a `with` block, restoring them afterwards."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# --- choosing which entries to show -------------------------------------------------------


def _summarized(a: np.ndarray, edge: int) -> np.ndarray:
    """The entries a summarised print shows: `edge` per side of each long dimension."""
    if a.ndim == 0 or (a.ndim == 1 and edge == 0):
        # PyTorch keeps a whole vector when edgeitems is 0 (x[-0:] is all of x)
        return a
    if edge == 0:
        return a[(slice(0, 0),) * a.ndim]
    # one gather of just the shown entries (np.ix_), never a copy of the whole array: a
    # broadcast view of 10^12 elements prints as cheaply as a small tensor
    keep = [np.r_[0:edge, n - edge : n] if n > 2 * edge else np.arange(n) for n in a.shape]
    return a[np.ix_(*keep)]
    return a


# --- formatting the entries ---------------------------------------------------------------


def _float_cells(values: np.ndarray, precision: int) -> tuple[list[str], int]:
    """Entries of a float array as strings (unpadded) and the width they share."""
    flat = values.astype(np.float64, copy=False).ravel()
    keep = np.isfinite(flat) & (flat != 0)
    nonzero = flat[keep]
    pylist = flat.tolist()
    if nonzero.size == 0:
        # nothing decides the mode: integral form, width 1 (PyTorch's defaults)
        return [f"{v:.0f}" + ("." if math.isfinite(v) else "") for v in pylist], 1
    magnitude = np.abs(nonzero)
    lo, hi = float(magnitude.min()), float(magnitude.max())
    int_mode = bool(np.all(nonzero == np.ceil(nonzero)))
    if _OPTS.sci_mode is None:
        sci = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
    else:
        sci = bool(_OPTS.sci_mode)
    if sci:
        cells = [f"{v:.{precision}e}" for v in pylist]
    elif int_mode:
        cells = [f"{v:.0f}" + ("." if math.isfinite(v) else "") for v in pylist]
    else:
        cells = [f"{v:.{precision}f}" for v in pylist]
    # only non-zero finite entries set the width; zeros, nan and inf are padded to it
    width = max(len(cells[i]) for i in np.flatnonzero(keep).tolist())
    return cells, max(width, 1)


def _cells(values: np.ndarray) -> tuple[list[str], int]:
    """Every entry of `values` (C order) as a right-aligned string, and their width."""
    if values.dtype.kind == "c":
        return _complex_cells(values)
    if values.dtype.kind == "f":
        cells, width = _float_cells(values, _OPTS.precision)
    else:
        cells = [str(v) for v in values.ravel().tolist()]
        width = max([1, *map(len, cells)])
    return [c.rjust(width) for c in cells], width


def _complex_cells(values: np.ndarray) -> tuple[list[str], int]:
    """Complex entries as `re+imj`: real parts padded to their shared width, imaginary ones not.

    The width PyTorch wraps rows by counts both parts' widths and the `j`.
    """
    real, real_width = _float_cells(values.real, _OPTS.precision)
    imag, imag_width = _float_cells(values.imag, _OPTS.precision)
    cells = []
    for r, i in zip(real, imag):
        im = i + "j"
        cells.append(r.rjust(real_width) + (im if im[0] in "+-" else "+" + im))
    return cells, real_width + imag_width + 1


# --- laying out the brackets --------------------------------------------------------------


def _vector(items: list[str], cut: bool, indent: int, width: int) -> str:
    """One innermost row, wrapped to `linewidth` with continuation lines under `[`."""
    per_line = max(1, math.floor((_OPTS.linewidth - indent) / (width + 2)))
    if cut:
        edge = _OPTS.edgeitems
        items = items[:edge] + [" ..."] + items[edge:]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _layout(cells: list[str], shown: tuple, shape: tuple, summarize: bool, indent: int, width: int) -> str:
    """Nest the formatted entries (of the shown shape) into PyTorch's bracket layout.

    Built from the innermost rows outwards: level d holds blocks of rank ndim - d,
    indented by `indent + d` and separated by ndim - d - 1 blank lines.
    """
    ndim, edge = len(shape), _OPTS.edgeitems
    if summarize and edge == 0:
        return "[...]"
    cut = [summarize and n > 2 * edge for n in shape]
    m = shown[-1]
    inner = indent + ndim - 1
    blocks = [_vector(cells[i : i + m], cut[-1], inner, width) for i in range(0, len(cells), m)]
    for d in range(ndim - 2, -1, -1):
        n = shown[d]
        sep = "," + "\n" * (ndim - d - 1) + " " * (indent + d + 1)
        grouped = []
        for i in range(0, len(blocks), n):
            group = blocks[i : i + n]
            if cut[d]:
                group = group[:edge] + ["..."] + group[edge:]
            grouped.append("[" + sep.join(group) + "]")
        blocks = grouped
    return blocks[0]


def _body(a: np.ndarray, indent: int) -> str:
    """The bracketed contents of a non-empty array, as PyTorch prints them."""
    summarize = a.size > _OPTS.threshold
    shown = _summarized(a, _OPTS.edgeitems) if summarize else a
    cells, width = _cells(shown)
    if a.ndim == 0:
        return cells[0]
    return _layout(cells, shown.shape, a.shape, summarize, indent, width)


# --- the whole repr -----------------------------------------------------------------------


def _add_suffixes(text: str, suffixes: list[str], indent: int, newline: bool = False) -> str:
    """Append `, suffix` items, each on a new line when it would pass `linewidth` (the first one
    always with `newline`: a sparse tensor's)."""
    parts = [text]
    # PyTorch's measure of the last line (one more than its length, two without "\n")
    last = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        # line breaks fall where PyTorch's would: measure dtypes and layouts as `torch.<name>`
        width = len(suffix) - suffix.count(_DTYPE_PREFIX) * _EXTRA if package_name() == "retrograd" else len(suffix)
        if package_name() == "retrograd" and suffix.startswith("layout="):
            width -= _EXTRA
        if newline or last + width + 2 > _OPTS.linewidth:
            newline = False
            parts.append(",\n" + " " * indent + suffix)
            last = indent + width
        else:
            parts.append(", " + suffix)
            last += width + 2
    parts.append(")")
    return "".join(parts)


def _is_parameter_class(cls: type) -> bool:
    # (retrograd's nn.Parameter: its module reads `torch.nn.parameter` under the alias)
    return cls.__name__ == "Parameter" and cls.__module__ == package_name() + ".nn.parameter"


def _grad_suffix(t: Any) -> str | None:
    """`grad_fn=<Name>`, `requires_grad=True` or None; never touches `.grad`."""
    try:
        node = t.grad_fn  # the property: re-derives a view's node after in-place changes
    except RuntimeError:
        return "grad_fn=<Invalid>"
    if node is not None:  # a C++ node's qualified name loses its namespace, as PyTorch prints it
        return f"grad_fn=<{node.name().rsplit('::', 1)[-1]}>"
    return "requires_grad=True" if t._requires_grad else None


def _tangent(t: Any) -> Any:
    """The forward-mode tangent a dual tensor carries inside a dual level, else None."""
    return getattr(t, "_fw_grad", None) if levels.level is not None else None


_DTYPE_PREFIX = "dtype=retrograd."
_EXTRA = len("retrograd.") - len("torch.")


def tensor_repr(t: Any) -> str:
    """PyTorch's repr of a tensor, e.g. `tensor([1., 2.], dtype=retrograd.float64)`."""
    if state.capture_scope is not None and not _unwrapped[0]:  # a func transform runs: PyTorch shows its wrappers
        return wrapped_repr(t)
    return _plain_repr(t)


_unwrapped = [False]  # printing a transform's input as the caller's own tensor (no wrappers)


def wrapped_repr(t: Any, below: int | None = None) -> str:
    """`t` as PyTorch prints it inside func transforms: a `GradTrackingTensor` per grad-like level
    and a `BatchedTensor` per vmap level wrapping it, the highest level outermost (levels from
    `below` up are printed by the caller). Outside every transform, the plain repr."""
    batch = getattr(t, "_level", 0)
    if batch:
        text = wrapped_repr(t._value, batch)
    elif (face := outer_face[0](t)) is not None and face is not t and face.grad_fn is None:
        _unwrapped[0] = True  # a transform's view of the caller's leaf: PyTorch shows the leaf (a Parameter...)
        try:
            text = repr(face)
        finally:
            _unwrapped[0] = False
    else:
        text = _plain_repr(t)
    if batch:
        text = _wrapper(f"BatchedTensor(lvl={batch}, bdim=0", text)
    for level in grad_levels(t):
        if level > batch and (below is None or level < below):
            text = _wrapper(f"GradTrackingTensor(lvl={level}", text)
    return text


def _wrapper(head: str, inner: str) -> str:
    # PyTorch indents the wrapped value's lines (not the blank ones) by four spaces
    body = "\n".join("    " + line if line else line for line in inner.split("\n"))
    return f"{head}, value=\n{body}\n)"


def _plain_repr(t: Any) -> str:
    # Tensor and Parameter print as `tensor(`; other subclasses by their class name
    plain = type(t) is _tt.Tensor or _is_parameter_class(type(t))
    prefix = "tensor(" if plain else f"{type(t).__name__}("
    indent = len(prefix)
    if type(t._data) is MetaArray:  # no values to show; PyTorch names every dtype but the default
        text, suffixes = "...", ["device='meta'", f"size={tuple(t._data.shape)}"]
        if t.dtype is not _dt.get_default_dtype():
            suffixes.append(f"dtype={t.dtype!r}")
    elif type(t._data) is SparseCOO:
        text, suffixes = _sparse_parts(t, indent)
    elif type(t._data) is SparseCompressed:
        text, suffixes = _compressed_parts(t, indent)
    else:
        text, suffixes = _values_and_suffixes(t, indent)
    if state.capture_scope is None or _unwrapped[0]:
        grad = _grad_suffix(t)
    else:  # the autograd state outside every transform (the transforms' own is in their wrappers)
        face = outer_face[0](t)
        grad = None if face is None else _grad_suffix(face)
    if grad is not None:
        suffixes.append(grad)
    tangent = _tangent(t)
    if tangent is not None:
        suffixes.append(f"tangent={tangent}")  # 0-d tangents print as numbers
    out = _add_suffixes(prefix + text, suffixes, indent, newline=type(t._data) is SparseCOO)
    if not plain and any(_is_parameter_class(c) for c in type(t).__mro__):
        out = f"Parameter({out})"
    return out


def _values_and_suffixes(t: Any, indent: int) -> tuple[str, list[str]]:
    """The printed values of a tensor with data, and the suffixes they call for (device, size, dtype)."""
    on_device = is_cuda_array(t._data)
    a = to_device(t._data, CPU) if on_device else np.asarray(t._data)  # printing copies to the host
    if a.dtype is _dt.BFLOAT16_NP:  # formatted from its (exact) float32 values, as PyTorch does
        a = a.astype(np.float32)
    dtype, default = t.dtype, _dt.get_default_dtype()
    suffixes = [f"device='{t.device}'"] if on_device else []
    if a.size == 0:
        # no entries reveal the dtype, so anything but the default float is named
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dtype is not default:
            suffixes.append(f"dtype={dtype!r}")
        return "[]", suffixes
    if not _OPTS.edgeitems:
        suffixes.append(f"size={tuple(a.shape)}")
    if dtype not in (default, default.to_complex(), _dt.int64, _dt.bool_):
        suffixes.append(f"dtype={dtype!r}")
    return _body(a, indent), suffixes


def _compressed_parts(t: Any, indent: int) -> tuple[str, list[str]]:
    """`crow_indices=tensor(...),\n col_indices=tensor(...),\n values=tensor(...)` (CSC: ccol_, row_)
    and the suffixes of a sparse compressed tensor (which wrap by width, unlike a COO tensor's)."""
    data = t._data
    names = ("crow_indices", "col_indices") if data.by_rows else ("ccol_indices", "row_indices")
    suffixes = [f"size={tuple(data.shape)}", f"nnz={data.nnz}"]
    if t.dtype not in (_dt.get_default_dtype(), _dt.get_default_dtype().to_complex(), _dt.int64, _dt.bool_):
        suffixes.append(f"dtype={t.dtype!r}")
    parts = []
    for name, a in zip((*names, "values"), (data.compressed, data.plain, data.values)):
        head = f"{name}=tensor("
        body = _body(a, indent + len(head)) if a.size else "[]"
        if not a.size:
            body += f", size={tuple(a.shape)}"
        parts.append(head + body + ")")
    suffixes.append(f"layout={package_name()}.{data.layout}")
    return (",\n" + " " * indent).join(parts), suffixes


def _sparse_parts(t: Any, indent: int) -> tuple[str, list[str]]:
    """`indices=tensor(...),\n values=tensor(...)` and the suffixes of a sparse COO tensor."""
    data = t._data
    parts = []
    for name, a in (("indices", data.indices), ("values", data.values)):
        head = f"{name}=tensor("
        body = _body(a, indent + len(head)) if a.size else "[]"
        if not a.size:
            body += f", size={tuple(a.shape)}"
        parts.append(head + body + ")")
    suffixes = [f"size={tuple(data.shape)}", f"nnz={data.nnz}"]
    dtype = t.dtype
    if dtype not in (_dt.get_default_dtype(), _dt.get_default_dtype().to_complex(), _dt.int64, _dt.bool_):
        suffixes.append(f"dtype={dtype!r}")
    suffixes.append(f"layout={package_name()}.sparse_coo")
    return (",\n" + " " * indent).join(parts), suffixes
