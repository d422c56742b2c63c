"""`save` and `load`, compatible with `torch.save` and `torch.load`.

`save` writes PyTorch's zip checkpoint format (see `_torch_save`), so `torch.load(f,
weights_only=True)` reads the state dicts and checkpoints retrograd saves; it pickles
whatever `torch.save` would (whole modules and optimizers, NumPy arrays, any picklable
object). As `torch.save`, it writes that format whatever the file's name: a `.safetensors`
path gets a zip checkpoint too (a safetensors file cannot hold the non-tensor entries, and
PyTorch reading one would lose them). Saving to a path is atomic: the checkpoint is written
to a temporary file in the same folder, then renamed over the target, so a failed save never
destroys the file that was there.

`save(..., _use_new_zipfile_serialization=False)` writes PyTorch's legacy format instead (see
`_torch_legacy`).

`load` recognises the format by its first bytes, not the extension: PyTorch zip
checkpoints (from `torch.save` or `save`), legacy ones (PyTorch before 1.6, or
`_use_new_zipfile_serialization=False`), and safetensors files (flat ones from
`safetensors`' `save_file`, and the nested ones older retrograd versions wrote). As in
PyTorch >= 2.6, `weights_only=True` is the default: the pickle is read by an interpreter
that rebuilds only tensors, dtypes and plain containers (plus what `add_safe_globals`
allows) and checks every declared size before reading or allocating; any
malformed or refused file raises `CheckpointError` naming it. `weights_only=False` unpickles
anything, for files you trust. Tensors live on the CPU; bfloat16 tensors load as bfloat16
(as float32, exactly, where the ml_dtypes package is missing).
"""

from __future__ import annotations

import io
import os
import pickle
import secrets
import warnings
from collections.abc import Callable
from typing import IO, Any

from ._display_name import package_name
from ._pickle_globals import globals_in_pickle
from ._safetensors_format import read_safetensors
from ._torch_legacy import is_legacy_checkpoint, read_legacy, write_legacy
from ._torch_pickle import read_data_pickle, read_torch_zip, weights_only_tables
from ._torch_save import torch_spelling, write_torch_zip
from ._weights_only import CheckpointError, EmptyCheckpointError
from .backend import as_device, cuda_backend
from .backend import device as _device
from .storage import TypedStorage, UntypedStorage
from .tensor import Tensor

__all__ = ["DEFAULT_PROTOCOL", "CheckpointError", "add_safe_globals", "clear_safe_globals", "get_safe_globals",
           "get_unsafe_globals_in_checkpoint", "load", "safe_globals", "save"]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
FileLike = str | os.PathLike | IO[bytes]
# what `load` accepts as map_location (Pyro's param store annotates with it)
_Storage = TypedStorage | UntypedStorage
# the pickle protocol `save` writes unless told otherwise (MONAI's StateCacher imports it)
DEFAULT_PROTOCOL = 2
MAP_LOCATION = Callable[[_Storage, str], _Storage] | _device | str | dict[str, str] | None


# --- save ------------------------------------------------------------------------------------

def _write_atomically(path: str | os.PathLike, write: Callable[[IO[bytes]], None]) -> None:
    """Run `write` on a new file next to `path`, then rename it over `path`: a failure leaves
    whatever was at `path` untouched. A symlink's target is replaced; an existing file's
    permissions are kept."""
    target = os.path.realpath(path)
    if os.path.isdir(target):
        raise IsADirectoryError(21, "Is a directory", os.fspath(path))
    temporary = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _archive_name(path: str | os.PathLike) -> str:
    """The folder inside the zip: the file's name without its extension, as torch.save does."""
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    return stem if stem and stem.isprintable() and "/" not in stem and "\\" not in stem else "archive"


