"""docs/own_data.md: its configs, taken from the page itself, train on a tiny ImageFolder made
from the digits: a classifier, MoCo v2 pre-training, then a linear probe on that backbone; and
on boxes and masks made from the coloured shapes: a detector and a segmentation model."""
import json
import os
import os.path as osp
import re
import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from easycv_like import train
from easycv_like.apis.config import load_config
from easycv_like.apis.evaluate import main as eval_main
from easycv_like.apis.predict import main as predict_main
from easycv_like.engine.build_runner import check_schema
from easycv_like.engine.class_checks import ClassMismatchError
from easycv_like.evaluation import CocoDetectionEvaluator, VocDetectionEvaluator
from easycv_like.registry import DATASETS
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO

DOC = osp.join(REPO, 'docs', 'own_data.md')
CLASSES = {'ant': 0, 'bee': 1, 'wasp': 2}  # folder name -> digit used for its images
SHRINK = {'total_epochs': 1, 'data.imgs_per_gpu': 8, 'data.workers_per_gpu': 0}
# shapes -> the page's category names and deliberately odd file ids (file order 7, 3, 12)
BOX_CATEGORIES = {1: (7, 'ant'), 2: (3, 'bee'), 3: (12, 'wasp')}
# the YOLOX demo's schedule squeezed into 3 epochs of 2 iterations: mixing and the L1 loss stop /
# start for the last one, evaluation at the end only
DET_SHRINK = {'total_epochs': 3, 'num_last_epochs': 1, 'lr_config.warmup_iters': 1,
              'eval_config.initial': False, 'eval_config.interval': 3,
              'eval_config.dynamic_intervals': None,
              'checkpoint_config.interval': 3, 'data.imgs_per_gpu': 4, 'data.workers_per_gpu': 0}
SEG_SHRINK = {'total_epochs': 1, 'eval_config.initial': False, 'eval_config.interval': 1,
              'checkpoint_config.interval': 1, 'data.imgs_per_gpu': 4,
              'data.workers_per_gpu': 0}


def doc_configs() -> dict:
    """``{'configs/...py': text}`` for every python block of the page naming its file."""
    with open(DOC, encoding='utf-8') as f:
        blocks = re.findall(r'```python\n(.*?)```', f.read(), re.S)
    named = {}
    for block in blocks:
        match = re.match(r'# (configs/\S+\.py)\n', block)
        if match:
            named[match.group(1)] = block
    return named


@pytest.fixture(scope='module')
def project(tmp_path_factory, tiny_digits):
    """A folder with the repository's configs, the page's configs and data/my_images."""
    root = tmp_path_factory.mktemp('own_data')
    shutil.copytree(osp.join(REPO, 'configs'), root / 'configs')
    for path, text in doc_configs().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    with open(osp.join(tiny_digits, 'train.txt')) as f:
        by_digit = {}
        for line in f:
            path, label = line.split()
            by_digit.setdefault(int(label), []).append(path)
    for name, digit in CLASSES.items():
        for split, files in (('train', by_digit[digit][:16]), ('val', by_digit[digit][16:20])):
            folder = root / 'data' / 'my_images' / split / name
            folder.mkdir(parents=True)
            for path in files:
                shutil.copy(osp.join(tiny_digits, path), folder / osp.basename(path))
    (root / 'data' / 'my_images' / 'train' / 'ant' / 'README.txt').write_text('not an image')
    return root


def _boxes_json(shapes_json: str, out: str, oddities: bool) -> None:
    """The shapes' boxes under the page's names and ids; with ``oddities``, a crowd box, a box
    reaching outside and a box without area on the first image, and no box on the last one."""
    with open(shapes_json) as f:
        coco = json.load(f)
    anns = [dict({k: v for k, v in a.items() if k != 'segmentation'},
                 category_id=BOX_CATEGORIES[a['category_id']][0]) for a in coco['annotations']]
    if oddities:
        first, last = coco['images'][0], coco['images'][-1]
        anns = [a for a in anns if a['image_id'] != last['id']]
        extra = [dict(bbox=[2, 2, 20, 20], category_id=3, iscrowd=1),
                 dict(bbox=[first['width'] - 10, 5, 30, 15], category_id=7, iscrowd=0),
                 dict(bbox=[30, 30, 0, 10], category_id=12, iscrowd=0)]
        anns += [dict(e, id=1000 + i, image_id=first['id'], area=e['bbox'][2] * e['bbox'][3])
                 for i, e in enumerate(extra)]
    coco.update(annotations=anns,
                categories=[dict(id=i, name=n) for i, n in BOX_CATEGORIES.values()])
    with open(out, 'w') as f:
        json.dump(coco, f)


