"""`torch.hub`: checkpoints downloaded once into a cache, and models from a repository's `hubconf.py`.

`load_state_dict_from_url(url)` keeps the file under `<hub dir>/checkpoints` (the hub dir is
`$TORCH_HOME/hub`, by default `~/.cache/torch/hub`, the folder PyTorch uses, so checkpoints
PyTorch downloaded are found) and loads it with `torch.load`. `load(repo, model)` imports the
repository's `hubconf.py` (a local folder with `source="local"`, or a GitHub repository fetched
as a zip archive) and calls its entry point `model`.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any
from urllib.parse import urlparse
from urllib.request import Request, urlopen

from .serialization import load as _load_file
from .utils.model_zoo import tqdm  # noqa: F401  (`torch.hub.tqdm`: torchvision's downloads use it)

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")  # `name-<sha256 prefix>.pth`: the prefix check_hash verifies
_CHUNK = 128 * 1024
_HUBCONF = "hubconf.py"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
_hub_dir: str | None = None


def get_dir() -> str:
    """The hub's cache folder: `set_dir`'s, else `$TORCH_HOME/hub` (`$XDG_CACHE_HOME/torch/hub`, `~/.cache/torch/hub`).

    Returns:
        str: the folder (it may not exist yet).

    Examples:
        >>> import os
        >>> retrograd.hub.get_dir().endswith(os.path.join("torch", "hub")) or "TORCH_HOME" in os.environ
        True
    """
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def _get_torch_home() -> str:
    """`$TORCH_HOME`, else `$XDG_CACHE_HOME/torch` (`~/.cache/torch`): torchvision keeps its datasets under it."""
    cache = os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR)
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(cache, "torch")))


def set_dir(d: str | os.PathLike) -> None:
    """Use folder `d` as the hub's cache from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Download `url` to the file `dst` (through a temporary file, moved into place when complete).

    Args:
        url (str): what to fetch (http(s), or file:// for a local file).
        dst (str): where to put it.
        hash_prefix (str, optional): the SHA-256 digest must start with it, else RuntimeError.
        progress (bool): print the progress on stderr (default True).

    Returns:
        None

    Examples:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> (folder / "a.txt").write_text("hi")
        2
        >>> retrograd.hub.download_url_to_file((folder / "a.txt").as_uri(), str(folder / "b.txt"), progress=False)
        >>> (folder / "b.txt").read_text()
        'hi'
    """
    dst = os.path.expanduser(dst)
    partial = f"{dst}.{uuid.uuid4().hex}.partial"
    digest = hashlib.sha256()
    try:
        with urlopen(Request(url, headers={"User-Agent": "torch.hub"})) as source, open(partial, "wb") as out:
            length = source.info().get("Content-Length")
            of_total = f" of {int(length) / 2**20:.1f} MiB" if length else ""
            done = 0
            while chunk := source.read(_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    sys.stderr.write(f"\r{done / 2**20:.1f} MiB{of_total}")
        if progress:
            sys.stderr.write("\n")
        if hash_prefix is not None and not digest.hexdigest().startswith(hash_prefix):
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest.hexdigest()}")')
        shutil.move(partial, dst)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location: Any = None, progress: bool = True,
                             check_hash: bool = False, file_name: str | None = None,
                             weights_only: bool = False) -> Any:
    """Load the checkpoint at `url`, downloading it into the cache the first time.

    Args:
        url (str): the checkpoint's address.
        model_dir (str, optional): the cache folder (default `<hub dir>/checkpoints`).
        map_location: as for `torch.load`.
        progress (bool): show the download's progress (default True).
        check_hash (bool): verify the SHA-256 prefix in the file name (`name-<prefix>.pth`).
        file_name (str, optional): the cached file's name (default: the URL's).
        weights_only (bool): as for `torch.load` (default False, as in PyTorch's hub).

    Returns:
        what `torch.load` returns, usually a state dict.

    Examples:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> retrograd.save({"w": retrograd.ones(2)}, str(folder / "tiny.pt"))
        >>> sd = retrograd.hub.load_state_dict_from_url((folder / "tiny.pt").as_uri(), model_dir=str(folder / "cache"))
        Downloading: "file://.../tiny.pt" to .../cache/tiny.pt
        >>> sd["w"]
        tensor([1., 1.])
    """
    model_dir = model_dir if model_dir is not None else os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        sys.stdout.write(f'Downloading: "{url}" to {cached}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached, match.group(1) if match else None, progress=progress)
    if zipfile.is_zipfile(cached) and _is_legacy_zip(cached):
        with zipfile.ZipFile(cached) as z:  # a checkpoint zipped by hand: one file inside
            (member,) = z.infolist()
            z.extractall(model_dir)
        cached = os.path.join(model_dir, member.filename)
    return _load_file(cached, map_location=map_location, weights_only=weights_only)


def _is_legacy_zip(path: str) -> bool:
    """A zip holding one plain file (the old way to ship a checkpoint), not a `torch.save` archive."""
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        return len(infos) == 1 and not infos[0].is_dir() and "/" not in infos[0].filename


# --- hubconf.py entry points -----------------------------------------------------------------------


def load(repo_or_dir: str, model: str, *args: Any, source: str = "github", trust_repo: Any = None,
         force_reload: bool = False, verbose: bool = True, skip_validation: bool = False, **kwargs: Any) -> Any:
    """Call entry point `model` of a repository's `hubconf.py` with `*args, **kwargs`.

    Args:
        repo_or_dir (str): `"owner/repo[:ref]"` (source "github") or a folder (source "local").
        model (str): the entry point's name.
        source (str): "github" or "local".
        trust_repo (bool, str or None): for GitHub, False refuses a repository not trusted before,
            "check" asks, True and None trust it (None with a warning); it is then remembered.
        force_reload (bool): fetch the repository again even if cached.
        verbose (bool): say when the cache is used.
        skip_validation (bool): accepted as PyTorch's (retrograd does not query GitHub's API).

    Returns:
        what the entry point returns, usually a model.

    Examples:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "hubconf.py").write_text("def double(k=2):\\n    return lambda x: x * k\\n")
        >>> retrograd.hub.load(str(folder), "double", source="local", k=3)(2)
        6
    """
    folder = _repository(repo_or_dir, source, trust_repo, force_reload, verbose)
    with _on_path(folder):
        entry = _entry(_hubconf(folder), model)
        return entry(*args, **kwargs)


def list(github: str, force_reload: bool = False, skip_validation: bool = False, trust_repo: Any = None,
         verbose: bool = True, source: str = "github") -> builtins.list[str]:  # noqa: A001 - PyTorch's name
    """The names of the entry points a repository's `hubconf.py` offers (its public callables)."""
    folder = _repository(github, source, trust_repo, force_reload, verbose)
    with _on_path(folder):
        module = _hubconf(folder)
    return [name for name in dir(module) if callable(getattr(module, name)) and not name.startswith("_")]


