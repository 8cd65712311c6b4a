"""``VocXml``: a detection data source of Pascal-VOC-style XML files (one per image).

VOC pixel indices are 1-based and inclusive; boxes are converted to our 0-based, end-exclusive
xyxy (``xmin - 1, ymin - 1, xmax, ymax``). ``difficult`` objects become ``gt_ignore``. Boxes
reaching outside the image are clipped and boxes without area dropped, with a WARNING naming the
file, as ``Coco`` does. ``coco_ground_truth`` gives the annotations to ``CocoDetectionEvaluator``
(difficult objects as crowd regions: neither required nor counted as false positives).
"""
import os
import xml.etree.ElementTree as ET
from typing import Optional

import numpy as np

from easycv_like.data.sources.annotated_samples import AnnotatedSamples, clip_box
from easycv_like.data.sources.class_names import ClassesArg, describe_classes, read_class_names
from easycv_like.errors import closest
from easycv_like.registry import DATA_SOURCES

VOC_CLASSES = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair',
               'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant',
               'sheep', 'sofa', 'train', 'tvmonitor')


@DATA_SOURCES.register_module()
class VocXml(AnnotatedSamples):
    """Images of ``root/img_dir`` annotated by ``root/ann_dir/<id>.xml``.

    Args:
        root: the data set folder (e.g. ``VOCdevkit/VOC2007``).
        split_file: text file of image ids, one a line, relative to ``root``
            (e.g. ``ImageSets/Main/trainval.txt``); None takes every XML file of ``ann_dir``.
        classes: class names in label order (a list or a text file, one name a line);
            default the 20 VOC classes.
        img_dir: image folder under ``root``.
        ann_dir: annotation folder under ``root``.
        img_suffix: image file extension.

    Raises:
        ValueError: an XML file that cannot be parsed, lacks ``size`` or a box coordinate, or
            names an unknown class (naming the file and the closest class names).
    """

    def __init__(self, root: str, split_file: Optional[str] = None,
                 classes: ClassesArg = VOC_CLASSES, img_dir: str = 'JPEGImages',
                 ann_dir: str = 'Annotations', img_suffix: str = '.jpg') -> None:
        self.root = str(root)
        self.classes = read_class_names(classes)
        self.class_origin = (f'classes= of VocXml({self.root!r})' if
                             isinstance(classes, (list, tuple)) else describe_classes(classes))
        self.cat_ids = list(range(1, len(self.classes) + 1))  # of coco_ground_truth
        self._label = {name: i for i, name in enumerate(self.classes)}
        ann_root = os.path.join(self.root, ann_dir)
        if split_file is None:
            ids = sorted(os.path.splitext(f)[0] for f in os.listdir(ann_root)
                         if f.endswith('.xml'))
        else:
            with open(os.path.join(self.root, split_file), encoding='utf-8') as f:
                ids = [line.strip() for line in f if line.strip()]
        self._samples = [self._parse(os.path.join(ann_root, f'{name}.xml'),
                                     os.path.join(self.root, img_dir, name + img_suffix), i)
                         for i, name in enumerate(ids)]

    def _parse(self, xml_path: str, img_path: str, index: int) -> dict:
        try:
            tree = ET.parse(xml_path).getroot()
            size = tree.find('size')
            height, width = int(size.findtext('height')), int(size.findtext('width'))
        except (OSError, ET.ParseError, AttributeError, TypeError, ValueError) as err:
            raise ValueError(f'{xml_path}: not a VOC annotation with a <size> ({err}).') from err
        boxes, labels, ignore = [], [], []
        for obj in tree.findall('object'):
            name = (obj.findtext('name') or '').strip()
            if name not in self._label:
                raise ValueError(f'{xml_path}: unknown class {name!r}'
                                 f'{closest(name, self.classes, n=3)}; known: {self.classes}.')
            try:
                box = [float(obj.find('bndbox').findtext(k)) for k in
                       ('xmin', 'ymin', 'xmax', 'ymax')]
            except (AttributeError, TypeError, ValueError) as err:
                raise ValueError(f'{xml_path}: object {name!r} has no complete <bndbox> '
                                 f'({err}).') from err
            box = clip_box([box[0] - 1, box[1] - 1, box[2], box[3]], width, height,
                           f'{xml_path}: object {name!r} with <bndbox> {box}')
            if box is None:
                continue
            boxes.append(box)
            labels.append(self._label[name])
            ignore.append(obj.findtext('difficult', '0').strip() == '1')
        return {'img_path': img_path, 'img_id': index, 'height': height, 'width': width,
                'gt_bboxes': np.array(boxes, np.float32).reshape(-1, 4),
                'gt_labels': np.array(labels, np.int64), 'gt_ignore': np.array(ignore, bool)}
