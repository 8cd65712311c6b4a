"""The mmengine internals our loops and checkpoint hook rely on are those they were written for."""
import os.path as osp

from easycv_like.engine import mmengine_pin

from ..conftest import REPO


def test_requirements_pin_the_tested_version():
    with open(osp.join(REPO, 'requirements', 'runtime.txt')) as f:
        pins = [line.strip() for line in f if line.startswith('mmengine')]
    assert pins == [f'mmengine=={mmengine_pin.TESTED_MMENGINE}']
    assert mmengine_pin.installed_is_tested()


def test_copied_and_overridden_internals_are_unchanged():
    assert mmengine_pin.changed_internals() == []


def test_a_changed_or_missing_internal_is_named(monkeypatch):
    monkeypatch.setitem(mmengine_pin.FINGERPRINTS,
                        'mmengine.runner.loops:IterBasedTrainLoop.run', '0' * 16)
    monkeypatch.setitem(mmengine_pin.FINGERPRINTS, 'mmengine.runner.loops:NoSuchLoop.run', 'x')
    changed = mmengine_pin.changed_internals()
    assert len(changed) == 2
    assert changed[0].startswith('mmengine.runner.loops:IterBasedTrainLoop.run: source changed')
    assert changed[1].startswith('mmengine.runner.loops:NoSuchLoop.run: missing')
