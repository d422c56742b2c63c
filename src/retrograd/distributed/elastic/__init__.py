"""`torch.distributed.elastic`: the parts of TorchElastic that training scripts import (`errors.record`)."""
