"""Train: python tools/train.py CONFIG [--work_dir DIR] [--fp16] [--resume [auto|PATH]] ..."""
from easycv_like.apis.train_cli import main

if __name__ == '__main__':
    main()
