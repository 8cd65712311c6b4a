"""Every URL scheme mmengine's CheckpointLoader knows goes through the weights-only loader.

Payloads are served from a loopback HTTP server (127.0.0.1 only) or planted in the hub cache;
unpickling one would create a marker file, which must never appear.
"""
import functools
import http.server
import os
import os.path as osp
import threading

import pytest
import torch
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import get_torchvision_models

from easycv_like import train
from easycv_like.registry import MODELS
from easycv_like.utils import checkpoint_schemes
from easycv_like.utils.checkpoint import CheckpointLoadError, UnsafeCheckpointError
from easycv_like.utils.checkpoint_schemes import hub_cache_path, install_safe_schemes


class _Sentinel:
    """Unpickling this runs code: it creates the file at ``path``."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, 'w'))


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A loopback HTTP server over ``served/`` holding ``evil.pth`` and ``good.pth``; the torch
    hub cache points into tmp_path. Yields ``(base_url, marker, weights)``."""
    folder = tmp_path / 'served'
    folder.mkdir()
    marker = tmp_path / 'pwned'
    weights = {'w': torch.arange(6.).reshape(2, 3)}
    torch.save({'state_dict': weights, 'meta': {'x': _Sentinel(str(marker))}},
               folder / 'evil.pth')
    torch.save({'state_dict': weights, 'meta': {'epoch': 1}}, folder / 'good.pth')
    for var in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY'):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv('NO_PROXY', '127.0.0.1')
    previous_hub = torch.hub.get_dir()
    torch.hub.set_dir(str(tmp_path / 'hub'))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{server.server_port}', marker, weights
    finally:
        server.shutdown()
        server.server_close()
        torch.hub.set_dir(previous_hub)


def test_every_known_scheme_is_ours():
    for prefix, loader in CheckpointLoader._schemes.items():
        assert loader.__module__.startswith('easycv_like.utils.'), (prefix, loader)


def test_served_payload_is_refused_and_never_runs(served):
    base, marker, _ = served
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        CheckpointLoader.load_checkpoint(f'{base}/evil.pth', map_location='cpu')
    assert not marker.exists()


def test_served_weights_load_into_the_hub_cache(served):
    base, _, weights = served
    ckpt = CheckpointLoader.load_checkpoint(f'{base}/good.pth', map_location='cpu')
    assert torch.equal(ckpt['state_dict']['w'], weights['w']) and ckpt['meta'] == {'epoch': 1}
    assert hub_cache_path(f'{base}/good.pth').startswith(torch.hub.get_dir())
    assert torch.load(hub_cache_path(f'{base}/good.pth'), weights_only=True)['meta']['epoch'] == 1


def test_wrong_hash_in_file_name_is_refused(served, tmp_path):
    base, _, _ = served
    (tmp_path / 'served' / 'good-0123abcd.pth').write_bytes(
        (tmp_path / 'served' / 'good.pth').read_bytes())
    with pytest.raises(RuntimeError, match='hash'):
        CheckpointLoader.load_checkpoint(f'{base}/good-0123abcd.pth')
    assert not (tmp_path / 'hub' / 'checkpoints' / 'good-0123abcd.pth').exists()


def test_load_from_and_resume_urls_are_refused(served, tiny_config, tmp_path):
    base, marker, _ = served
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        train(tiny_config, work_dir=str(tmp_path / 'a'), load_from=f'{base}/evil.pth')
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        train(tiny_config, work_dir=str(tmp_path / 'b'), resume=f'{base}/evil.pth')
    assert not marker.exists()


def test_pretrained_init_url_is_refused(served):
    base, marker, _ = served
    backbone = MODELS.build(dict(type='ResNet', depth=18, stem='small', init_cfg=dict(
        type='Pretrained', checkpoint=f'{base}/evil.pth')))
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        backbone.init_weights()
    assert not marker.exists()


def test_planted_hub_cache_file_is_refused(served):
    _, marker, weights = served
    cached = hub_cache_path(get_torchvision_models()['resnet18'])
    os.makedirs(osp.dirname(cached))
    torch.save({'x': _Sentinel(str(marker))}, cached)
    with pytest.raises(UnsafeCheckpointError, match='resnet18'):
        CheckpointLoader.load_checkpoint('torchvision://resnet18')
    assert not marker.exists()
    torch.save(weights, cached)  # a benign cached file loads without any download
    assert torch.equal(CheckpointLoader.load_checkpoint('modelzoo://resnet18')['w'], weights['w'])


