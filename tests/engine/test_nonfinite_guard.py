"""nonfinite='skip' leaves the model exactly as before the step (buffers included), under DDP a
NaN on one rank makes every rank skip (or stop) together, and a finite loss with Inf/NaN
gradients is caught before the optimizer step."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.logging import MessageHub
from torch import nn

from easycv_like import train
from easycv_like.engine.optimizers import GuardedOptimWrapper
from easycv_like.utils.checkpoint import load_checkpoint_file

from ..conftest import REPO, write_tiny_config

PLUGIN = '''
import os
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from easycv_like.registry import HOOKS


@HOOKS.register_module(force=True)
class NaNInputHook(Hook):
    """Feeds the backbone a NaN input at one iteration (on one rank, or all when rank=None):
    batch-norm statistics see the NaN before any loss is computed."""

    def __init__(self, at_iter, rank=None):
        self.at_iter, self.rank = at_iter, rank

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        backbone = model.backbone
        if not hasattr(backbone, '_clean_forward'):
            backbone._clean_forward = backbone.forward
        poison = runner.iter == self.at_iter and self.rank in (None, get_rank())
        backbone.forward = (lambda x: backbone._clean_forward(x * float('nan'))) if poison \\
            else backbone._clean_forward


@HOOKS.register_module(force=True)
class InfGradHook(Hook):
    """Makes the gradient of ``backbone.conv1.weight`` Inf at one iteration (the loss is finite)."""

    def __init__(self, at_iter):
        self.at_iter = at_iter

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.at_iter:
            model = runner.model.module if hasattr(runner.model, 'module') else runner.model
            handle = model.backbone.conv1.weight.register_hook(
                lambda grad: (handle.remove(), grad * float('inf'))[1])


@HOOKS.register_module(force=True)
class SaveRankWeightsHook(Hook):
    """Each rank saves its final parameters and buffers as rank<r>.pt in the work dir."""

    def after_train(self, runner):
        model = runner.model.module if hasattr(runner.model, 'module') else runner.model
        state = dict(params={k: v.detach() for k, v in model.named_parameters()},
                     buffers=dict(model.named_buffers()))
        torch.save(state, os.path.join(runner.work_dir, f'rank{get_rank()}.pt'))
'''


@pytest.fixture
def nan_plugin(tmp_path, monkeypatch):
    (tmp_path / 'nan_plugin.py').write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv('PYTHONPATH', f'{tmp_path}{osp.pathsep}{REPO}')
    sys.modules.pop('nan_plugin', None)
    yield
    sys.modules.pop('nan_plugin', None)


class _QueueNet(nn.Module):
    """Batch norm, a MoCo-like queue and pointer updated in place, and a DINO-like centre that
    the forward pass replaces by a new tensor."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.bn = nn.BatchNorm1d(2)
        self.register_buffer('queue', torch.zeros(4, 2))
        self.register_buffer('ptr', torch.zeros(1, dtype=torch.long))
        self.register_buffer('center', torch.zeros(2))

    def forward(self, x):
        out = self.bn(self.fc(x))
        with torch.no_grad():
            self.queue[self.ptr] = out[0].detach()
            self.ptr += 1
            self.center = 0.9 * self.center + 0.1 * out.mean(0)
        return out.square().mean()


def _state(net):
    return {k: v.clone() for k, v in net.state_dict().items()}


def test_skip_restores_every_buffer_the_forward_touched():
    MessageHub.get_current_instance()
    torch.manual_seed(0)
    net = _QueueNet()
    wrapper = GuardedOptimWrapper(torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9),
                                  nonfinite='skip')
    with wrapper.optim_context(net):
        loss = net(torch.randn(4, 3))
    wrapper.update_params(loss)  # a good step first, so momentum state exists
    before = _state(net)
    with wrapper.optim_context(net):
        loss = net(torch.full((4, 3), float('nan')))
    assert torch.isnan(net.bn.running_mean).all() and int(net.ptr) == 2  # forward touched them
    wrapper.update_params(loss)
    after = _state(net)
    assert wrapper.total_skips == 1
    for key, value in before.items():
        assert torch.equal(value, after[key]), key  # params, BN stats, queue, pointer, centre
    with wrapper.optim_context(net):
        loss = net(torch.randn(4, 3))
    wrapper.update_params(loss)
    assert int(net.ptr) == 2 and torch.isfinite(net.bn.running_mean).all()


