"""The TFRecord converter, run through its CLI (tools/convert_to_tfrecord.py)."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

import convert_to_tfrecord
from easycv_like.data.sources import ImageList, TFRecord
from easycv_like.data.tfrecord import decode_example, read_index, read_record, scan_offsets

from ..image_files import random_image, write_bad_images, write_image
from ..test_cifar import _write_cifar10


def _convert(src: str, out: str, *extra: str) -> list:
    return convert_to_tfrecord.main(['--src-type', 'list', '--src', src, '--out', out, *extra])


def _smooth_image(seed: int, h: int = 48, w: int = 64) -> np.ndarray:
    """A photo-like image (JPEG-friendly gradients), so JPEG error stays small."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    phase = np.random.default_rng(seed).uniform(0, 6, 3)
    img = [127 + 100 * np.sin(xx / 9 + phase[c]) * np.cos(yy / 11 + phase[c]) for c in range(3)]
    return np.clip(np.stack(img, axis=-1), 0, 255).astype(np.uint8)


def _jpeg_list(folder, count: int = 5) -> str:
    os.makedirs(osp.join(folder, 'jpg'), exist_ok=True)
    lines = []
    for i in range(count):
        path = osp.join(folder, 'jpg', f'{i}.jpg')
        cv2.imwrite(path, cv2.cvtColor(_smooth_image(i, 40 + 8 * i, 60), cv2.COLOR_RGB2BGR))
        lines.append(f'jpg/{i}.jpg {i % 2}\n')
    list_file = osp.join(folder, 'jpg.txt')
    with open(list_file, 'w') as f:
        f.writelines(lines)
    return list_file


def test_png_round_trip_keeps_order_labels_and_pixels(tiny_digits, digits_tfrecord):
    source = ImageList(osp.join(tiny_digits, 'train_small.txt'))
    records = TFRecord(osp.join(digits_tfrecord, 'train-*.tfrecord'),
                       classes=osp.join(digits_tfrecord, 'classes.txt'))
    assert len(records) == len(source) == 120
    assert records.classes == [str(d) for d in range(10)]
    for i in range(len(source)):
        expected, got = source[i], records[i]
        assert got['gt_label'] == expected['gt_label']
        assert got['img_path'] == osp.relpath(expected['img_path'], tiny_digits)
        grey = cv2.imread(expected['img_path'], cv2.IMREAD_GRAYSCALE).astype(int)
        error = np.abs(got['img'].astype(int) - grey[..., None])
        assert got['img'].shape == (16, 16, 3) and error.mean() < 4 and error.max() < 64


def test_jpeg_passes_through_byte_for_byte_unless_max_side(tmp_path):
    list_file = _jpeg_list(str(tmp_path))
    paths = _convert(list_file, str(tmp_path / 'out'), '--shards', '2')
    assert [osp.basename(p) for p in paths] == ['train-00000-of-00002.tfrecord',
                                                'train-00001-of-00002.tfrecord']
    stored = []
    for path in paths:
        with open(path, 'rb') as f:
            stored += [decode_example(read_record(f, path, int(o), int(s)))
                       for o, s in read_index(path[:-len('.tfrecord')] + '.idx')]
    assert [r['index'] for r in stored] == list(range(5))
    assert [r['label'] for r in stored] == [0, 1, 0, 1, 0]
    for i, record in enumerate(stored):
        with open(tmp_path / 'jpg' / f'{i}.jpg', 'rb') as f:
            assert record['image'] == f.read() and record['filename'] == f'jpg/{i}.jpg'
    _convert(list_file, str(tmp_path / 'small'), '--max-side', '32')
    small = TFRecord(str(tmp_path / 'small' / 'train-*.tfrecord'))
    assert [max(small[i]['img'].shape[:2]) for i in range(5)] == [32] * 5


def test_index_offsets_point_at_every_record(digits_tfrecord):
    for shard in sorted(os.listdir(digits_tfrecord)):
        if shard.endswith('.tfrecord'):
            path = osp.join(digits_tfrecord, shard)
            index = read_index(path[:-len('.tfrecord')] + '.idx')
            np.testing.assert_array_equal(index, scan_offsets(path))
            assert index[:, 1].sum() == osp.getsize(path) and index[0, 0] == 0
            with open(path, 'rb') as f:
                assert all(decode_example(read_record(f, path, int(o), int(s)))['image']
                           for o, s in index)


def test_refuses_to_overwrite_without_force(tmp_path, capsys):
    list_file = _jpeg_list(str(tmp_path))
    out = str(tmp_path / 'out')
    _convert(list_file, out, '--shards', '2')
    with pytest.raises(SystemExit) as exit_info:  # one error line, no traceback
        _convert(list_file, out)
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"convert_to_tfrecord.py: error: 4 'train' TFRecord files already exist in {out!r} "
        f"(e.g. {out}/train-00000-of-00002.idx); pass force=True (--force) to replace them.")
    _convert(list_file, out, '--shards', '3', '--force')
    names = sorted(os.listdir(out))
    assert names == sorted(f'train-{i:05d}-of-00003.{ext}' for i in range(3)
                           for ext in ('tfrecord', 'idx'))
    _convert(list_file, out, '--prefix', 'val')  # another prefix is not an overwrite


