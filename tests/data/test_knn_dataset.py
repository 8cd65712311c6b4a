"""KNNDataset: bank items first (knn_role 0), then queries (knn_role 1)."""
from easycv_like.registry import DATASETS


def _cls(image_list):
    return dict(type='ClsDataset', data_source=dict(type='ImageList', list_file=str(image_list)),
                pipeline=[dict(type='LoadImage'), dict(type='Resize', size=(4, 4)),
                          dict(type='PackInputs')])


def test_roles_order_and_length(image_list):
    dataset = DATASETS.build(dict(type='KNNDataset', bank=_cls(image_list),
                                  query=_cls(image_list)))
    assert len(dataset) == 12
    roles = [dataset[i]['data_samples']['knn_role'] for i in range(12)]
    assert roles == [0] * 6 + [1] * 6
    assert dataset[7]['data_samples']['sample_idx'] == 1
    assert dataset[-1]['data_samples']['sample_idx'] == 5
    assert dataset[7]['inputs'].shape == (3, 4, 4)
    dataset.set_epoch(3)
    assert dataset.bank.epoch == dataset.query.epoch == 3
