"""Checkpoint URLs (``http(s)://``, ``torchvision://``, ``open-mmlab://``, ``mmcls://``, ``s3://``)
read through the one weights-only loader.

mmengine's ``CheckpointLoader`` hands these schemes to ``torch.hub`` / ``torch.load`` with
arbitrary unpickling, so a file served by anyone (or planted in the hub cache) could run code.
Here every scheme it knows is replaced: a remote file is first downloaded (to the torch hub cache,
or a temporary file for object storage) and then read by :func:`load_checkpoint_file`, with the
same refusal of code-carrying files as local paths. A scheme that cannot be routed so is refused.
"""
import os
import os.path as osp
import tempfile
from typing import Any, Callable, Dict
from urllib.parse import urlparse

import torch
from mmengine.dist import barrier, get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import (_get_mmengine_home, _process_mmcls_checkpoint,
                                        get_deprecated_model_names, get_external_models,
                                        get_mmcls_models, get_torchvision_models)

from .checkpoint import CheckpointLoadError, checkpoints_trusted, load_checkpoint_file


def _load_file(path: str, map_location: Any) -> Any:
    return load_checkpoint_file(path, map_location, trust=checkpoints_trusted())


def hub_cache_path(url: str) -> str:
    """Where a downloaded ``url`` is kept: ``<torch hub dir>/checkpoints/<file name>``, as
    ``torch.hub.load_state_dict_from_url`` keeps it."""
    name = osp.basename(urlparse(url).path)
    if not name:
        raise CheckpointLoadError(f'Checkpoint URL {url} does not end with a file name.')
    return osp.join(torch.hub.get_dir(), 'checkpoints', name)


def download_to_hub_cache(url: str) -> str:
    """Download ``url`` into the hub cache unless it is there already; returns the file path.

    File names carrying a hash prefix (``resnet18-f37072fd.pth``) are checked while downloading,
    as torch.hub does. The download goes to a temporary file that is renamed when complete.
    """
    path = hub_cache_path(url)
    if not osp.isfile(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
        match = torch.hub.HASH_REGEX.search(osp.basename(path))
        torch.hub.download_url_to_file(url, path, hash_prefix=match.group(1) if match else None,
                                       progress=os.isatty(0))
    return path


def load_from_url(url: str, map_location: Any = None) -> Any:
    """``http(s)://`` checkpoints: download (rank 0 first, then the others), load weights-only."""
    rank, world_size = get_dist_info()
    if rank == 0:
        path = download_to_hub_cache(url)
    if world_size > 1:
        barrier()
        if rank > 0:
            path = download_to_hub_cache(url)
    return _load_file(path, map_location)


def _model_url(table: Dict[str, str], name: str, scheme: str) -> str:
    if name not in table:
        raise CheckpointLoadError(f'Unknown model {name!r} for {scheme}; known names include '
                                  f'{", ".join(sorted(table)[:10])}...')
    return table[name]


def load_from_torchvision(filename: str, map_location: Any = None) -> Any:
    """``torchvision://NAME`` (and the older ``modelzoo://NAME``): torchvision's URL for NAME."""
    scheme, name = filename.split('://', 1)
    return load_from_url(_model_url(get_torchvision_models(), name, f'{scheme}://'),
                         map_location)


def load_from_openmmlab(filename: str, map_location: Any = None) -> Any:
    """``open-mmlab://NAME`` / ``openmmlab://NAME``: a URL, or a file under the mmengine home."""
    scheme, name = filename.split('://', 1)
    name = get_deprecated_model_names().get(name, name)
    target = _model_url(get_external_models(), name, f'{scheme}://')
    if target.startswith(('http://', 'https://')):
        return load_from_url(target, map_location)
    return _load_file(osp.join(_get_mmengine_home(), target), map_location)


def load_from_mmcls(filename: str, map_location: Any = None) -> Any:
    """``mmcls://NAME``: the mmcls model's backbone weights (``backbone.`` prefix removed)."""
    name = filename.split('://', 1)[1]
    checkpoint = load_from_url(_model_url(get_mmcls_models(), name, 'mmcls://'), map_location)
    return _process_mmcls_checkpoint(checkpoint)


def load_from_object_storage(filename: str, map_location: Any = None) -> Any:
    """``s3://`` / ``petrel://`` (optionally ``cluster:s3://``): fetched with mmengine's petrel
    backend into a temporary file, then loaded weights-only."""
    data = get_file_backend(filename, backend_args={'backend': 'petrel'}).get(filename)
    with tempfile.TemporaryDirectory() as folder:
        path = osp.join(folder, osp.basename(filename.rstrip('/')) or 'checkpoint.pth')
        with open(path, 'wb') as f:
            f.write(data)
        return _load_file(path, map_location)


def load_from_refused_scheme(filename: str, map_location: Any = None) -> Any:
    """Schemes whose files cannot be fetched as plain files here (``pavi://``, any other)."""
    raise CheckpointLoadError(
        f'Cannot load {filename}: this URL scheme is not routed through the weights-only '
        f'loader. Supported: local paths, {", ".join(sorted(SAFE_LOADERS))}. Download the '
        'file and pass its local path instead.')


SAFE_LOADERS: Dict[str, Callable] = {
    'http://': load_from_url, 'https://': load_from_url,
    'torchvision://': load_from_torchvision, 'modelzoo://': load_from_torchvision,
    'open-mmlab://': load_from_openmmlab, 'openmmlab://': load_from_openmmlab,
    'mmcls://': load_from_mmcls,
    r'(\S+\:)?s3://': load_from_object_storage, r'(\S+\:)?petrel://': load_from_object_storage,
}


def install_safe_schemes() -> None:
    """Register our loader for every scheme mmengine's ``CheckpointLoader`` knows; schemes we
    cannot route (``pavi://``, any registered by other packages) are refused. The local scheme
    (``''``) is ``utils/checkpoint.py``'s."""
    for prefix in list(CheckpointLoader._schemes):  # mmengine keeps no public list
        if prefix and prefix not in SAFE_LOADERS:
            CheckpointLoader.register_scheme(prefixes=prefix, loader=load_from_refused_scheme,
                                             force=True)
    for prefix, loader in SAFE_LOADERS.items():
        CheckpointLoader.register_scheme(prefixes=prefix, loader=loader, force=True)


install_safe_schemes()
