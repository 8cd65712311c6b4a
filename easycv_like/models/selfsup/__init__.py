"""Self-supervised algorithms (MoCo, SimCLR, BYOL, ...), one per file over a shared base."""
