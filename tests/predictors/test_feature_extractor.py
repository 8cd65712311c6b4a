"""FeatureExtractor: pooled backbone features from a checkpoint alone."""
import numpy as np
import pytest
import torch

from easycv_like import FeatureExtractor
from easycv_like.predictors.feature_extractor import pooled_features
from easycv_like.registry import MODELS

from .test_classification_predictor import _val_images


@pytest.fixture(scope='module')
def extractor(trained_run):
    return FeatureExtractor(trained_run['checkpoint'], device='cpu')


def test_shape_dtype_and_batching(extractor, tiny_digits):
    images, _ = _val_images(tiny_digits, limit=10)
    feats = extractor.extract(images, batch_size=4)
    assert feats.shape == (10, 512) and feats.dtype == np.float32
    np.testing.assert_allclose(extractor.extract(images, batch_size=10), feats, rtol=1e-5,
                               atol=1e-6)
    assert (feats >= 0).all()  # average of ReLU outputs


def test_l2norm(extractor, tiny_digits):
    images, _ = _val_images(tiny_digits, limit=6)
    raw = extractor.extract(images)
    unit = extractor.extract(images, l2norm=True)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(unit, raw / np.linalg.norm(raw, axis=1, keepdims=True),
                               rtol=1e-5, atol=1e-6)


def test_features_are_what_the_classifier_head_reads(extractor, tiny_digits):
    images, _ = _val_images(tiny_digits, limit=5)
    feats = torch.from_numpy(extractor.extract(images))
    logits = torch.stack(list(extractor.forward(images, mode='tensor')))
    with torch.no_grad():
        torch.testing.assert_close(extractor.model.head.fc(feats), logits, rtol=1e-4,
                                   atol=1e-4)


def test_no_images_is_an_error(extractor):
    with pytest.raises(ValueError, match='no images'):
        extractor.extract([])


def test_two_dimensional_output_matches_self_supervised_predict():
    vit = dict(type='VisionTransformer', img_size=16, patch_size=4, embed_dim=32, depth=1,
               num_heads=2)
    neck = dict(type='DINONeck', in_channels=32, out_channels=16, hid_channels=24,
                bottleneck_channels=8)
    model = MODELS.build(dict(type='DINO', backbone=vit, neck=neck,
                              head=dict(type='DINOHead', out_channels=16))).eval()
    images = torch.randn(3, 3, 16, 16)
    expected = torch.stack([d['feature'] for d in model.predict(images)])
    torch.testing.assert_close(pooled_features(model, [images], l2norm=True), expected)
    assert pooled_features(model, images).shape == (3, 32)
