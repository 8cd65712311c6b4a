"""ScheduledValuesMixin: DINO and SwAV declare what hooks may set; anything else is an error."""
import pytest

from .test_dino import _dino
from .test_swav import _swav


def test_dino_declares_its_teacher_temperature():
    model = _dino()
    model.set_scheduled_value('head.teacher_temp', 0.05)
    assert model.head.teacher_temp == 0.05
    with pytest.raises(AttributeError, match=r"no scheduled value 'teacher_temp'.*head.teacher"):
        model.set_scheduled_value('teacher_temp', 0.05)


def test_swav_declares_the_queue_switch_only_with_a_queue():
    model = _swav(queue_length=8)
    model.set_scheduled_value('head.use_queue', True)
    assert model.head.use_queue is True
    with pytest.raises(AttributeError, match=r"declares \[\]"):
        _swav().set_scheduled_value('head.use_queue', True)
