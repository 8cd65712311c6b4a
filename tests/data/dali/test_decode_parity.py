"""Odd image files converted to TFRecord decode to the same pixels on the CPU path (``TFRecord``
source + cv2) and the DALI path (CPU mode), and as ``LoadImage`` decodes the original file."""
import os

import numpy as np
import pytest
from PIL import Image

pytest.importorskip('nvidia.dali')

from nvidia.dali import fn, pipeline_def  # noqa: E402

from easycv_like.data.dali.pipelines import decoder_args  # noqa: E402
from easycv_like.data.dali.readers import TFRecordReader  # noqa: E402
from easycv_like.data.sources import ImageFolder, TFRecord  # noqa: E402
from easycv_like.data.tfrecord import convert_to_tfrecord  # noqa: E402
from easycv_like.data.transforms.loading import LoadImage  # noqa: E402

from ..image_files import write_odd_images  # noqa: E402


def _photos(folder: str) -> None:
    """The odd files of ``write_odd_images`` plus an EXIF-turned JPEG, a PNG named .jpg, a 1x1
    and a very wide image, in two class folders."""
    y, x = np.mgrid[0:24, 0:32]
    img = np.stack([x * 8, y * 10, (x + y) * 4], axis=-1).astype(np.uint8)
    write_odd_images(os.path.join(folder, 'shoe'), img)
    hat = os.path.join(folder, 'hat')
    os.makedirs(hat)
    pil = Image.fromarray(img)
    exif = pil.getexif()
    exif[0x0112] = 6
    pil.save(os.path.join(hat, 'turned.jpg'), quality=95, exif=exif)
    pil.save(os.path.join(hat, 'png_named.jpg'), format='PNG')
    Image.fromarray(np.full((1, 1, 3), 200, np.uint8)).save(os.path.join(hat, 'dot.jpg'))
    Image.fromarray(np.tile(img, (1, 40, 1))[:4]).save(os.path.join(hat, 'wide.jpg'))


def _dali_images(shards: str, count: int) -> list:
    reader = TFRecordReader(shards)

    @pipeline_def
    def decode():
        encoded, _ = reader.read(0, 1, None, 0)
        return fn.decoders.image(encoded, **decoder_args('cpu', 1.0))

    pipe = decode(batch_size=count, num_threads=1, device_id=None, seed=0)
    pipe.build()
    return [np.array(image) for image in pipe.run()[0]]


@pytest.mark.parametrize('lossless', [False, True])
def test_both_paths_decode_every_stored_image_as_load_image(tmp_path, lossless):
    _photos(str(tmp_path / 'photos'))
    source = ImageFolder(str(tmp_path / 'photos'))
    convert_to_tfrecord(source, str(tmp_path / 'tf'), num_shards=2, lossless=lossless,
                        progress=False)
    shards = str(tmp_path / 'tf' / 'train-*.tfrecord')
    cpu = TFRecord(shards)
    dali = _dali_images(shards, len(source))
    passed_through = []
    for i in range(len(source)):
        path = source[i]['img_path']
        original = LoadImage()(dict(img_path=path))['img']
        stored = cpu[i]['img']
        assert np.array_equal(dali[i], stored), path  # the two paths: the same pixels
        assert stored.shape == original.shape, path  # upright, 3 channels
        error = np.abs(stored.astype(int) - original).mean()
        assert error < (1e-9 if lossless else 6), path  # JPEG's loss (most on flat colours)
        if os.path.splitext(path)[1] == '.jpg' and error == 0:
            passed_through.append(os.path.basename(path))
    if not lossless:  # CMYK and the PNG named .jpg were re-encoded
        assert sorted(passed_through) == ['dot.jpg', 'grey.jpg', 'progressive.jpg',
                                          'turned.jpg', 'wide.jpg']


def test_decoder_arguments_turn_images_upright_on_the_gpu_too():
    assert decoder_args('mixed', 0.5) == dict(
        device='mixed', output_type=decoder_args('cpu', 1.0)['output_type'],
        adjust_orientation=True, hw_decoder_load=0.5)
