"""MoBYHead: MoBY's predictor and asymmetric loss live in its head; older checkpoints load."""
import torch
import torch.nn.functional as F

from easycv_like.models.heads import MoBYHead
from easycv_like.models.losses.info_nce import info_nce

from .test_moby import _mlp, _moby


def test_each_prediction_meets_the_other_views_key_and_queue():
    torch.manual_seed(0)
    head = MoBYHead(_mlp(16), temperature=0.5).eval()
    z = [torch.randn(3, 16) for _ in range(2)]
    keys = [F.normalize(torch.randn(3, 16), dim=1) for _ in range(2)]
    queues = [F.normalize(torch.randn(5, 16), dim=1) for _ in range(2)]
    p1, p2 = (F.normalize(head.predictor((x,))[0], dim=1) for x in z)
    expected = (info_nce((p1 * keys[1]).sum(1, keepdim=True), p1 @ queues[1].t(), 0.5)
                + info_nce((p2 * keys[0]).sum(1, keepdim=True), p2 @ queues[0].t(), 0.5))
    torch.testing.assert_close(head(z, keys, queues)['loss'], expected)


def test_a_moby_checkpoint_with_a_top_level_predictor_loads():
    old = _moby()
    state = {k.replace('head.predictor.', 'predictor.'): v for k, v in old.state_dict().items()}
    assert any(k.startswith('predictor.') for k in state)
    new = _moby()
    new.load_state_dict(state, strict=True)
    assert all(torch.equal(v, new.head.predictor.state_dict()[k])
               for k, v in old.head.predictor.state_dict().items())
