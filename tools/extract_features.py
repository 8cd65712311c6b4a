"""Pooled backbone features of a split, saved as features.npy / labels.npy:

    python tools/extract_features.py CONFIG CKPT [--split train|val] [--out DIR] [--l2norm]
        [--batch-size N] [--trust-checkpoint]
"""
from easycv_like.apis.extract_features import main

if __name__ == '__main__':
    main()