def test_bad_images_are_named_and_nothing_is_written(tmp_path, capsys):
    bad = write_bad_images(str(tmp_path / 'images'))
    cv2.imwrite(str(tmp_path / 'images' / 'good.png'), random_image(0))
    (tmp_path / 'list.txt').write_text('images/good.png 0\n' + ''.join(
        f'images/{name} 1\n' for name in bad))
    with pytest.raises(SystemExit) as exit_info:  # one error, every bad file, no traceback
        _convert(str(tmp_path / 'list.txt'), str(tmp_path / 'out'))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and 'Traceback' not in err
    assert err.startswith(f'convert_to_tfrecord.py: error: {len(bad)} of {len(bad) + 1} images')
    for path in bad.values():
        assert path in err
    assert 'good.png' not in err and os.listdir(tmp_path / 'out') == []


def test_workers_and_shuffle_seed(tmp_path):
    list_file = _jpeg_list(str(tmp_path), count=7)
    _convert(list_file, str(tmp_path / 'a'), '--shards', '2')
    _convert(list_file, str(tmp_path / 'b'), '--shards', '2', '--workers', '2')
    for name in ('train-00000-of-00002.tfrecord', 'train-00001-of-00002.tfrecord'):
        assert (tmp_path / 'a' / name).read_bytes() == (tmp_path / 'b' / name).read_bytes()
    _convert(list_file, str(tmp_path / 's'), '--shuffle-seed', '3')
    shuffled = TFRecord(str(tmp_path / 's' / 'train-*.tfrecord'))
    names = [shuffled[i]['img_path'] for i in range(7)]
    assert sorted(names) == sorted(f'jpg/{i}.jpg' for i in range(7))
    assert names != sorted(names)


def test_folder_and_cifar_sources(tmp_path):
    for label, name in enumerate(('cat', 'dog')):
        write_image(str(tmp_path / 'tree' / name / f'{name}.png'), random_image(label))
    convert_to_tfrecord.main(['--src-type', 'folder', '--src', str(tmp_path / 'tree'),
                              '--out', str(tmp_path / 'tree_out')])
    records = TFRecord(str(tmp_path / 'tree_out' / 'train-*.tfrecord'),
                       classes=str(tmp_path / 'tree_out' / 'classes.txt'))
    assert records.classes == ['cat', 'dog']
    assert [(records[i]['img_path'], records[i]['gt_label']) for i in range(2)] == [
        ('cat/cat.png', 0), ('dog/dog.png', 1)]
    write_image(str(tmp_path / 'val' / 'dog' / 'dog.png'), random_image(3))  # no 'cat' in val
    convert_to_tfrecord.main(['--src-type', 'folder', '--src', str(tmp_path / 'val'),
                              '--classes', str(tmp_path / 'tree'), '--prefix', 'val',
                              '--out', str(tmp_path / 'tree_out')])
    assert TFRecord(str(tmp_path / 'tree_out' / 'val-*.tfrecord'))[0]['gt_label'] == 1
    _write_cifar10(tmp_path / 'cifar')
    convert_to_tfrecord.main(['--src-type', 'cifar', '--src', str(tmp_path / 'cifar'),
                              '--split', 'test', '--out', str(tmp_path / 'cifar_out'),
                              '--prefix', 'test'])
    cifar = TFRecord(str(tmp_path / 'cifar_out' / 'test-*.tfrecord'))
    assert [cifar[i]['gt_label'] for i in range(3)] == [9, 8, 7]
    assert cifar[2]['img'].shape == (32, 32, 3)
    assert np.abs(cifar[2]['img'][10, 10].astype(int) - [2, 102, 202]).max() <= 6


def test_only_jpegs_every_decoder_reads_alike_pass_through(tmp_path):
    from PIL import Image

    from easycv_like.data.tfrecord.image_encoding import jpeg_needs_normalising
    pil = Image.fromarray(_smooth_image(0))
    pil.save(tmp_path / 'plain.jpg', quality=90)
    pil.save(tmp_path / 'progressive.jpg', quality=90, progressive=True)
    pil.convert('L').save(tmp_path / 'grey.jpg', quality=90)
    pil.convert('CMYK').save(tmp_path / 'cmyk.jpg', quality=90)
    read = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert {name: jpeg_needs_normalising(data) for name, data in read.items()} == {
        'plain.jpg': False, 'progressive.jpg': False, 'grey.jpg': False, 'cmyk.jpg': True}
    plain = read['plain.jpg']
    sof = plain.index(b'\xff\xc0')
    arithmetic = plain[:sof + 1] + b'\xc9' + plain[sof + 2:]
    twelve_bit = plain[:sof + 4] + b'\x0c' + plain[sof + 5:]
    assert jpeg_needs_normalising(arithmetic) and jpeg_needs_normalising(twelve_bit)
