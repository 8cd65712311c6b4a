"""``Coco``: a detection data source read from a COCO-format json with pycocotools.

Category ids need not be contiguous: they are sorted and mapped to labels ``0..C-1``
(``cat_ids[label]`` maps back). Crowd boxes (``iscrowd``) and boxes marked ``ignore`` become
``gt_ignore``; images without annotations are kept as K = 0 samples.
"""
import logging
import os

import numpy as np
from mmengine.logging import print_log

from easycv_like.data.sources.annotated_samples import AnnotatedSamples, clip_box
from easycv_like.data.sources.class_names import ClassesArg, describe_classes, read_class_names
from easycv_like.data.sources.coco_json import load_coco
from easycv_like.registry import DATA_SOURCES

_SHOWN = 10


def _image_name(image: dict) -> str:
    return f"image id {image['id']} ({image.get('file_name')!r})"


@DATA_SOURCES.register_module()
class Coco(AnnotatedSamples):
    """Images and boxes of a COCO-format annotation file.

    Checks at load time: the file's structure (``load_coco``: ids present, integer and unique,
    no image listed twice), two categories of one name, and an annotation of an unknown image or
    category id, are errors naming the ids (and the image's id and file); boxes reaching outside
    their image are clipped and boxes without area are dropped, each with a WARNING naming the
    image; image files missing on disk are listed in a WARNING (reading them later raises a
    ``BadSampleError``, see the dataset's bad-sample policy).

    Args:
        ann_file: the json file.
        img_root: folder the images' ``file_name`` are relative to.
        classes: category names to keep, in label order (a list or a text file, one name a
            line); None keeps every category of the file (sorted by id). Annotations of other
            categories are dropped.
    """

    def __init__(self, ann_file: str, img_root: str,
                 classes: ClassesArg = None) -> None:
        self.ann_file = str(ann_file)
        self.img_root = str(img_root)
        self.coco = load_coco(self.ann_file)
        self._set_categories(classes)
        self.img_ids = sorted(self.coco.imgs)
        self._check_annotations()
        self._samples = [self._sample(img_id) for img_id in self.img_ids]
        self._warn_missing_files()

    def _set_categories(self, classes: ClassesArg) -> None:
        cats = {c['id']: c['name'] for c in self.coco.loadCats(self.coco.getCatIds())}
        ids_of = {}
        for cat_id, name in sorted(cats.items()):
            ids_of.setdefault(name, []).append(cat_id)
        repeated = {name: ids for name, ids in ids_of.items() if len(ids) > 1}
        if repeated:
            raise ValueError(f'{self.ann_file}: categories {repeated} (name: ids) share a name; '
                             'class names must be unique, or labels would be ambiguous.')
        if classes is None:
            self.cat_ids = sorted(cats)
            self.class_origin = f'the categories of {self.ann_file!r}'
        else:
            self.class_origin = (f'classes= of Coco({self.ann_file!r})' if
                                 isinstance(classes, (list, tuple)) else describe_classes(classes))
            classes = read_class_names(classes)
            by_name = {name: cat_id for cat_id, name in cats.items()}
            missing = [name for name in classes if name not in by_name]
            if missing:
                raise KeyError(f'{self.ann_file}: classes {missing} are not categories of the '
                               f'file; it has {sorted(by_name)}.')
            self.cat_ids = [by_name[name] for name in classes]
        self.classes = [cats[cat_id] for cat_id in self.cat_ids]
        self.cat_id_to_label = {cat_id: label for label, cat_id in enumerate(self.cat_ids)}
        self._known_cats = set(cats)

    def _check_annotations(self) -> None:
        for ann in self.coco.dataset.get('annotations', []):
            if ann['category_id'] not in self._known_cats:
                image = self.coco.imgs[ann['image_id']]
                raise ValueError(f'{self.ann_file}: {_image_name(image)} has an annotation of '
                                 f'unknown category id {ann["category_id"]}; known ids: '
                                 f'{sorted(self._known_cats)}.')

    def _sample(self, img_id: int) -> dict:
        image = self.coco.imgs[img_id]
        height, width = int(image['height']), int(image['width'])
        boxes, labels, ignore = [], [], []
        for ann in self.coco.imgToAnns.get(img_id, []):
            if ann['category_id'] not in self.cat_id_to_label:
                continue
            x, y, w, h = (float(v) for v in ann['bbox'])
            box = clip_box([x, y, x + w, y + h], width, height,
                           f'{self.ann_file}: {_image_name(image)}: box {ann["bbox"]} of '
                           f'annotation {ann.get("id")}')
            if box is None:
                continue
            boxes.append(box)
            labels.append(self.cat_id_to_label[ann['category_id']])
            ignore.append(bool(ann.get('iscrowd', 0)) or bool(ann.get('ignore', 0)))
        return {'img_path': os.path.join(self.img_root, image['file_name']), 'img_id': img_id,
                'height': height, 'width': width,
                'gt_bboxes': np.array(boxes, np.float32).reshape(-1, 4),
                'gt_labels': np.array(labels, np.int64),
                'gt_ignore': np.array(ignore, bool)}

    def _warn_missing_files(self) -> None:
        missing = [s for s in self._samples if not os.path.isfile(s['img_path'])]
        if missing:
            shown = ', '.join(f"image id {s['img_id']} ({s['img_path']!r})"
                              for s in missing[:_SHOWN])
            more = f' and {len(missing) - _SHOWN} more' if len(missing) > _SHOWN else ''
            print_log(f'{self.ann_file}: {len(missing)} image file(s) are missing: {shown}{more}.',
                      logger='current', level=logging.WARNING)

    def label_to_cat_id(self, labels: np.ndarray) -> np.ndarray:
        """Map contiguous labels back to the file's category ids."""
        return np.asarray(self.cat_ids, np.int64)[np.asarray(labels, np.int64)]
