"""`torch.utils.data.datapipes`: the DataPipe base classes and the buffer shuffler.

PyTorch's DataPipes (composable datasets with functional names such as `.shuffle()`) are
deprecated there; retrograd keeps the two base classes and `iter.Shuffler` (`ShufflerIterDataPipe`), which
Accelerate imports to check whether a dataset it dispatches is one. A DataLoader reseeds the
shuffler from its generator for each new iterator, as PyTorch does (with workers too; persistent
workers keep their first seeds, where PyTorch reseeds them each pass). Functional chaining (`.shuffle()`), the
map-style pipes and the rest of the graph utilities are not here.
"""

from . import datapipe, iter
from .datapipe import IterDataPipe, MapDataPipe

__all__ = ["IterDataPipe", "MapDataPipe", "datapipe", "iter"]
