"""Read a PyTorch weights file of the legacy (pre-1.6, not zip) format into numpy arrays, without torch.

resemblyzer ships its voice encoder's weights as such a file. Importing torch
to read them costs about a second and 180 MB of memory per process; the format
is simple: three small pickles (magic number, protocol version, system info),
the pickled object whose tensors point at storages by key, a pickled list of
those keys, then each storage as an int64 element count and its raw bytes.

Only plain tensors in dicts are accepted: anything else in the pickle (any
other class) is refused, so reading the file runs no foreign code.
"""
from __future__ import annotations

import pickle
import struct
from collections import OrderedDict
from pathlib import Path

import numpy as np

STORAGE_TYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_,
}


class _TensorRef:
    """A tensor before its storage has been read: storage key, offset, shape and strides (in elements)."""

    def __init__(self, key: str, offset: int, shape, strides):
        self.key, self.offset, self.shape, self.strides = key, offset, tuple(shape), tuple(strides)


def _rebuild_tensor(storage_key, offset, shape, strides, *_rest) -> _TensorRef:
    return _TensorRef(storage_key, offset, shape, strides)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file):
        super().__init__(file, encoding="latin1")
        self.storages: dict[str, tuple[np.dtype, int]] = {}

    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in STORAGE_TYPES:
            return name
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        raise pickle.UnpicklingError(f"{module}.{name} is not a tensor or a dict")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, count, view = pid
        if kind != "storage" or view is not None or storage_type not in STORAGE_TYPES:
            raise pickle.UnpicklingError(f"unsupported storage {pid[:2]}")
        self.storages.setdefault(key, (np.dtype(STORAGE_TYPES[storage_type]), count))
        return key


def load_legacy(path: Path) -> dict:
    """The saved object, with every tensor as a numpy array. Raises ValueError when the file is not one."""
    try:
        with open(path, "rb") as fh:
            for _ in range(3):  # magic number, protocol version, system info
                pickle.load(fh)
            unpickler = _Unpickler(fh)
            saved = unpickler.load()
            arrays = {}
            for key in pickle.load(fh):
                dtype, count = unpickler.storages[key]
                (stored,) = struct.unpack("<q", fh.read(8))
                data = fh.read(stored * dtype.itemsize)
                if stored != count or len(data) != stored * dtype.itemsize:
                    raise ValueError(f"storage {key} is truncated")
                arrays[key] = np.frombuffer(data, dtype=dtype)
    except (pickle.UnpicklingError, EOFError, KeyError, struct.error, TypeError) as exc:
        raise ValueError(f"not a legacy PyTorch weights file ({exc})") from None
    return _materialise(saved, arrays)


def _materialise(value, arrays: dict[str, np.ndarray]):
    if isinstance(value, _TensorRef):
        data = arrays[value.key]
        size = data.itemsize
        reach = value.offset + sum((n - 1) * s for n, s in zip(value.shape, value.strides) if n > 0) + 1
        if 0 in value.shape:
            return np.zeros(value.shape, data.dtype)
        if value.offset < 0 or min(value.strides, default=0) < 0 or reach > len(data):
            raise ValueError("a tensor reaches outside its storage")
        return np.lib.stride_tricks.as_strided(
            data[value.offset:], value.shape, tuple(s * size for s in value.strides)).copy()
    if isinstance(value, dict):
        return {k: _materialise(v, arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_materialise(v, arrays) for v in value)
    return value
