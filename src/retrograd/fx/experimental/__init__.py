"""`torch.fx.experimental`: only `proxy_tensor.get_proxy_mode`, which libraries ask before
branching on data."""