def save(obj: Any, f: FileLike, pickle_module: Any = pickle, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False) -> None:
    """Save `obj` (a state dict, a whole module or optimizer, any picklable object) to `f`.

    The file is in PyTorch's checkpoint format (`torch.load` reads it), whatever its name
    (as `torch.save`; write safetensors files with the `safetensors` package). Writing to a
    path is atomic. Objects of retrograd's own classes (a whole `nn.Module`, an
    optimizer) are pickled under PyTorch's names for them (`torch.nn.Conv2d`), so
    `torch.load(f, weights_only=False)` rebuilds them as PyTorch's own and `load` as retrograd's;
    loading them needs `weights_only=False`.

    Args:
        obj (object): what to save, usually `model.state_dict()`.
        f (str or PathLike or binary file): where to write.
        pickle_module (module): `pickle`, or a module whose `Pickler` derives from `pickle.Pickler`
            (cloudpickle, which fastai's `learn.export` uses): its reducers pickle what retrograd's leave.
        pickle_protocol (int): the pickle protocol (default 2, as in PyTorch).
        _use_new_zipfile_serialization (bool): False writes PyTorch's legacy (pre-1.6) format,
            which any PyTorch version loads (not memory-mappable).
        _disable_byteorder_record (bool): leave out the byte-order record, as in PyTorch.

    Returns:
        None: the checkpoint is in `f`.

    Examples:
        >>> import io
        >>> buffer = io.BytesIO()
        >>> retrograd.save({"w": retrograd.tensor([1.0, 2.0])}, buffer)
        >>> _ = buffer.seek(0)
        >>> retrograd.load(buffer)
        {'w': tensor([1., 2.])}
    """
    if pickle_module is None:
        pickle_module = pickle
    if pickle_module is not pickle and not issubclass(getattr(pickle_module, "Pickler", object), pickle.Pickler):
        raise NotImplementedError(
            "retrograd.save pickles with the standard pickle module or one whose Pickler derives from pickle.Pickler "
            f"(cloudpickle), not {getattr(pickle_module, '__name__', pickle_module)!r}"
        )
    is_path = isinstance(f, (str, os.PathLike))

    def write(out: IO[bytes], name: str) -> None:
        if _use_new_zipfile_serialization:
            write_torch_zip(obj, out, name, pickle_protocol, not _disable_byteorder_record, pickle_module)
        else:
            write_legacy(obj, out, pickle_protocol, pickle_module)

    if is_path:
        parent = os.path.dirname(os.fspath(f))  # type: ignore[arg-type]
        if parent and not os.path.isdir(parent):  # PyTorch's words, before any temporary file is made
            raise RuntimeError(f"Parent directory {parent} does not exist.")
        _write_atomically(f, lambda out: write(out, _archive_name(f)))  # type: ignore[arg-type]
        return
    buffer = io.BytesIO()  # all or nothing: f is written only once the checkpoint is complete
    write(buffer, "archive")
    f.write(buffer.getbuffer())  # type: ignore[union-attr]


# --- safe globals ----------------------------------------------------------------------------

_SAFE_GLOBALS: list[Any] = []


