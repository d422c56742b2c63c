"""`torch.utils.data.datapipes.iter`: iterable-style DataPipes (only the shuffler, `Shuffler`, here)."""

from .combinatorics import ShufflerIterDataPipe as Shuffler

__all__ = ["Shuffler"]
