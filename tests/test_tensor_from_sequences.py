"""`tensor`/`as_tensor` of sequences that are no list or array (a pandas Series, Index, extension
array, a range): PyTorch reads them item by item, the dtype from `seq[i]` (a Series' labels), the
values in iteration order; and its errors for arrays of dtypes it cannot convert."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


class LabelledSeries:
    """A pandas-like Series: indexed by label, iterated as Python numbers in position order."""

    def __init__(self, values: np.ndarray, index: list[int]) -> None:
        self.values, self.index = values, index

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, label: int) -> np.generic:
        return self.values[self.index.index(label)]  # ValueError where pandas raises KeyError

    def __iter__(self):
        return iter(self.values.tolist())


def test_sequence_keeps_numpy_item_dtype():
    s = LabelledSeries(np.arange(5, dtype=np.int8), [3, 1, 4, 0, 2])
    t = rg.tensor(s)
    assert t.dtype == rg.int8 and t.tolist() == [0, 1, 2, 3, 4]  # values in position order
    assert rg.as_tensor(LabelledSeries(np.array([1.5, 2.5], np.float16), [0, 1])).dtype == rg.float16
    assert rg.tensor(LabelledSeries(np.array([1.0, np.nan]), [0, 1])).dtype == rg.float64
    assert rg.tensor(LabelledSeries(np.array([], np.int8), [])).dtype == rg.float32  # empty: the default
    two = [LabelledSeries(np.array([1, 2], np.int8), [0, 1]), LabelledSeries(np.array([3, 4], np.int8), [0, 1])]
    assert rg.tensor(two).dtype == rg.int8
    assert rg.tensor(range(3)).dtype == rg.int64


def test_sequence_errors():
    with pytest.raises(ValueError, match="^could not determine the shape of object type 'LabelledSeries'$"):
        rg.tensor(LabelledSeries(np.array([1.5, 2.5]), [10, 11]))  # no item 0
    with pytest.raises(ValueError):  # item 0 there, item 1 not: the sequence's own error
        rg.tensor(LabelledSeries(np.array([1, 2, 3]), [2, 0, 5]))
    with pytest.raises(ValueError, match="^too many dimensions 'str'$"):
        rg.tensor(LabelledSeries(np.array(["a", "b"], dtype=object), [0, 1]))
    with pytest.raises(RuntimeError, match="^Could not infer dtype of NoneType$"):
        rg.tensor([np.int64(1), None])


def test_unsupported_array_dtype_errors():
    with pytest.raises(TypeError) as info:
        rg.from_numpy(np.array(["a", None], dtype=object))
    assert str(info.value) == (
        "can't convert np.ndarray of type numpy.object_. The only supported types are: float64, float32, "
        "float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool."
    )
    records = np.rec.fromarrays([np.array([1.0, 2.0]), np.array([3, 4])], names="a,b")  # DataFrame.to_records()
    with pytest.raises(TypeError, match=r"^can't convert np.ndarray of type numpy.void\. "):
        rg.tensor(records)
    assert rg.from_numpy(np.arange(3, dtype=np.uint16)).dtype is rg.uint16  # converted, as PyTorch does


def _pandas_cases(m):
    pd = pytest.importorskip("pandas")
    cases = [
        lambda: m.tensor(pd.Series(np.arange(5, dtype=np.int8), index=[3, 1, 4, 0, 2])),
        lambda: m.as_tensor(pd.Series(np.arange(3, dtype=np.int16))),
        lambda: m.tensor(pd.Series([1.5, 2.5], dtype="float16")),
        lambda: m.tensor(pd.Series([1.0, np.nan])),
        lambda: m.tensor(pd.Series([1.5, 2.5], index=[10, 11])),
        lambda: m.tensor(pd.Series([1, 2, 3], index=[2, 0, 5])),
        lambda: m.tensor(pd.Series(["a", "b"])),
        lambda: m.tensor(pd.Series([1, None], dtype="Int64")),
        lambda: m.tensor(pd.Series([np.float32(1), 2], dtype=object)),
        lambda: m.tensor(pd.Series(pd.Categorical(["a", "b", "a"])).cat.codes),
        lambda: m.tensor(pd.Series([], dtype="int8")),
        lambda: m.tensor(pd.DataFrame({"a": [1, 2], "b": [3, 4]})),
        lambda: m.tensor([pd.Series([1, 2], dtype="int8"), pd.Series([3, 4], dtype="int8")]),
        lambda: m.from_numpy(pd.Series([1.0, None], dtype=object).to_numpy()),
        lambda: m.tensor(pd.DataFrame({"a": [1.0, 2.0], "b": [3, 4]}).to_records(index=False)),
    ]
    out = []
    for case in cases:
        try:
            t = case()
            out.append((str(t.dtype).split(".")[1], repr(t.tolist())))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    return out


def test_pandas_series_vs_torch():
    torch = pytest.importorskip("torch")
    assert _pandas_cases(rg) == _pandas_cases(torch)