class _SqrtNet(nn.Module):
    """A finite loss (sqrt(0) = 0) whose gradient is NaN (0 x Inf) for ``fc.weight``."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.bias = nn.Parameter(torch.ones(2))

    def forward(self, x, poison):
        loss = (self.fc(x) + self.bias).square().mean()
        return loss + (self.fc.weight * 0).sum().sqrt() if poison else loss


def test_finite_loss_with_nan_gradients_stops_naming_the_parameter():
    MessageHub.get_current_instance()
    net = _SqrtNet()
    wrapper = GuardedOptimWrapper(torch.optim.SGD(net.parameters(), lr=0.1))
    before = _state(net)
    loss = net(torch.randn(4, 3), poison=True)
    assert torch.isfinite(loss)
    with pytest.raises(FloatingPointError, match=r'Gradients hold Inf/NaN \(loss finite\) in 1 '
                                                 r'parameters: fc\.weight at iteration'):
        with wrapper.optim_context(net):
            wrapper.update_params(loss)
    assert all(torch.equal(v, _state(net)[k]) for k, v in before.items())


def test_finite_loss_with_nan_gradients_is_skipped():
    MessageHub.get_current_instance()
    torch.manual_seed(0)
    net = _SqrtNet()
    wrapper = GuardedOptimWrapper(torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9),
                                  nonfinite='skip')
    for poison in (False, True, True):
        with wrapper.optim_context(net):
            loss = net(torch.randn(4, 3), poison)
        if poison and wrapper.total_skips == 0:
            before, momenta = _state(net), [s['momentum_buffer'].clone()
                                            for s in wrapper.optimizer.state.values()]
        wrapper.update_params(loss)
    assert (wrapper.total_skips, wrapper.consecutive_skips) == (2, 2)
    assert all(torch.equal(v, _state(net)[k]) for k, v in before.items())
    assert all(torch.equal(m, s['momentum_buffer'])
               for m, s in zip(momenta, wrapper.optimizer.state.values()))
    assert all(p.grad is None for p in net.parameters())
    with wrapper.optim_context(net):
        wrapper.update_params(net(torch.randn(4, 3), poison=False))
    assert wrapper.consecutive_skips == 0 and not torch.equal(before['bias'], net.bias)


def test_huge_finite_gradients_are_not_refused():
    """The screen's L2 norm overflows on 1e30-sized values; each tensor is then checked, and
    finite gradients are applied."""
    MessageHub.get_current_instance()
    net = nn.Linear(3, 2)
    wrapper = GuardedOptimWrapper(torch.optim.SGD(net.parameters(), lr=1e-30))
    before = net.weight.detach().clone()
    with wrapper.optim_context(net):
        wrapper.update_params((net(torch.ones(1, 3)) * 1e30).sum())
    assert torch.isinf(torch.nn.utils.get_total_norm([torch.full((4,), 1e30)]))
    assert not torch.equal(before, net.weight) and torch.isfinite(net.weight).all()


def test_inf_gradient_in_a_run_stops_before_the_update(tmp_path, tiny_digits, nan_plugin):
    cfg = write_tiny_config(str(tmp_path), tiny_digits, extra=(
        "custom_imports = dict(imports=['nan_plugin'])\n"
        "custom_hooks = [dict(type='InfGradHook', at_iter=3)]\n"
        "checkpoint_config = dict(interval=1, by_epoch=False, max_keep_ckpts=-1)\n"
        "eval_pipelines = []\n"))
    with pytest.raises(FloatingPointError, match=r'in 1 parameters: backbone\.conv1\.weight at '
                                                 r'iteration 3'):
        train(cfg, work_dir=str(tmp_path / 'W'), cfg_options={'total_epochs': 1})
    assert not (tmp_path / 'W' / 'iter_4.pth').exists()
    last = load_checkpoint_file(tmp_path / 'W' / 'iter_3.pth')['state_dict']
    assert all(torch.isfinite(v).all() for v in last.values() if v.is_floating_point())


def test_nan_input_skip_keeps_batch_norm_clean(tmp_path, tiny_digits, nan_plugin):
    cfg = write_tiny_config(str(tmp_path), tiny_digits, extra=(
        "custom_imports = dict(imports=['nan_plugin'])\n"
        "custom_hooks = [dict(type='NaNInputHook', at_iter=3)]\n"
        "optimizer_config = dict(nonfinite='skip', max_nonfinite=2)\n"
        "checkpoint_config = dict(interval=1, by_epoch=False, max_keep_ckpts=-1)\n"
        "eval_pipelines = []\n"))
    train(cfg, work_dir=str(tmp_path / 'W'), cfg_options={'total_epochs': 1})
    before = load_checkpoint_file(tmp_path / 'W' / 'iter_3.pth')
    after = load_checkpoint_file(tmp_path / 'W' / 'iter_4.pth')
    for key, value in before['state_dict'].items():  # weights and BN buffers alike
        assert torch.equal(value, after['state_dict'][key]), key
    assert after['message_hub']['log_scalars']['train/nonfinite_skips']['log_history'][-1] == 1
    last = load_checkpoint_file(tmp_path / 'W' / 'iter_8.pth')['state_dict']
    assert all(torch.isfinite(v).all() for v in last.values() if v.is_floating_point())
    assert not torch.equal(last['backbone.bn1.running_mean'],
                           after['state_dict']['backbone.bn1.running_mean'])  # trained on


def _dist_config(tmp_path, tiny_digits, policy):
    return write_tiny_config(str(tmp_path), tiny_digits, extra=(
        "custom_imports = dict(imports=['nan_plugin'])\n"
        "custom_hooks = [dict(type='NaNInputHook', at_iter=1, rank=1), "
        "dict(type='SaveRankWeightsHook')]\n"
        f"optimizer_config = dict(nonfinite={policy!r})\n"
        "eval_pipelines = []\n"
        "lr_config = dict(warmup_iters=2)\n"))  # one epoch is 4 iterations on each of 2 ranks


def test_ddp_nan_on_one_rank_all_ranks_skip_together(tmp_path, tiny_digits, nan_plugin):
    work = tmp_path / 'W'
    train(_dist_config(tmp_path, tiny_digits, 'skip'), gpus=2, work_dir=str(work),
          cfg_options={'total_epochs': 1})
    rank0, rank1 = torch.load(work / 'rank0.pt'), torch.load(work / 'rank1.pt')
    for key, value in rank0['params'].items():  # one model: the same weights on both ranks
        assert torch.equal(value, rank1['params'][key]), key
        assert torch.isfinite(value).all(), key
    for key, value in rank0['buffers'].items():  # batch-norm statistics averaged over ranks
        assert torch.equal(value, rank1['buffers'][key]), key
        assert not value.is_floating_point() or torch.isfinite(value).all(), key
    hub = load_checkpoint_file(work / 'epoch_1.pth')['message_hub']
    assert hub['log_scalars']['train/nonfinite_skips']['log_history'][-1] == 1


@pytest.mark.slow
def test_ddp_nan_on_one_rank_stops_every_rank_naming_it(tmp_path, tiny_digits, nan_plugin,
                                                       capfd):
    with pytest.raises(subprocess.CalledProcessError):
        train(_dist_config(tmp_path, tiny_digits, 'stop'), gpus=2,
              work_dir=str(tmp_path / 'W'), cfg_options={'total_epochs': 1})
    err = capfd.readouterr().err
    assert '[rank1]: easycv_like.engine.optimizers.nonfinite_guard.NonFiniteLossError: Loss ' \
           'is nan at iteration 1 (non-finite terms: loss=nan)' in err
    assert '[rank0]: easycv_like.engine.optimizers.nonfinite_guard.NonFiniteLossError: Loss ' \
           'is non-finite on another rank' in err