def _check_safe_global(entry: Any) -> None:
    if isinstance(entry, tuple):
        if len(entry) != 2:
            raise ValueError(f"Expected tuple of length 2 (global, str of callable full path), but got tuple "
                             f"of length: {len(entry)}")
        if type(entry[1]) is not str:
            raise TypeError(f"Expected second item in tuple to be str of callable full path, but got: "
                            f"{type(entry[1])}")
    elif not hasattr(entry, "__module__") or not hasattr(entry, "__qualname__"):
        raise TypeError(f"a safe global must be a class or function (or a (global, 'module.name') tuple), "
                        f"got {entry!r}")


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow weights-only loads to use these classes or functions, named in checkpoints by
    `module.qualname`, or by the name given in a `(global, "module.name")` tuple."""
    for entry in safe_globals:
        _check_safe_global(entry)
        if entry not in _SAFE_GLOBALS:
            _SAFE_GLOBALS.append(entry)


def get_safe_globals() -> list[Any]:
    """The globals added with `add_safe_globals`."""
    return list(_SAFE_GLOBALS)


def clear_safe_globals() -> None:
    """Forget every global added with `add_safe_globals`."""
    _SAFE_GLOBALS.clear()


class safe_globals:  # noqa: N801  (PyTorch's name)
    """A context manager that allows these globals for weights-only loads inside it."""

    def __init__(self, safe_globals: list[Any]) -> None:
        self.safe_globals = safe_globals

    def __enter__(self) -> None:
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc: object) -> None:
        for entry in self.safe_globals:
            if entry in _SAFE_GLOBALS:
                _SAFE_GLOBALS.remove(entry)


def _user_globals() -> dict[str, Any]:
    named: dict[str, Any] = {}
    for entry in _SAFE_GLOBALS:
        if isinstance(entry, tuple):
            named[entry[1]] = entry[0]
        else:
            named[f"{entry.__module__}.{entry.__qualname__}"] = entry
            for spelling in _torch_spellings(entry):
                named.setdefault(spelling, entry)
    return named


def _torch_spellings(entry: Any) -> list[str]:
    """The names PyTorch's files give retrograd's class or function `entry`: its path under
    `torch` (as `torch.save` writes it) and its public name (as `retrograd.save` writes it)."""
    module = getattr(entry, "__module__", None)
    if not isinstance(module, str) or module.split(".")[0] != "retrograd":
        return []
    public = torch_spelling(entry)
    names = [f"torch{module[len('retrograd'):]}.{entry.__qualname__}"]
    return names + ([".".join(public)] if public is not None else [])


def get_unsafe_globals_in_checkpoint(f: FileLike) -> list[str]:
    """The `module.name` of each class or function the checkpoint `f` names that a weights-only
    load would refuse (neither allowed by default nor with `add_safe_globals`).

    The pickle is read statically, nothing in it runs: what it builds at load time from other
    objects is not seen. Raises `ValueError` for anything but a `torch.save` zip checkpoint.

    Examples:
        >>> import io
        >>> buffer = io.BytesIO()
        >>> retrograd.save({"w": retrograd.ones(2), "tags": frozenset(["a"])}, buffer)
        >>> _ = buffer.seek(0)
        >>> retrograd.serialization.get_unsafe_globals_in_checkpoint(buffer)
        ['builtins.frozenset']
    """
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as stream:
            return _unsafe_globals(stream, os.fspath(f))
    return _unsafe_globals(f, str(getattr(f, "name", "<file object>")))


def _unsafe_globals(stream: IO[bytes], source: str) -> list[str]:
    start = stream.tell()
    head = stream.read(4)
    stream.seek(start)
    if head not in _ZIP_MAGIC:
        raise ValueError("Expected input to be a checkpoint returned by torch.save")
    allowed, _, _ = weights_only_tables(_user_globals())
    return [name for name in globals_in_pickle(read_data_pickle(stream, source)) if name not in allowed]


# --- load ------------------------------------------------------------------------------------

def _placer(map_location: Any, source: str) -> Callable[[Tensor, str], Tensor]:
    """`place(storage, saved_location)` for `map_location` (None, a device, a dict of
    location renames, or a callable `(storage, location) -> storage or None`)."""

    def place(storage: Tensor, location: str) -> Tensor:
        if callable(map_location):
            moved = map_location(storage, location)
            if moved is not None and not isinstance(moved, Tensor):
                raise RuntimeError(f"map_location returned a {type(moved).__name__}; expected a tensor or None")
            return storage if moved is None else moved
        if map_location is None:
            target = location
        elif isinstance(map_location, dict):
            target = map_location.get(location, location)
        else:
            target = map_location
        if isinstance(target, (str, _device)):
            _refuse_cuda_without_backend(target)  # a checkpoint saved on a GPU, loaded without map_location
        try:
            dev = as_device(target)
        except (RuntimeError, AssertionError) as e:  # AssertionError: "cuda"
            raise RuntimeError(
                f"{source}: can't place a tensor saved on '{location}' on '{target}': {e} "
                "Use map_location='cpu'."
            ) from None
        if dev.type in ("cuda", "meta"):  # storages are read on the host; the tensors move after (_to_device)
            devices.add(dev)
        return storage

    devices: set[Any] = set()
    place.devices = devices  # type: ignore[attr-defined]

    return place


def _refuse_cuda_without_backend(target: str | _device) -> None:
    """PyTorch's RuntimeError for loading onto a CUDA device where there is none."""
    if str(target).split(":")[0] == "cuda" and cuda_backend() is None:
        lib = package_name()  # `torch` where retrograd stands in for it
        raise RuntimeError(
            f"Attempting to deserialize object on a CUDA device but {lib}.cuda.is_available() is False. "
            f"If you are running on a CPU-only machine, please use {lib}.load with "
            f"map_location={lib}.device('cpu') to map your storages to the CPU."
        )


