"""Reading a COCO-format json into pycocotools' index, after the checks pycocotools skips.

pycocotools keys its index by id and never checks that ids are unique: an image id listed twice
keeps only the last image (the first image's boxes are then trained on the second picture), and
an annotation id listed twice makes ``COCOeval`` score one annotation in place of the other (a
silently wrong mAP). A missing id or ``bbox`` ends in a bare ``KeyError`` inside it, and a
missing ``area`` only once ``COCOeval`` runs, after a whole validation pass. The training source
(``Coco``) and the box evaluators read annotation files through ``load_coco`` alone, so both see
the same checked index; ``fit_to_images`` gives evaluation the boxes as training clipped them.
"""
import contextlib
import io
import json
import numbers

from pycocotools.coco import COCO

from easycv_like.data.sources.annotated_samples import fit_box

_SHOWN = 5


def coco_from_dict(dataset: dict) -> COCO:
    """pycocotools' COCO index of an in-memory COCO-format dict (a source's ``coco_gt``)."""
    coco = COCO()
    coco.dataset = dataset
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints progress
        coco.createIndex()
    return coco


def load_coco(ann_file: str) -> COCO:
    """The checked COCO index of ``ann_file``.

    An annotation without ``area`` gets its box's area (``w * h``), which is what COCO's area
    ranges (small / medium / large) then use; files written by labelling tools often omit it.

    Raises:
        ValueError: the file is not json, lacks ``images`` / ``categories``, an image,
            annotation or category lacks an integer ``id``, an id is used twice, two images
            share a ``file_name``, an annotation names an image id not in ``images``, an
            image lacks ``file_name`` / ``width`` / ``height``, a category its ``name``, or an
            annotation its ``image_id`` / ``category_id`` or a 4-number ``bbox``; the message
            names the file and the entries.
    """
    try:
        with open(ann_file, encoding='utf-8') as f:
            dataset = json.load(f)
    except json.JSONDecodeError as err:
        raise ValueError(f'{ann_file}: not a json file ({err}).') from err
    check_coco_dict(dataset, str(ann_file))
    for ann in dataset.get('annotations', []):
        if 'area' not in ann:
            ann['area'] = float(ann['bbox'][2]) * float(ann['bbox'][3])
    return coco_from_dict(dataset)


def fit_to_images(coco: COCO) -> COCO:
    """``coco`` with every box clipped to its image and the boxes without area inside it left
    out, as training saw them (``fit_box``; ``Coco`` warns about each one). Scored unchanged, a
    box reaching past the border could not be matched by a prediction of its visible part, and
    one without area could never be found: the mAP would drop for an annotation error."""
    kept, changed = [], False
    for ann in coco.dataset.get('annotations', []):
        image = coco.imgs[ann['image_id']]
        x, y, w, h = (float(v) for v in ann['bbox'])
        box = fit_box([x, y, x + w, y + h], image['width'], image['height'])
        if box != [x, y, x + w, y + h]:
            changed = True
            if box is None:
                continue
            ann = dict(ann, bbox=[box[0], box[1], box[2] - box[0], box[3] - box[1]])
        kept.append(ann)
    return coco_from_dict(dict(coco.dataset, annotations=kept)) if changed else coco


def check_coco_dict(dataset: dict, where: str) -> None:
    """Raise ``ValueError`` (naming ``where`` and the entries) for what ``load_coco`` rejects."""
    if not isinstance(dataset, dict) or not {'images', 'categories'} <= set(dataset):
        keys = sorted(dataset) if isinstance(dataset, dict) else type(dataset).__name__
        raise ValueError(f'{where}: a COCO annotation file needs "images", "annotations" and '
                         f'"categories"; it has {keys}.')
    for part in ('images', 'annotations', 'categories'):
        _check_ids(dataset.get(part, []), part, where)
    _check_keys(dataset['images'], 'image', ('file_name', 'width', 'height'), where)
    _check_keys(dataset.get('annotations', []), 'annotation', ('image_id', 'category_id'),
                where)
    _check_keys(dataset['categories'], 'category', ('name',), where)
    _check_repeats(dataset['images'], 'id', 'file_name', where,
                   'image id {key} is listed {count} times, as {others}: only one of them '
                   'would be kept')
    _check_repeats(dataset['images'], 'file_name', 'id', where,
                   'file_name {key!r} is listed {count} times, as image ids {others}: the '
                   'picture would be trained on each entry with only its part of the boxes')
    _check_repeats(dataset.get('annotations', []), 'id', 'image_id', where,
                   'annotation id {key} is used {count} times (images {others}): COCO '
                   'evaluation would score one in place of the other; give every annotation '
                   'its own id')
    image_ids = {image['id'] for image in dataset['images']}
    for ann in dataset.get('annotations', []):
        if ann['image_id'] not in image_ids:
            raise ValueError(f'{where}: annotation {ann["id"]} refers to image id '
                             f'{ann["image_id"]}, which is not in "images".')
    bad = [ann['id'] for ann in dataset.get('annotations', []) if not _is_box(ann.get('bbox'))]
    if bad:
        raise ValueError(f'{where}: annotation(s) {bad[:_SHOWN]} have no "bbox" of 4 numbers '
                         '[x, y, width, height].')


def _check_ids(entries: list, part: str, where: str) -> None:
    bad = [entry for entry in entries
           if not isinstance(entry.get('id'), numbers.Integral) or isinstance(entry['id'], bool)]
    if bad:
        shown = ', '.join(json.dumps(entry)[:120] for entry in bad[:_SHOWN])
        raise ValueError(f'{where}: {len(bad)} of "{part}" have no integer "id" (COCO ids are '
                         f'integers): {shown}.')


def _check_keys(entries: list, kind: str, keys: tuple, where: str) -> None:
    for entry in entries:
        missing = [key for key in keys if key not in entry]
        if missing:
            raise ValueError(f'{where}: {kind} id {entry["id"]} has no {missing}.')


def _check_repeats(entries: list, key: str, other: str, where: str, message: str) -> None:
    seen = {}
    for entry in entries:
        seen.setdefault(entry.get(key), []).append(entry.get(other))
    repeated = [(value, others) for value, others in seen.items() if len(others) > 1]
    if repeated:
        value, others = repeated[0]
        more = f' ({len(repeated) - 1} more repeated)' if len(repeated) > 1 else ''
        raise ValueError(f'{where}: ' + message.format(key=value, count=len(others),
                                                       others=others) + f'{more}.')


def _is_box(bbox) -> bool:
    return (isinstance(bbox, (list, tuple)) and len(bbox) == 4
            and all(isinstance(v, numbers.Real) for v in bbox))
