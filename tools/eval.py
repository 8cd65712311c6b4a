"""Evaluate a checkpoint on every eval_pipelines dataset: python tools/eval.py CONFIG CKPT."""
from easycv_like.apis.evaluate import main

if __name__ == '__main__':
    main()
