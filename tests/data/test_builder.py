"""``build_dataloader``: ``data.backend`` picks a torch DataLoader config or a DALI loader."""
import os.path as osp
import subprocess
import sys

import pytest

from easycv_like.data.builder import build_dataloader
from easycv_like.data.stack_collate import stack_collate
from easycv_like.errors import ConfigError

from ..conftest import REPO

_DATA = dict(imgs_per_gpu=4, workers_per_gpu=0, drop_last=False)
_TORCH = dict(type='ClsDataset', data_source=dict(type='ImageList', list_file='x.txt'),
              pipeline=[dict(type='LoadImage'), dict(type='PackInputs')])


def _dali(tiny_digits) -> dict:
    return dict(type='DaliClsDataset', size=12, test_mode=True, decoder_device='cpu',
                source=dict(type='ImageList', list_file=osp.join(tiny_digits, 'val_small.txt')))


def test_torch_backend_gives_the_runner_a_loader_config():
    loader = build_dataloader(dict(imgs_per_gpu=4, workers_per_gpu=1, drop_last=True,
                                   backend='torch'), _TORCH, True, seed=3)
    assert loader['batch_size'] == 4 and loader['num_workers'] == 1 and loader['drop_last']
    assert loader['sampler'] == dict(type='easycv_like.EpochIndexSampler', shuffle=True)
    assert loader['dataset'] == dict(_TORCH, seed=3) and 'seed' not in _TORCH  # not modified
    assert loader['collate_fn'] == dict(type=stack_collate)
    unset = build_dataloader(_DATA, _TORCH, False, seed=None)
    assert not unset['drop_last'] and unset['dataset'] == _TORCH


def test_dali_backend_builds_a_dali_loader(tiny_digits):
    pytest.importorskip('nvidia.dali')
    from easycv_like.data.dali import DALILoader
    for backend in ('dali', None):  # None: inferred from the DALI dataset type
        loader = build_dataloader(dict(imgs_per_gpu=16, workers_per_gpu=1, drop_last=False, backend=backend),
                                  _dali(tiny_digits), False, seed=7)
        assert isinstance(loader, DALILoader) and loader.dataset.seed == 7
        assert len(loader) == 4 and next(iter(loader))['inputs'].shape == (16, 3, 12, 12)


def test_backend_mismatch_and_unknown_backend_are_errors(tiny_digits):
    """ConfigError, so the tools print them as one line (tests/apis/test_cli_errors.py)."""
    with pytest.raises(ConfigError) as err:
        build_dataloader(dict(_DATA, backend='dali'), _TORCH, True, seed=0)
    assert str(err.value) == ("data.backend='dali' but data.train.type='ClsDataset' runs on "
                              "'torch': data.train needs a DALI dataset (DaliClsDataset, "
                              'DaliMultiViewDataset, DaliMultiCropDataset).')
    with pytest.raises(ConfigError, match=r"data.backend='torch' but .*'DaliClsDataset'"):
        build_dataloader(dict(_DATA, backend='torch'), _dali(tiny_digits), True, seed=0)
    with pytest.raises(ConfigError) as err:
        build_dataloader(dict(_DATA, backend='Dali'), _TORCH, True, seed=0)
    assert str(err.value) == ("data.backend='Dali' is not a loader backend (did you mean "
                              "'dali'?); choose one of ('torch', 'dali').")
    # evaluation datasets follow their own type: a DALI-trained run may validate with kNN
    assert build_dataloader(dict(_DATA, backend='dali'), _TORCH, False, None)['dataset'] == _TORCH


def test_the_engine_does_not_import_dali_code():
    code = ('import sys, easycv_like.engine.build_runner; '
            "print(sorted(m for m in sys.modules if 'dali' in m.split('.')[-1].lower() "
            "or m.startswith('nvidia')))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    assert 'nvidia.dali' not in out and 'easycv_like.data.dali.pipelines' not in out
    source = open(osp.join(REPO, 'easycv_like/engine/build_runner.py')).read()
    assert 'dali' not in source.lower()


@pytest.mark.parametrize('kind', ['DetDataset', 'SegDataset', 'MixedImagesDataset'])
def test_dense_dataset_without_collate_is_an_error_naming_the_entry(kind):
    """The default collate stopped in the first batch with torch's bare 'stack expects each
    tensor to be equal size' (a second eval_pipelines entry written without `collate`)."""
    dense = dict(type=kind, data_source=dict(type='Coco', ann_file='x.json', img_root='x'),
                 pipeline=[])
    with pytest.raises(ConfigError, match=rf"eval_pipelines 'second' data \({kind}\) has no "
                                          r"`collate`.*type='pad_collate'"):
        build_dataloader(_DATA, dense, False, None, "eval_pipelines 'second' data")
    padded = dict(dense, collate=dict(type='pad_collate', size_divisor=32, pad_value=114))
    loader = build_dataloader(_DATA, padded, False, None, 'data.val')
    assert loader['collate_fn']['size_divisor'] == 32 and 'collate' not in loader['dataset']