def help(github: str, model: str, force_reload: bool = False, skip_validation: bool = False,  # noqa: A001
         trust_repo: Any = None, source: str = "github") -> str | None:
    """The docstring of entry point `model`."""
    folder = _repository(github, source, trust_repo, force_reload, True)
    with _on_path(folder):
        return _entry(_hubconf(folder), model).__doc__


def _repository(repo_or_dir: str, source: str, trust_repo: Any, force_reload: bool, verbose: bool) -> str:
    if source == "local":
        return repo_or_dir
    if source != "github":
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    return _github_checkout(repo_or_dir, trust_repo, force_reload, verbose)


def _github_checkout(repo: str, trust_repo: Any, force_reload: bool, verbose: bool) -> str:
    """The folder of GitHub repository `owner/name[:ref]` in the hub cache, fetched as a zip if needed."""
    owner_name, _, ref = repo.partition(":")
    if owner_name.count("/") != 1:
        raise ValueError(f"Invalid input: {repo!r}: use the form owner/name[:ref]")
    owner, name = owner_name.split("/")
    ref = ref or "main"
    hub = get_dir()
    os.makedirs(hub, exist_ok=True)
    _check_trusted(f"{owner}_{name}", trust_repo, hub)
    folder = os.path.join(hub, "_".join([owner, name, ref.replace("/", "_")]))
    if os.path.exists(folder) and not force_reload:
        if verbose:
            sys.stderr.write(f"Using cache found in {folder}\n")
        return folder
    archive = folder + ".zip"
    download_url_to_file(_archive_url(owner, name, ref), archive, progress=False)
    shutil.rmtree(folder, ignore_errors=True)
    with zipfile.ZipFile(archive) as z:
        top = z.infolist()[0].filename.split("/")[0]
        for info in z.infolist():  # refuse members that would land outside the cache
            if os.path.isabs(info.filename) or ".." in info.filename.split("/"):
                raise ValueError(f"Unsafe path in the archive of {repo}: {info.filename}")
        z.extractall(hub)
    os.remove(archive)
    shutil.move(os.path.join(hub, top), folder)
    return folder


def _archive_url(owner: str, name: str, ref: str) -> str:
    return f"https://github.com/{owner}/{name}/zipball/{ref}"


def _check_trusted(key: str, trust_repo: Any, hub: str) -> None:
    """PyTorch's trust rule: remember trusted repositories in `<hub dir>/trusted_list`."""
    path = os.path.join(hub, "trusted_list")
    trusted = set(open(path).read().split()) if os.path.exists(path) else set()
    if trust_repo is True or key in trusted:
        pass
    elif trust_repo is None:
        warnings.warn(f"trusting repository {key} without asking (trust_repo=None); pass trust_repo=True to "
                      "trust it, or 'check' to be asked once", stacklevel=4)
        return
    else:
        answer = input(f"The repository {key} does not belong to the list of trusted repositories and as such cannot "
                       "be downloaded. Do you trust this repository and wish to add it to the trusted list of "
                       "repositories (y/N)?")
        if answer.lower() not in ("y", "yes"):
            raise Exception("Untrusted repository.")
    with open(path, "a") as f:
        f.write(key + "\n")


@contextlib.contextmanager
def _on_path(folder: str) -> Iterator[None]:
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(folder)


def _hubconf(folder: str) -> ModuleType:
    path = os.path.join(folder, _HUBCONF)
    spec = importlib.util.spec_from_file_location("hubconf", path)
    if spec is None or spec.loader is None or not os.path.exists(path):
        raise FileNotFoundError(f"no {_HUBCONF} in {folder}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing = [dep for dep in getattr(module, "dependencies", []) if importlib.util.find_spec(dep) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    return module


def _entry(module: ModuleType, model: str) -> Callable[..., Any]:
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    entry = getattr(module, model, None)
    if entry is None or not callable(entry):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return entry
