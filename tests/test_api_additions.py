"""Small pieces of PyTorch's API: device exceptions, process-wide flags, `empty_permuted`,
`conj_physical_`/`resize_as_` as functions, and Tensor's `dim_order`, `is_set_to`, `module_load`."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd
from retrograd._user_frames import warn_once

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


def test_device_exceptions_can_be_caught_by_their_names():
    assert retrograd.cuda.OutOfMemoryError is retrograd.OutOfMemoryError is retrograd._C.OutOfMemoryError
    assert issubclass(retrograd.OutOfMemoryError, RuntimeError) and issubclass(retrograd.AcceleratorError, RuntimeError)
    try:  # a batch-size search's idiom: the except clause must evaluate
        raise RuntimeError("plain")
    except retrograd.cuda.OutOfMemoryError:
        pytest.fail("a plain RuntimeError is no OutOfMemoryError")
    except RuntimeError as e:
        assert str(e) == "plain"


def test_process_flags():
    retrograd.set_anomaly_enabled(True, check_nan=False)
    try:
        assert retrograd.is_anomaly_enabled() and not retrograd.is_anomaly_check_nan_enabled()
    finally:
        retrograd.set_anomaly_enabled(False)
    assert not retrograd.is_anomaly_enabled() and retrograd.is_anomaly_check_nan_enabled()
    with pytest.raises(TypeError, match="argument 'enabled' \\(position 1\\) must be bool, not int"):
        retrograd.set_anomaly_enabled(1)
    assert retrograd.set_flush_denormal(True) is False  # (NumPy's kernels keep denormals)
    assert retrograd.init_num_threads() is None and retrograd.has_spectral is True
    assert not retrograd.is_warn_always_enabled()


def test_warn_always_repeats_the_once_per_process_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_once("test_api_additions", "once")
        warn_once("test_api_additions", "once")
        retrograd.set_warn_always(True)
        try:
            warn_once("test_api_additions", "once")
            assert retrograd.is_warn_always_enabled()
        finally:
            retrograd.set_warn_always(False)
        warn_once("test_api_additions", "once")
    assert len(caught) == 2


def test_storages_are_told_from_tensors():
    t = retrograd.ones(2)
    assert retrograd.is_storage(t.untyped_storage())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (TypedStorage is deprecated)
        assert retrograd.is_storage(t.storage())
    assert not retrograd.is_storage(t) and not retrograd.is_storage(np.ones(2))


def test_empty_permuted_lays_out_dims_in_the_given_order():
    t = retrograd.empty_permuted((2, 3, 4), (0, 2, 1), dtype=retrograd.float64, requires_grad=True)
    assert t.shape == (2, 3, 4) and t.stride() == (12, 1, 3) and t.dtype == retrograd.float64
    assert t.requires_grad and t.is_leaf
    assert retrograd.empty_permuted((1, 3, 4, 4), (0, 2, 3, 1)).is_contiguous(memory_format=retrograd.channels_last)
    with pytest.raises(RuntimeError, match="Duplicate dim not allowed"):
        retrograd.empty_permuted((2, 3), (0, 0))
    with pytest.raises(RuntimeError, match="does not match the length"):
        retrograd.empty_permuted((2, 3), (0,))


def test_in_place_functions_conj_physical_and_resize_as():
    z = retrograd.tensor([1 + 2j, -1j])
    assert retrograd.conj_physical_(z) is z and z.tolist() == [1 - 2j, 1j]
    assert z.conj_physical_() is z and z.tolist() == [1 + 2j, -1j]
    x = retrograd.tensor([1.0, 2.0, 3.0, 4.0])
    assert retrograd.resize_as_(x, retrograd.zeros(2, 2)) is x and x.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert x.resize_as_(retrograd.zeros(4), memory_format=retrograd.contiguous_format).shape == (4,)


def test_dim_order_is_set_to_and_module_load():
    assert retrograd.zeros(2, 3, 4).permute(2, 0, 1).dim_order() == (1, 2, 0)
    assert retrograd.zeros(2, 3, 4, 5).to(memory_format=retrograd.channels_last).dim_order() == (0, 2, 3, 1)
    with pytest.raises(RuntimeError, match="does not have unique dim order"):
        retrograd.zeros(2, 1, 3).dim_order(ambiguity_check=True)
    with pytest.raises(TypeError, match="must be a bool or a list of memory formats"):
        retrograd.zeros(2).dim_order(ambiguity_check=3)
    x = retrograd.ones(3)
    assert x.is_set_to(x.view(3)) and not x.is_set_to(x[:2]) and not x.is_set_to(x.clone())
    assert not x.is_distributed()
    p = retrograd.zeros(2)
    loaded = p.module_load(retrograd.ones(2))
    assert p.tolist() == [1.0, 1.0] and loaded.tolist() == [1.0, 1.0] and not loaded.requires_grad
    other = retrograd.full((2,), 3.0)
    assert p.module_load(other, assign=True).tolist() == [3.0, 3.0] and p.tolist() == [1.0, 1.0]


def _layouts(lib):
    cases = [
        lib.zeros(2, 3, 4), lib.zeros(2, 3, 4).permute(2, 0, 1), lib.zeros(2, 1, 3),
        lib.zeros(2, 3, 4, 5).to(memory_format=lib.channels_last), lib.zeros(1, 3, 1, 1), lib.zeros(3, 4).t(),
        lib.zeros(4).expand(3, 4), lib.zeros(2, 3, 4)[:, ::2], lib.zeros(2, 3, 4, 5, 6).permute(0, 2, 1, 4, 3),
        lib.zeros(5), lib.tensor(1.0), lib.zeros(2, 2, 2).transpose(0, 2), lib.zeros(3, 1, 4).permute(1, 2, 0),
    ]  # fmt: skip
    out = []
    for c in cases:
        row = [c.dim_order()]
        for check in (True, [lib.contiguous_format], [lib.channels_last, lib.contiguous_format]):
            try:
                row.append(c.dim_order(ambiguity_check=check))
            except RuntimeError as e:
                row.append(str(e))
        out.append(row)
    out.append(lib.empty_permuted((2, 3, 4, 5), (3, 1, 0, 2)).stride())
    return out


@needs_torch
def test_dim_order_and_empty_permuted_vs_torch():
    assert _layouts(retrograd) == _layouts(torch)


@needs_torch
def test_flags_and_names_vs_torch():
    for name in ("OutOfMemoryError", "AcceleratorError"):
        assert getattr(retrograd, name).__mro__[1:] == getattr(torch, name).__mro__[1:]
    assert retrograd.has_spectral == torch.has_spectral
    assert retrograd.is_warn_always_enabled() == torch.is_warn_always_enabled()
    for lib in (retrograd, torch):
        x = lib.ones(3)
        assert (x.is_set_to(x), x.is_set_to(x[1:]), x.is_distributed()) == (True, False, False)


def test_tensor_name_is_none_and_read_only():
    t = retrograd.ones(2)
    assert t.name is None
    with pytest.raises(AttributeError):
        t.name = "x"


def test_linalg_common_notes_has_pytorchs_keys():
    keys = {"experimental_warning", "sync_note", "sync_note_ex", "sync_note_has_ex"}
    assert set(retrograd.linalg.common_notes) == keys
    assert "{}" in retrograd.linalg.common_notes["sync_note_has_ex"]  # PyTorch's docs format the _ex name in
