"""Small shared helpers: checkpoint files, plain-value conversion."""
from . import checkpoint_schemes  # noqa: F401  (routes URL schemes through the safe loader)
from .checkpoint import (AtomicLocalBackend, CheckpointLoadError, UnsafeCheckpointError,
                         atomic_link, atomic_write_bytes, atomic_write_text, load_checkpoint_file,
                         set_trust_checkpoints)

__all__ = ['AtomicLocalBackend', 'CheckpointLoadError', 'UnsafeCheckpointError', 'atomic_link',
           'atomic_write_bytes', 'atomic_write_text', 'load_checkpoint_file',
           'set_trust_checkpoints']
