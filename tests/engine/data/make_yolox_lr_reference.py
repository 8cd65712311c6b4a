"""Writes ``yolox_lr_reference.json``: Megvii's ``yoloxwarmcos`` learning rates for the runs
``tests/engine/test_warmup_policy_lr.py`` checks, read from the YOLOX source distribution.

Run by hand (the tests only read the JSON file; they never import Megvii's code):
``python tests/engine/data/make_yolox_lr_reference.py /path/to/yolox-0.3.0``.
"""
import importlib.util
import json
import os.path as osp
import sys

# (lr, iterations per epoch, epochs, warm-up epochs, warm-up start lr, last epochs, floor ratio)
RUNS = [(0.01, 7, 30, 5, 0.0, 15, 0.05), (0.02, 3, 12, 2, 0.001, 4, 0.2)]


def main(source_root: str) -> None:
    path = osp.join(source_root, 'yolox', 'utils', 'lr_scheduler.py')
    spec = importlib.util.spec_from_file_location('megvii_lr_scheduler', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the file imports only math and functools
    runs = []
    for lr, epoch_length, epochs, warmup, start, last, ratio in RUNS:
        scheduler = module.LRScheduler('yoloxwarmcos', lr, epoch_length, epochs,
                                       warmup_epochs=warmup, warmup_lr_start=start,
                                       no_aug_epochs=last, min_lr_ratio=ratio)
        # Megvii's trainer sets the rate of iteration i (from 0) to update_lr(i + 1)
        lrs = [scheduler.update_lr(i + 1) for i in range(epoch_length * epochs)]
        runs.append(dict(lr=lr, epoch_length=epoch_length, epochs=epochs, warmup_epochs=warmup,
                         warmup_lr_start=start, num_last_epochs=last, min_lr_ratio=ratio,
                         lrs=lrs))
    with open(osp.join(osp.dirname(osp.abspath(__file__)), 'yolox_lr_reference.json'),
              'w') as f:
        json.dump(dict(source=osp.basename(osp.normpath(source_root)), runs=runs), f)


if __name__ == '__main__':
    main(sys.argv[1])
