"""`retrograd.backends.mkldnn`: oneDNN, which retrograd does not use."""

enabled = True  # as PyTorch reports; nothing reads it


def is_available() -> bool:
    return False
