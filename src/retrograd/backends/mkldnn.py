"""`retrograd.backends.mkldnn`: oneDNN, which retrograd does not use."""

enabled = True  # as PyTorch reports; an LSTM with projections reads it for its warning


def is_available() -> bool:
    return False