def _detect(head: bytes, source: str) -> str:
    """'zip' (torch.save), 'legacy' (torch.save before PyTorch 1.6) or 'safetensors', from the
    first bytes of the file."""
    if not head:
        raise EmptyCheckpointError(f"{source}: the file is empty")
    if head[:4] in _ZIP_MAGIC:
        return "zip"
    if is_legacy_checkpoint(head):
        return "legacy"
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    raise CheckpointError(
        f"{source}: not a checkpoint retrograd can read (expected a safetensors file or a "
        f"PyTorch zip archive from torch.save; the file starts with {head[:8]!r})"
    )


def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *, weights_only: bool | None = None,
         mmap: bool | None = None, **pickle_load_args: Any) -> Any:
    """Load what `save` (or `torch.save`, or `safetensors` `save_file`) wrote to `f`.

    With `weights_only=True` (the default, as in PyTorch >= 2.6) only tensors, dtypes, plain
    containers and the globals allowed with `add_safe_globals` are rebuilt; a file naming
    anything else, or malformed in any way, raises `CheckpointError` (a
    `pickle.UnpicklingError`) naming the file, without running anything. `weights_only=False`
    unpickles any object: only for files you trust.

    Args:
        f (str or PathLike or binary file): the checkpoint to read.
        map_location (str or device or dict or callable, optional): checked; tensors are loaded
            onto the CPU.
        pickle_module (module, optional): only the standard `pickle` module is supported.
        weights_only (bool, optional): rebuild only tensors and plain data (default True, False
            when `pickle_module` is given). The environment variable `TORCH_FORCE_WEIGHTS_ONLY_LOAD=1`
            forces True; `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1` makes the default False (with a warning).
        mmap (bool, optional): accepted for a file path in the zip format (as PyTorch, which
            refuses other `f` and legacy files); the file is read into memory.
        **pickle_load_args: passed on to the unpickler (such as `encoding`).

    Returns:
        object: the saved object, e.g. a state dict to hand to `load_state_dict`.

    Examples:
        >>> import io
        >>> buffer = io.BytesIO()
        >>> retrograd.save([retrograd.arange(3), 7], buffer)
        >>> _ = buffer.seek(0)
        >>> retrograd.load(buffer, weights_only=True)
        [tensor([0, 1, 2]), 7]
    """
    weights_only = _weights_only_setting(weights_only, pickle_module)
    if pickle_module is not None and weights_only:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("retrograd.load unpickles with the standard pickle module only")
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if pickle_load_args:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(pickle_load_args)}")
    if isinstance(map_location, (str, _device)):
        _refuse_cuda_without_backend(map_location)
    if isinstance(map_location, (str, _device)):
        as_device(map_location)
    options = {"weights_only": weights_only, "encoding": encoding}
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as stream:
            return _load_stream(stream, os.fspath(f), map_location, options, _mmap_refusal(f, mmap))
    return _load_stream(f, str(getattr(f, "name", "<file object>")), map_location, options, _mmap_refusal(f, mmap))


