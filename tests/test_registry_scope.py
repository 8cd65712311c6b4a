"""Every mmengine root registry has an easycv_like child, so builds under our default scope
never warn "Failed to search registry with scope"."""
import logging

import pytest
from mmengine import registry as mmengine_registry
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope, Registry

from easycv_like import registry as ours

ROOTS = sorted((name, reg) for name, reg in vars(mmengine_registry.root).items()
               if isinstance(reg, Registry))


def test_mmengine_has_the_roots_we_expect():
    assert {'VISUALIZERS', 'WEIGHT_INITIALIZERS', 'MODELS', 'HOOKS'} <= {n for n, _ in ROOTS}


@pytest.mark.parametrize('name, root', ROOTS, ids=[n for n, _ in ROOTS])
def test_every_root_registry_has_our_scope(name, root):
    child = root._search_child(ours.SCOPE)
    assert child is not None, f'mmengine registry {name} has no {ours.SCOPE!r} child'
    assert isinstance(child, ours.Registry)


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_building_a_visualizer_under_our_scope_does_not_warn(tmp_path):
    logger = MMLogger.get_instance('test_registry_scope')
    records = _Records()
    logger.addHandler(records)
    try:
        with DefaultScope.overwrite_default_scope(ours.SCOPE):
            vis = mmengine_registry.VISUALIZERS.build(dict(
                type='Visualizer', name='scope_test', save_dir=str(tmp_path),
                vis_backends=[dict(type='LocalVisBackend')]))
            init = mmengine_registry.WEIGHT_INITIALIZERS.build(dict(type='Constant', val=1))
    finally:
        logger.removeHandler(records)
    assert type(vis).__name__ == 'Visualizer' and type(init).__name__ == 'ConstantInit'
    assert not [m for m in records.messages if 'Failed to search registry' in m]