def _voc_copy(split_dir, voc_root, split: str) -> None:
    """The COCO json of ``split_dir`` as VOC XML files under ``voc_root`` (1-based inclusive
    pixels; crowd boxes as difficult objects; boxes without area left out, as VOC has none)."""
    with open(split_dir / 'annotations.json') as f:
        coco = json.load(f)
    names = {cat['id']: cat['name'] for cat in coco['categories']}
    (voc_root / 'Annotations').mkdir(parents=True, exist_ok=True)
    (voc_root / 'ImageSets' / 'Main').mkdir(parents=True, exist_ok=True)
    ids = []
    for image in coco['images']:
        stem = osp.splitext(image['file_name'])[0]
        ids.append(stem)
        shutil.copy(split_dir / 'images' / image['file_name'],
                    (voc_root / 'JPEGImages').mkdir(exist_ok=True) or voc_root / 'JPEGImages')
        objects = ''.join(
            f'<object><name>{names[a["category_id"]]}</name><difficult>{a["iscrowd"]}'
            f'</difficult><bndbox><xmin>{a["bbox"][0] + 1}</xmin><ymin>{a["bbox"][1] + 1}</ymin>'
            f'<xmax>{a["bbox"][0] + a["bbox"][2]}</xmax><ymax>{a["bbox"][1] + a["bbox"][3]}'
            '</ymax></bndbox></object>'
            for a in coco['annotations'] if a['image_id'] == image['id'] and min(a['bbox'][2:]))
        (voc_root / 'Annotations' / f'{stem}.xml').write_text(
            f'<annotation><size><width>{image["width"]}</width><height>{image["height"]}'
            f'</height></size>{objects}</annotation>')
    (voc_root / 'ImageSets' / 'Main' / f'{split}.txt').write_text('\n'.join(ids) + '\n')


@pytest.fixture(scope='module')
def dense_project(project, tmp_path_factory):
    """``project`` plus data/my_boxes (COCO json) and data/my_masks (palette PNG masks)."""
    import make_shapes_dataset  # tools/ is on sys.path (tests/conftest.py)
    shapes = tmp_path_factory.mktemp('shapes')
    make_shapes_dataset.main(['--out', str(shapes), '--num-train', '8', '--num-val', '2'])
    palette = [0, 0, 0, 200, 0, 0, 0, 200, 0, 0, 0, 200] + [255, 255, 255] * 252
    for split in ('train', 'val'):
        boxes, masks = project / 'data' / 'my_boxes' / split, project / 'data' / 'my_masks' / split
        shutil.copytree(shapes / split / 'images', boxes / 'images')
        shutil.copytree(shapes / split / 'images', masks / 'images')
        _boxes_json(str(shapes / split / 'annotations.json'), str(boxes / 'annotations.json'),
                    oddities=split == 'train')
        _voc_copy(boxes, project / 'data' / 'my_boxes_voc', split)
        (masks / 'masks').mkdir()
        for png in sorted((shapes / split / 'masks').iterdir()):
            mask = Image.fromarray(np.array(Image.open(png)), mode='P')  # as labelme writes
            mask.putpalette(palette)
            mask.save(masks / 'masks' / png.name)
    (project / 'data' / 'my_masks' / 'classes.txt').write_text('background\nant\nbee\nwasp\n')
    return project


def test_the_page_names_its_seven_configs():
    assert sorted(doc_configs()) == [
        'configs/_base_/datasets/my_images.py', 'configs/own/my_boxes_voc_yolox.py',
        'configs/own/my_boxes_yolox.py', 'configs/own/my_images_linear.py',
        'configs/own/my_images_mocov2.py', 'configs/own/my_images_r18.py',
        'configs/own/my_masks_lraspp.py']