def _weights_only_setting(weights_only: bool | None, pickle_module: Any) -> bool:
    """`load`'s weights_only: PyTorch's default (True unless a pickle_module is given) and its overrides.

    `TORCH_FORCE_WEIGHTS_ONLY_LOAD` forces True; `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` turns the default
    (not an explicit weights_only) to False, as old checkpoints of frameworks like mmengine need.
    """
    truthy = ("1", "y", "yes", "true")
    force = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    force_no = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in truthy
    if force and force_no:
        raise RuntimeError("Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
                           "should be set, but both were set.")
    if force:
        return True
    if weights_only is not None:
        return weights_only
    if force_no:
        warnings.warn("Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the`weights_only` "
                      "argument was not explicitly passed to `torch.load`, forcing weights_only=False.",
                      UserWarning, stacklevel=3)
        return False
    return pickle_module is None


def _mmap_refusal(f: FileLike, mmap: bool | None) -> Callable[[str], Exception | None]:
    """What `load(f, mmap=mmap)` raises for a file of this kind, if anything (PyTorch's words)."""

    def refusal(kind: str) -> Exception | None:
        if not mmap:
            return None
        if kind == "legacy":
            named = f"{f}, " if isinstance(f, str) else ""
            return RuntimeError(
                f"mmap can only be used with files saved with `{package_name()}.save({named}"
                f"_use_new_zipfile_serialization=True), please {package_name()}.save your checkpoint with this "
                "option in order to use mmap."
            )
        if not isinstance(f, (str, os.PathLike)):  # PyTorch maps only a file it opens by name
            return ValueError("f must be a file path in order to use the mmap argument")
        return None

    return refusal


def _load_stream(stream: IO[bytes], source: str, map_location: Any, options: dict[str, Any],
                 mmap_refusal: Callable[[str], Exception | None]) -> Any:
    start = stream.tell()
    head = stream.read(32)
    stream.seek(start)
    place = _placer(map_location, source)
    kind = _detect(head, source)
    refused = mmap_refusal(kind)
    if refused is not None:
        raise refused
    if kind == "zip":
        obj = read_torch_zip(stream, source, place, user_globals=_user_globals(), **options)
    elif kind == "legacy":
        obj = read_legacy(stream, source, place, user_globals=_user_globals(), **options)
    else:
        obj = read_safetensors(stream.read(), source)
        if map_location is not None:
            _place_all(obj, place)
    for dev in place.devices:  # type: ignore[attr-defined]
        obj = _to_device(obj, dev)
    return obj


def _to_device(obj: Any, dev: Any) -> Any:
    """`obj` with its tensors moved to device `dev` (CUDA or meta; containers rebuilt, Parameters kept)."""
    if isinstance(obj, Tensor):
        if obj.device.type == dev.type:
            return obj
        if type(obj) is not Tensor:  # Parameter and subclasses: move the data, keep the object
            obj.data = obj.data.to(dev)
            return obj
        return obj.detach().to(dev).requires_grad_(obj.requires_grad)
    if isinstance(obj, dict):
        for key in list(obj):
            obj[key] = _to_device(obj[key], dev)
        return obj
    if isinstance(obj, list):
        obj[:] = [_to_device(v, dev) for v in obj]
        return obj
    if type(obj) is tuple:
        return tuple(_to_device(v, dev) for v in obj)
    return obj


def _place_all(obj: Any, place: Callable[[Tensor, str], Tensor]) -> None:
    """Run `place` on each tensor of a loaded safetensors object (all saved on the CPU)."""
    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            moved = place(x, "cpu")
            if moved is not x:
                x._data = moved._data
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
