"""``ScheduledValuesMixin``: the one way training hooks change a model's hyper-parameters
(DINO's ``teacher_temp``, SwAV's ``head.use_queue``): by a name the algorithm declares."""
from typing import Any, Tuple


class ScheduledValuesMixin:
    """An algorithm lists in :meth:`scheduled_values` the (dotted) attribute names a hook may set;
    a hook calls :meth:`set_scheduled_value`. Any other name is an error naming the declared
    ones, so a hook put on the wrong model, or a misspelt name, fails at the first iteration
    instead of setting an attribute nothing reads."""

    def scheduled_values(self) -> Tuple[str, ...]:
        """Names hooks may set (default: none)."""
        return ()

    def set_scheduled_value(self, name: str, value: Any) -> None:
        """Set the declared value ``name`` (``'teacher_temp'``, ``'head.use_queue'``)."""
        declared = self.scheduled_values()
        if name not in declared:
            raise AttributeError(f'{type(self).__name__} has no scheduled value {name!r}; '
                                 f'it declares {list(declared)}')
        *path, attr = name.split('.')
        owner = self
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, attr, value)
