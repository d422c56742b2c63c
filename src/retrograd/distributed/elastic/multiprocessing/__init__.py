"""`torch.distributed.elastic.multiprocessing`: `errors.record` for a script's entry point."""