def test_openmmlab_names_route_to_urls_and_local_files(served, tmp_path, monkeypatch):
    base, marker, weights = served
    home = tmp_path / 'mmengine_home'
    (home / 'zoo').mkdir(parents=True)
    torch.save({'x': _Sentinel(str(marker))}, home / 'zoo' / 'local.pth')
    monkeypatch.setattr(checkpoint_schemes, '_get_mmengine_home', lambda: str(home))
    monkeypatch.setattr(checkpoint_schemes, 'get_external_models', lambda: {
        'remote': f'{base}/good.pth', 'local': 'zoo/local.pth', 'bad': f'{base}/evil.pth'})
    ckpt = CheckpointLoader.load_checkpoint('open-mmlab://remote')
    assert torch.equal(ckpt['state_dict']['w'], weights['w'])
    for name in ('openmmlab://local', 'open-mmlab://bad'):
        with pytest.raises(UnsafeCheckpointError):
            CheckpointLoader.load_checkpoint(name)
    with pytest.raises(CheckpointLoadError, match="Unknown model 'nope'"):
        CheckpointLoader.load_checkpoint('open-mmlab://nope')
    assert not marker.exists()


def test_mmcls_keeps_the_backbone_weights(served, tmp_path, monkeypatch):
    base, _, weights = served
    torch.save({'state_dict': {'backbone.w': weights['w'], 'head.fc': torch.ones(1)}},
               tmp_path / 'served' / 'cls.pth')
    monkeypatch.setattr(checkpoint_schemes, 'get_mmcls_models',
                        lambda: {'tiny': f'{base}/cls.pth', 'evil': f'{base}/evil.pth'})
    ckpt = CheckpointLoader.load_checkpoint('mmcls://tiny')
    assert list(ckpt['state_dict']) == ['w'] and torch.equal(ckpt['state_dict']['w'], weights['w'])
    with pytest.raises(UnsafeCheckpointError):
        CheckpointLoader.load_checkpoint('mmcls://evil')


def test_object_storage_goes_through_the_safe_loader(tmp_path, monkeypatch):
    marker = tmp_path / 'pwned'
    torch.save({'x': _Sentinel(str(marker))}, tmp_path / 'evil.pth')
    torch.save({'w': torch.ones(3)}, tmp_path / 'good.pth')
    asked = []

    class FakePetrel:
        def get(self, filename):
            asked.append(filename)
            return (tmp_path / filename.rsplit('/', 1)[1]).read_bytes()
    monkeypatch.setattr(checkpoint_schemes, 'get_file_backend', lambda *a, **k: FakePetrel())
    assert torch.equal(CheckpointLoader.load_checkpoint('s3://bucket/good.pth')['w'],
                       torch.ones(3))
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        CheckpointLoader.load_checkpoint('cluster1:s3://bucket/evil.pth')
    with pytest.raises(UnsafeCheckpointError):
        CheckpointLoader.load_checkpoint('petrel://bucket/evil.pth')
    assert asked == ['s3://bucket/good.pth', 'cluster1:s3://bucket/evil.pth',
                     'petrel://bucket/evil.pth']
    assert not marker.exists()


def test_unroutable_schemes_are_refused(tmp_path, monkeypatch):
    with pytest.raises(CheckpointLoadError, match='pavi://model.*not routed'):
        CheckpointLoader.load_checkpoint('pavi://model')
    marker = tmp_path / 'pwned'
    monkeypatch.setattr(CheckpointLoader, '_schemes', dict(CheckpointLoader._schemes))

    def unsafe_loader(filename, map_location=None):
        open(marker, 'w').close()
    CheckpointLoader.register_scheme(prefixes='foo://', loader=unsafe_loader)
    install_safe_schemes()
    with pytest.raises(CheckpointLoadError, match='foo://x'):
        CheckpointLoader.load_checkpoint('foo://x')
    assert not marker.exists()
