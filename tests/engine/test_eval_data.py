"""Split names in eval_pipelines and shared class lists (engine/eval_data.py)."""
import pytest
from mmengine.config import Config

from easycv_like.engine.eval_data import resolve_eval_data


def _folder(root, **extra):
    return dict(type='ClsDataset', pipeline=[], data_source=dict(type='ImageFolder', root=root,
                                                                 **extra))


def _cfg(eval_data, **data):
    return Config(dict(data=data, eval_pipelines=[dict(name='val', data=eval_data,
                                                       evaluators=[])]))


def test_split_name_is_resolved_after_the_override():
    cfg = _cfg('val', train=_folder('my/train'), val=_folder('digits/val'))
    cfg.merge_from_dict({'data.val.data_source.root': 'my/val'})  # the user's override
    resolved = resolve_eval_data(cfg)
    assert resolved.eval_pipelines[0].data.data_source.root == 'my/val'
    assert cfg.eval_pipelines[0].data == 'val'  # the input is left alone


def test_knn_bank_and_query_names_and_typos():
    cfg = _cfg(dict(type='KNNDataset', bank='train', query='val'),
               train=_folder('t'), val=_folder('v'))
    knn = resolve_eval_data(cfg).eval_pipelines[0].data
    assert (knn.bank.data_source.root, knn.query.data_source.root) == ('t', 'v')
    with pytest.raises(KeyError, match=r"eval_pipelines\[0\].data='vall'.*did you mean 'val'"):
        resolve_eval_data(_cfg('vall', train=_folder('t'), val=_folder('v')))


def test_image_folder_splits_get_the_training_class_list():
    resolved = resolve_eval_data(_cfg('val', train=_folder('t'), val=_folder('v')))
    assert resolved.data.val.data_source.classes == 't'  # the training root's sub-folders
    assert resolved.eval_pipelines[0].data.data_source.classes == 't'
    assert 'classes' not in resolved.data.train.data_source
    explicit = resolve_eval_data(_cfg('val', train=_folder('t', classes='c.txt'),
                                      val=_folder('v', classes=['a'])), classes=None)
    assert explicit.data.val.data_source.classes == ['a']  # an explicit list is kept
    from_ckpt = resolve_eval_data(_cfg('val', train=_folder('t'), val=_folder('v')),
                                  classes=['x', 'y'])
    assert from_ckpt.eval_pipelines[0].data.data_source.classes == ['x', 'y']


def test_dali_image_folder_splits_get_the_training_class_list():
    def dali(root):
        return dict(type='DaliClsDataset', size=8, source=dict(type='folder', root=root))
    resolved = resolve_eval_data(_cfg('val', train=dali('t'), val=dali('v')))
    assert resolved.eval_pipelines[0].data.source.classes == 't'


def test_seg_folder_splits_get_the_training_class_list_but_coco_keeps_its_own():
    def seg(folder, **extra):
        return dict(type='SegDataset', pipeline=[], data_source=dict(
            type='SegFolder', img_dir=f'{folder}/images', mask_dir=f'{folder}/masks', **extra))
    resolved = resolve_eval_data(_cfg('val', train=seg('t', classes='seg_classes.txt'),
                                      val=seg('v')))
    assert resolved.eval_pipelines[0].data.data_source.classes == 'seg_classes.txt'
    from_ckpt = resolve_eval_data(_cfg('val', train=seg('t'), val=seg('v')), classes=['bg', 'x'])
    assert from_ckpt.data.val.data_source.classes == ['bg', 'x']
    coco = dict(type='DetDataset', pipeline=[], data_source=dict(type='Coco', ann_file='v.json',
                                                                 img_root='v'))
    train = dict(coco, data_source=dict(coco['data_source'], classes=['a']))
    assert 'classes' not in resolve_eval_data(_cfg(coco, train=train)).eval_pipelines[0].data \
        .data_source
