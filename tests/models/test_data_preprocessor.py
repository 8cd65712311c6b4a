"""ClsDataPreprocessor: exact normalisation, views, channels_last, pass-through samples."""
import torch

from easycv_like.models import ClsDataPreprocessor


def _batch(images):
    return {'inputs': images,
            'data_samples': {'gt_label': torch.tensor([1, 0]), 'sample_idx': torch.tensor([4, 7]),
                             'img_path': ['a.jpg', 'b.jpg']}}


def test_normalisation_values():
    images = torch.randint(0, 256, (2, 3, 4, 5), dtype=torch.uint8)
    pre = ClsDataPreprocessor(mean=(10.0, 20.0, 30.0), std=(2.0, 4.0, 5.0))
    out = pre(_batch(images))
    mean = torch.tensor([10.0, 20.0, 30.0]).view(1, 3, 1, 1)
    std = torch.tensor([2.0, 4.0, 5.0]).view(1, 3, 1, 1)
    assert out['inputs'].dtype == torch.float32
    torch.testing.assert_close(out['inputs'], (images.float() - mean) / std, rtol=0, atol=0)
    assert out['inputs'][0, 1, 0, 0].item() == (images[0, 1, 0, 0].item() - 20.0) / 4.0


def test_default_imagenet_values():
    images = torch.full((1, 3, 2, 2), 255, dtype=torch.uint8)
    out = ClsDataPreprocessor()({'inputs': images, 'data_samples': None})
    expected = [(255 - 123.675) / 58.395, (255 - 116.28) / 57.12, (255 - 103.53) / 57.375]
    torch.testing.assert_close(out['inputs'][0, :, 0, 0], torch.tensor(expected))


def test_list_of_views_normalised_alike():
    view0 = torch.randint(0, 256, (2, 3, 8, 8), dtype=torch.uint8)
    view1 = torch.randint(0, 256, (2, 3, 4, 4), dtype=torch.uint8)
    pre = ClsDataPreprocessor()
    out = pre(_batch([view0, view1]), training=True)
    assert isinstance(out['inputs'], list) and len(out['inputs']) == 2
    torch.testing.assert_close(out['inputs'][0], pre.normalize(view0))
    torch.testing.assert_close(out['inputs'][1], (view1.float() - pre.mean) / pre.std)
    assert out['inputs'][1].shape == (2, 3, 4, 4)


def test_data_samples_pass_through():
    out = ClsDataPreprocessor()(_batch(torch.zeros(2, 3, 2, 2, dtype=torch.uint8)))
    assert out['data_samples']['img_path'] == ['a.jpg', 'b.jpg']
    assert torch.equal(out['data_samples']['gt_label'], torch.tensor([1, 0]))


def test_channels_last():
    images = torch.randint(0, 256, (2, 3, 6, 6), dtype=torch.uint8)
    out = ClsDataPreprocessor(channels_last=True)(_batch(images))
    assert out['inputs'].is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(out['inputs'], ClsDataPreprocessor().normalize(images))


def test_buffers_not_in_state_dict():
    assert ClsDataPreprocessor().state_dict() == {}
