"""`torch.autograd.anomaly_mode`: forward tracebacks and NaN checks for failing backward passes."""

from ..engine.anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]
