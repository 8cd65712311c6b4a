"""Validation over several datasets at once (the ``eval_pipelines`` config key)."""
from typing import Dict, List, Sequence

import torch
from mmengine.runner import BaseLoop, autocast

from .. import config_path
from ..data.errors import BadSampleError
from ..registry import LOOPS, METRICS
from .class_checks import check_same_classes, dataset_classes
from .preemptible_batches import preemptible_batches


@LOOPS.register_module()
class MultiDatasetValLoop(BaseLoop):
    """Evaluate every entry of ``eval_pipelines`` in turn; metrics are prefixed by its name.

    Args:
        runner: the mmengine Runner.
        dataloader: ignored placeholder; mmengine's Runner requires one (the first entry's).
        evaluator: ignored placeholder, for the same reason.
        pipelines: ``[dict(name='val', data=<dataloader cfg>, evaluators=[...]), ...]``.
        fp16: run the forward under autocast.
    """

    def __init__(self, runner, dataloader, evaluator, pipelines: Sequence[dict],
                 fp16: bool = False) -> None:
        if not pipelines:
            raise ValueError('MultiDatasetValLoop needs at least one entry in eval_pipelines.')
        self._runner = runner
        self.fp16 = fp16
        self.entries: List[tuple] = []
        for index, entry in enumerate(pipelines):
            where = f'eval_pipelines[{index}]'
            data = entry['data']  # a loader config, or a built DALI loader
            with config_path.entry(f'{where}.data',
                                   data.get('dataset') if isinstance(data, dict) else None):
                loader = runner.build_dataloader(data, seed=runner.seed)
            with config_path.entry(f'{where}.evaluators', entry['evaluators']):
                # built by our registry, so an error names its index
                evaluator = runner.build_evaluator([METRICS.build(m) if isinstance(m, dict) else m
                                                    for m in entry['evaluators']])
            evaluator.dataset_meta = getattr(loader.dataset, 'evaluation_meta',
                                             getattr(loader.dataset, 'metainfo', None))
            self.entries.append((entry['name'], loader, evaluator))
        self.dataloader = self.entries[0][1]
        self._check_training_classes()

    def _check_training_classes(self) -> None:
        """While training, every evaluation dataset must use the training data's class list."""
        train_loop = getattr(self._runner, '_train_loop', None)
        if not isinstance(train_loop, BaseLoop):  # evaluation only: apis/evaluate.py checks
            return
        expected, origin = dataset_classes(train_loop.dataloader.dataset)
        for name, loader, _ in self.entries:
            classes, source = dataset_classes(loader.dataset)
            check_same_classes(expected, f'data.train ({origin})', classes,
                               f'eval_pipelines {name!r} ({source})')

    def run(self) -> Dict[str, float]:
        self.runner.call_hook('before_val')
        self.runner.call_hook('before_val_epoch')
        self.runner.model.eval()
        metrics: Dict[str, float] = {}
        for index, (name, loader, evaluator) in enumerate(self.entries):
            try:
                for idx, data_batch in enumerate(preemptible_batches(self.runner, loader)):
                    self._run_iter(idx, data_batch, evaluator)
            except BadSampleError as err:  # its hint names this dataset, not data.train
                err.config_path = f'eval_pipelines[{index}].data'
                raise
            results = evaluator.evaluate(len(loader.dataset))
            metrics.update({f'{name}/{key}': value for key, value in results.items()})
        self.runner.call_hook('after_val_epoch', metrics=metrics)
        self.runner.call_hook('after_val')
        return metrics

    @torch.no_grad()
    def _run_iter(self, idx: int, data_batch: dict, evaluator) -> None:
        self.runner.call_hook('before_val_iter', batch_idx=idx, data_batch=data_batch)
        with autocast(enabled=self.fp16):
            outputs = self.runner.model.val_step(data_batch)
        evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook('after_val_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)
