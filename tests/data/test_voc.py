import numpy as np
import pytest

from easycv_like.data.sources import VocXml

XML = """<annotation><filename>{name}.jpg</filename>
<size><width>50</width><height>40</height><depth>3</depth></size>{objects}</annotation>"""
OBJ = """<object><name>{cls}</name><difficult>{difficult}</difficult>
<bndbox><xmin>{box[0]}</xmin><ymin>{box[1]}</ymin><xmax>{box[2]}</xmax><ymax>{box[3]}</ymax>
</bndbox></object>"""


def _write(root, name, objects):
    (root / 'Annotations').mkdir(parents=True, exist_ok=True)
    body = ''.join(OBJ.format(cls=c, difficult=d, box=b) for c, d, b in objects)
    (root / 'Annotations' / f'{name}.xml').write_text(XML.format(name=name, objects=body))


def test_parses_boxes_labels_difficult_and_empty_images(tmp_path):
    _write(tmp_path, 'b', [])
    _write(tmp_path, 'a', [('dog', 0, (1, 2, 10, 20)), ('person', 1, (5, 5, 50, 40))])
    (tmp_path / 'ImageSets').mkdir()
    (tmp_path / 'ImageSets' / 'train.txt').write_text('a\nb\n')
    for source in (VocXml(str(tmp_path)), VocXml(str(tmp_path), 'ImageSets/train.txt')):
        assert len(source) == 2 and source.image_size(0) == (40, 50)
        sample = source[0]
        assert sample['img_path'].endswith('JPEGImages/a.jpg') and sample['img_id'] == 0
        np.testing.assert_array_equal(sample['gt_bboxes'], [[0, 1, 10, 20], [4, 4, 50, 40]])
        assert sample['gt_labels'].tolist() == [11, 14]
        assert sample['gt_ignore'].tolist() == [False, True]
        assert source[1]['gt_bboxes'].shape == (0, 4)


def test_unknown_class_names_the_file_and_closest(tmp_path):
    _write(tmp_path, 'a', [('dgo', 0, (1, 2, 10, 20))])
    with pytest.raises(ValueError, match=r"a.xml: unknown class 'dgo' \(did you mean 'dog'"):
        VocXml(str(tmp_path))
    (tmp_path / 'Annotations' / 'a.xml').write_text('<annotation></annotation>')
    with pytest.raises(ValueError, match='a.xml: not a VOC annotation'):
        VocXml(str(tmp_path))


def test_out_of_bounds_and_empty_boxes_are_clipped_or_dropped_naming_the_file(
        tmp_path, mmengine_warnings):
    """The same rule as Coco's: a box reaching outside is clipped, one without area dropped."""
    _write(tmp_path, 'a', [('dog', 0, (45, 5, 60, 20)), ('cat', 0, (10, 10, 9, 30)),
                           ('person', 0, (1, 1, 5, 5))])
    sample = VocXml(str(tmp_path))[0]
    np.testing.assert_array_equal(sample['gt_bboxes'], [[44, 4, 50, 20], [0, 0, 5, 5]])
    assert sample['gt_labels'].tolist() == [11, 14]
    messages = [r.getMessage() for r in mmengine_warnings]
    assert any("a.xml: object 'dog'" in m and 'clipped' in m for m in messages)
    assert any("a.xml: object 'cat'" in m and 'dropped' in m for m in messages)


def test_classes_may_be_a_text_file_as_for_the_other_sources(tmp_path):
    """A classes.txt path was iterated letter by letter: one class per character."""
    _write(tmp_path, 'a', [('wasp', 0, (1, 2, 10, 20)), ('ant', 0, (5, 5, 50, 40))])
    (tmp_path / 'classes.txt').write_text('ant\nwasp\n')
    source = VocXml(str(tmp_path), classes=str(tmp_path / 'classes.txt'))
    assert source.classes == ['ant', 'wasp'] and source[0]['gt_labels'].tolist() == [1, 0]
    assert 'classes.txt' in source.class_origin
