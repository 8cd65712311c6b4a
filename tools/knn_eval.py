"""Weighted kNN accuracy of features saved by tools/extract_features.py:

    python tools/knn_eval.py --train-features DIR1 --val-features DIR2 [--k 20] [--temperature 0.07]
"""
from easycv_like.apis.knn_eval import main

if __name__ == '__main__':
    main()