def test_configs_load_and_follow_the_schema(project, monkeypatch):
    monkeypatch.chdir(project)
    for path in ('configs/own/my_images_r18.py', 'configs/own/my_images_mocov2.py',
                 'configs/own/my_images_linear.py'):
        cfg = load_config(path)
        check_schema(cfg)
        assert 'ImageList' not in cfg.pretty_text  # the digits data were swapped out
    mocov2 = load_config('configs/own/my_images_mocov2.py')
    assert mocov2.model.type == 'MoCo' and mocov2.data.train.type == 'MultiViewDataset'
    assert load_config('configs/own/my_images_linear.py').model.head.num_classes == 3


def test_classifier_then_ssl_pretraining_then_linear_probe(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    cls = train('configs/own/my_images_r18.py',  # its 10-iteration warm-up shrunk with the run
                cfg_options=dict(SHRINK, **{'lr_config.warmup_iters': 1}))
    assert cls['work_dir'] == osp.join(os.getcwd(), 'work_dirs', 'my_images_r18')
    assert set(cls['metrics']) == {'val/top1', 'val/top2'}
    meta = load_checkpoint_file(cls['checkpoint'])['meta']
    assert meta['dataset_meta']['classes'] == list(CLASSES)
    records = predict_main([cls['checkpoint'], 'data/my_images/val', '--topk', '2'])
    assert len(records) == 12
    assert {r['predictions'][0]['class_name'] for r in records} <= set(CLASSES)

    ssl = train('configs/own/my_images_mocov2.py', cfg_options=dict(SHRINK))
    assert 'knn/knn_top1' in ssl['metrics'] and 0 <= ssl['metrics']['knn/knn_top1'] <= 100
    assert osp.isfile('work_dirs/my_images_mocov2/latest.pth')

    probe = train('configs/own/my_images_linear.py', cfg_options=dict(SHRINK))
    pretrained = load_checkpoint_file('work_dirs/my_images_mocov2/latest.pth')['state_dict']
    probed = load_checkpoint_file(probe['checkpoint'])['state_dict']
    backbone = [k for k in probed if k.startswith('backbone.')]
    assert backbone and all(torch.equal(probed[k], pretrained[k]) for k in backbone)
    assert 'val/top1' in probe['metrics']


def _run_log(work_dir: str) -> str:
    """The text log of the newest run in ``work_dir`` (``<timestamp>/<timestamp>.log``)."""
    run = sorted(d for d in os.listdir(work_dir) if osp.isdir(osp.join(work_dir, d)))[-1]
    with open(osp.join(work_dir, run, f'{run}.log'), encoding='utf-8') as f:
        return f.read()


def test_detector_on_own_coco_json_then_eval_and_predict(dense_project, monkeypatch):
    monkeypatch.chdir(dense_project)
    det = train('configs/own/my_boxes_yolox.py', cfg_options=dict(DET_SHRINK))
    log = _run_log(det['work_dir'])
    assert re.search(r'WARNING .*annotation 1001 reaches outside the \d+ x \d+ image; clipped', log)
    assert re.search(r'WARNING .*annotation 1002 has no area inside the .* image; dropped', log)
    meta = load_checkpoint_file(det['checkpoint'])['meta']['dataset_meta']
    assert meta['classes'] == ['ant', 'bee', 'wasp'] and meta['cat_ids'] == [7, 3, 12]
    assert 0 <= det['metrics']['coco/mAP50'] <= 100
    evaluated = eval_main(['configs/own/my_boxes_yolox.py', det['checkpoint']])
    assert evaluated['coco/mAP50'] == pytest.approx(det['metrics']['coco/mAP50'])
    records = predict_main([det['checkpoint'], 'data/my_boxes/val/images', '--out-dir', 'boxes',
                            '--score-thr', '0'])
    assert len(records) == 2 and all(osp.isfile(r['annotated']) for r in records)
    assert {b['class_name'] for r in records for b in r['boxes']} <= {'ant', 'bee', 'wasp'}
    on_voc = eval_main(['configs/own/my_boxes_voc_yolox.py', det['checkpoint']])
    assert on_voc['val/mAP50'] == pytest.approx(evaluated['coco/mAP50'])
    assert 0 <= on_voc['val/voc/mAP'] <= 100  # the page's VOC figures beside COCO's
    assert on_voc['val/voc/mAP'] == on_voc['val/voc/AP50']


def _imperfect_detections(sample: dict) -> dict:
    """The ground truth of one image, shifted by 0-3 px, one label in three swapped, scores
    falling, plus a false box: a score between 0 and 100 that depends on every box."""
    boxes = sample['gt_bboxes'] + np.arange(len(sample['gt_bboxes']))[:, None] % 4
    labels = np.where(np.arange(len(boxes)) % 3 == 2, (sample['gt_labels'] + 1) % 3,
                      sample['gt_labels'])
    return dict(bboxes=np.concatenate([boxes, [[0., 0., 9., 9.]]]),
                labels=np.concatenate([labels, [0]]),
                scores=np.linspace(0.9, 0.1, len(boxes) + 1))


def test_voc_xml_copy_scores_as_the_coco_json(dense_project, monkeypatch):
    monkeypatch.chdir(dense_project)
    metrics = []
    for config in ('configs/own/my_boxes_yolox.py', 'configs/own/my_boxes_voc_yolox.py'):
        cfg = load_config(config)
        check_schema(cfg)
        dataset = DATASETS.build({k: v for k, v in cfg.data.val.items() if k != 'collate'})
        samples = sorted((dataset.data_source[i] for i in range(len(dataset))),
                         key=lambda sample: osp.basename(sample['img_path']))
        figures = {}
        for evaluator in (CocoDetectionEvaluator(), VocDetectionEvaluator(prefix='voc')):
            evaluator.dataset_meta = dataset.evaluation_meta
            evaluator.process({}, [dict(_imperfect_detections(s), img_id=s['img_id'])
                                   for s in samples])
            figures.update(evaluator.evaluate(len(samples)))
        metrics.append(figures)
    assert 0 < metrics[0]['mAP'] < 100 and 0 < metrics[0]['mAP50'] < 100
    assert 0 < metrics[0]['voc/mAP'] < 100
    for key in ('mAP', 'mAP50', 'mAP75', 'AR1', 'AR100', 'voc/mAP'):
        assert metrics[1][key] == pytest.approx(metrics[0][key]), key


def test_segmentation_on_own_masks_then_eval_and_predict(dense_project, monkeypatch):
    monkeypatch.chdir(dense_project)
    seg = train('configs/own/my_masks_lraspp.py', cfg_options=dict(SEG_SHRINK))
    assert {'val/mIoU', 'val/IoU/background', 'val/IoU/wasp'} <= set(seg['metrics'])
    meta = load_checkpoint_file(seg['checkpoint'])['meta']['dataset_meta']
    assert meta['classes'] == ['background', 'ant', 'bee', 'wasp']
    evaluated = eval_main(['configs/own/my_masks_lraspp.py', seg['checkpoint']])
    assert evaluated['val/mIoU'] == pytest.approx(seg['metrics']['val/mIoU'])
    records = predict_main([seg['checkpoint'], 'data/my_masks/val/images', '--out-dir', 'masks'])
    assert len(records) == 2 and all(osp.isfile(r['annotated']) for r in records)
    assert set(records[0]['class_names_present']) <= set(meta['classes'])


def test_a_head_for_another_class_count_stops_before_training(dense_project, monkeypatch):
    monkeypatch.chdir(dense_project)
    with pytest.raises(ClassMismatchError, match=r'model.decode_head.num_classes=5 .* 4 classes'):
        train('configs/own/my_masks_lraspp.py',
              cfg_options=dict(SEG_SHRINK, **{'model.decode_head.num_classes': 5}))


def test_masks_without_any_class_list_stop_before_training(dense_project, monkeypatch):
    monkeypatch.chdir(dense_project)
    work_dir = str(dense_project / 'work_dirs' / 'no_classes')
    with pytest.raises(ValueError, match=r'declares no classes \(SegFolder\(classes=None\)'):
        train('configs/own/my_masks_lraspp.py', work_dir=work_dir,
              cfg_options=dict(SEG_SHRINK, **{'data.train.data_source.classes': None}))
    assert not [f for f in os.listdir(work_dir) if f.endswith('.pth')]
