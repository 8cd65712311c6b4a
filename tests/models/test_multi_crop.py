import torch

from easycv_like.models.selfsup.multi_crop import forward_by_size


def test_equal_sized_crops_share_one_pass_and_keep_order():
    calls = []

    def network(x):
        calls.append(x.shape[0])
        return x.flatten(1).sum(1, keepdim=True)

    crops = [torch.full((2, 1, 4, 4), 1.0), torch.full((2, 1, 4, 4), 2.0),
             torch.full((2, 1, 2, 2), 3.0), torch.full((2, 1, 2, 2), 4.0),
             torch.full((2, 1, 2, 2), 5.0)]
    outputs = forward_by_size(network, crops)
    assert calls == [4, 6]
    assert [o.flatten().tolist() for o in outputs] == [
        [16.0, 16.0], [32.0, 32.0], [12.0, 12.0], [16.0, 16.0], [20.0, 20.0]]
