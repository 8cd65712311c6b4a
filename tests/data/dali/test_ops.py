"""The DALI augmentation operators, checked on known images in a CPU pipeline."""
import numpy as np
import pytest

pytest.importorskip('nvidia.dali')

from nvidia.dali import fn, pipeline_def  # noqa: E402

from easycv_like.data.dali import ops  # noqa: E402
from easycv_like.data.dali.pipelines import augment_view  # noqa: E402
from easycv_like.data.dali.view_spec import ViewSpec  # noqa: E402

IMAGE = np.random.default_rng(0).integers(0, 256, (10, 14, 3), dtype=np.uint8)


def _run(transform, batch: int = 2) -> np.ndarray:
    """Apply ``transform`` to a batch of copies of IMAGE; a B x ... array."""
    @pipeline_def(batch_size=batch, num_threads=1, device_id=None, seed=5,
                  enable_conditionals=True)
    def pipe():
        images = fn.external_source(source=lambda: [IMAGE] * batch, layout='HWC', batch=True)
        return transform(images)

    built = pipe()
    built.build()
    (out,) = built.run()
    return np.stack([np.asarray(out[i]) for i in range(batch)])


def test_probability_zero_is_identity_and_chw_layout():
    def transform(images):
        images = ops.color_jitter(images, 0.4, 0.4, 0.4, 0.1, prob=0.0)
        images = ops.random_grayscale(images, 0.0)
        images = ops.gaussian_blur(images, (0.1, 2.0), 0.0)
        return ops.flip_to_chw(ops.solarize(images, 0.0), 0.0)
    out = _run(transform)
    assert out.dtype == np.uint8 and out.shape == (2, 3, 10, 14)
    np.testing.assert_array_equal(out[0], IMAGE.transpose(2, 0, 1))


def test_probability_one_operators():
    solarized = _run(lambda images: ops.solarize(images, 1.0))[0]
    np.testing.assert_array_equal(solarized, np.where(IMAGE < 128, IMAGE, 255 - IMAGE))
    flipped = _run(lambda images: ops.flip_to_chw(images, 1.0))[0]
    np.testing.assert_array_equal(flipped, IMAGE[:, ::-1].transpose(2, 0, 1))
    grey = _run(lambda images: ops.random_grayscale(images, 1.0))[0].astype(int)
    assert np.abs(grey - grey[..., :1]).max() <= 1
    blurred = _run(lambda images: ops.gaussian_blur(images, (1.5, 1.5), 1.0))[0]
    assert blurred.astype(float).std() < IMAGE.astype(float).std() * 0.8
    jittered = _run(lambda images: ops.color_jitter(images, brightness=0.5, prob=1.0))
    assert not np.array_equal(jittered[0], IMAGE)


def test_views_from_specs():
    out = _run(lambda images: augment_view(images, ViewSpec(size=6, scale=(0.3, 1.0))), 4)
    assert out.shape == (4, 3, 6, 6) and len({o.tobytes() for o in out}) > 1
    centre = _run(lambda images: augment_view(images, ViewSpec(size=8, scale=None,
                                                               resize_size=10, flip_prob=0)))
    assert centre.shape == (2, 3, 8, 8) and np.array_equal(centre[0], centre[1])


def test_view_spec_rejects_unknown_keys():
    with pytest.raises(KeyError, match='blur_pro'):
        ViewSpec.from_dict(dict(size=8, blur_pro=0.5))
    assert ViewSpec.from_dict(dict(size=8, scale=[0.2, 1])).scale == (0.2, 1.0)
