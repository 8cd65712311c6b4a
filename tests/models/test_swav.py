"""SwAV: Sinkhorn marginals, the swapped loss against a hand computation, the head (prototypes,
queue) and a multi-crop step."""
import pytest
import torch
import torch.nn.functional as F

from easycv_like.models.heads import SwAVHead
from easycv_like.models.losses import sinkhorn_knopp, swav_loss
from easycv_like.registry import MODELS

RESNET = dict(type='ResNet', depth=18, stem='small')
NECK = dict(type='MLPNeck', in_channels=512, hid_channels=32, out_channels=16, with_bias=True,
            with_avg_pool=False)


def _swav(**head):
    head = dict(dict(type='SwAVHead', feat_dim=16, num_prototypes=10, num_crops=(2, 2)), **head)
    return MODELS.build(dict(type='SwAV', backbone=RESNET, neck=NECK, head=head))


def _crops(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    big = [torch.randint(0, 256, (n, 3, 16, 16), dtype=torch.uint8, generator=g)
           for _ in range(2)]
    small = [torch.randint(0, 256, (n, 3, 8, 8), dtype=torch.uint8, generator=g)
             for _ in range(2)]
    return {'inputs': big + small, 'data_samples': {'gt_label': torch.full((n,), -1)}}


def _marginal_error(q: torch.Tensor) -> float:
    """Largest relative deviation of the prototype masses from uniform (1 / K each)."""
    k = q.shape[1]
    return ((q.sum(dim=0) / q.sum()) * k - 1).abs().max().item()


@pytest.mark.parametrize('n, k', [(8, 4), (6, 12), (32, 10)])
def test_sinkhorn_rows_sum_to_one_and_prototype_marginals_are_uniform(n, k):
    torch.manual_seed(n)
    scores = F.normalize(torch.randn(n, 16), dim=1) @ F.normalize(torch.randn(k, 16), dim=1).T
    q = sinkhorn_knopp(scores, epsilon=0.05, iterations=3)
    assert q.shape == (n, k) and (q >= 0).all()
    assert torch.allclose(q.sum(dim=1), torch.ones(n), atol=1e-5)  # each sample: one unit
    # prototype masses approach 1 / K as the iterations go: 3 iterations are already more
    # balanced than the plain per-sample softmax, and enough of them reach any tolerance
    errors = [_marginal_error(sinkhorn_knopp(scores, 0.05, it)) for it in (1, 3, 10, 100)]
    assert errors[1] < _marginal_error(torch.softmax(scores / 0.05, dim=1))
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-3


def test_sinkhorn_equals_the_hand_computation_of_one_round():
    scores = torch.tensor([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.0]])
    q = torch.exp(scores / 0.5).T  # K x B
    q = q / q.sum()
    q = q / q.sum(dim=1, keepdim=True) / 2
    q = q / q.sum(dim=0, keepdim=True) / 3
    assert torch.allclose(sinkhorn_knopp(scores, 0.5, 1), 3 * q.T, atol=1e-6)


def test_sinkhorn_on_half_precision_cosines_does_not_overflow():
    scores = torch.tensor([[1.0, -1.0, 0.2], [-1.0, 1.0, 0.9]])  # exp(1 / 0.05) > fp16 max
    q = sinkhorn_knopp(scores.half(), 0.05, 3)
    assert q.dtype == torch.float32 and torch.isfinite(q).all()
    assert torch.allclose(q, sinkhorn_knopp(scores, 0.05, 3), atol=1e-3)


def test_swav_loss_matches_hand_computation():
    scores = [torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 2.0]]), torch.tensor([[0.5, 0.5]])]
    codes = [torch.tensor([[0.75, 0.25]]), torch.tensor([[0.1, 0.9]])]
    t = 0.5

    def ce(q, s):
        log_p = s / t - torch.logsumexp(s / t, dim=1, keepdim=True)
        return -(q * log_p).sum()

    pairs = [(0, 1), (0, 2), (1, 0), (1, 2)]  # (assignment crop, predicting crop)
    expected = sum(ce(codes[i], scores[v]) for i, v in pairs) / 4
    assert swav_loss(scores, codes, (0, 1), t).item() == pytest.approx(expected.item(), rel=1e-6)


def test_head_normalises_prototypes_and_checks_the_crop_count():
    head = SwAVHead(feat_dim=8, num_prototypes=5, num_crops=(2, 1))
    with torch.no_grad():
        head.prototypes.weight.mul_(3.0)
    loss = head([torch.randn(4, 8) for _ in range(3)])['loss']
    assert torch.isfinite(loss) and loss > 0
    assert torch.allclose(head.prototypes.weight.norm(dim=1), torch.ones(5), atol=1e-6)
    with pytest.raises(ValueError, match='expects 3 crops'):
        head([torch.randn(4, 8) for _ in range(2)])
    with pytest.raises(ValueError, match='crops_for_assign'):
        SwAVHead(crops_for_assign=(0, 3), num_crops=(2, 1))


def test_queue_fills_oldest_first_and_joins_sinkhorn_only_when_in_use():
    torch.manual_seed(0)
    head = SwAVHead(feat_dim=8, num_prototypes=5, num_crops=(2,), queue_length=6)
    assert len(head.queues) == 2 and head.queues[0].features.shape == (6, 8)
    assert int(head.queues[0].count) == 0 and len(head.queues[0].filled()) == 0
    crops = [torch.randn(4, 8) for _ in range(2)]
    head(crops)
    assert int(head.queues[0].count) == 0  # not in use: nothing stored
    head.use_queue = True
    head(crops)
    assert int(head.queues[0].count) == 4
    assert torch.allclose(head.queues[1].filled(), F.normalize(crops[1], dim=1))
    newer = [torch.randn(4, 8) for _ in range(2)]
    with torch.no_grad():
        scores = [head.prototypes(F.normalize(z, dim=1)) for z in newer]
        stored = head.prototypes(head.queues[0].features[:4])
        expected = sinkhorn_knopp(torch.cat([stored, scores[0]]), 0.05, 3)[-4:]
        assert torch.allclose(head.codes(scores)[0], expected, atol=1e-6)
    head(newer)
    assert int(head.queues[0].count) == 6  # capped at queue_length
    queue = head.queues[0].features  # ring: the 2 oldest rows were overwritten
    assert torch.allclose(queue[4:], F.normalize(newer[0], dim=1)[:2])
    assert torch.allclose(queue[:2], F.normalize(newer[0], dim=1)[2:])
    assert torch.allclose(queue[2:4], F.normalize(crops[0], dim=1)[2:])
    assert int(head.queues[0].ptr) == 2


def test_multi_crop_step_groups_crops_by_resolution():
    torch.manual_seed(0)
    model = _swav().train()
    seen = []
    model.backbone.register_forward_hook(lambda m, args, out: seen.append(tuple(args[0].shape)))
    losses = model(**model.data_preprocessor(_crops(), training=True), mode='loss')
    assert seen == [(8, 3, 16, 16), (8, 3, 8, 8)]
    assert set(losses) == {'loss'} and torch.isfinite(losses['loss']) and losses['loss'] > 0
    losses['loss'].backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
    assert model.head.prototypes.weight.grad.abs().sum() > 0
    assert not model.momentum_pairs()
