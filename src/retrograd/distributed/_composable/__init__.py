"""`torch.distributed._composable`: where older code imports FSDP2's `fully_shard` from."""
