"""knn_eval(): weighted kNN accuracy of saved features, on separable and hand-worked examples."""
import math

import numpy as np
import pytest

from easycv_like.apis.extract_features import save_features
from easycv_like.apis.knn_eval import knn_eval, main


def _unit(degrees):
    return [math.cos(math.radians(degrees)), math.sin(math.radians(degrees))]


def _write(folder, features, labels):
    save_features(str(folder), np.asarray(features, np.float32), np.asarray(labels, np.int64))
    return str(folder)


def test_separable_clusters_give_100(tmp_path):
    rng = np.random.default_rng(0)
    centres = 10 * np.eye(6, dtype=np.float32)  # 6 classes, orthogonal directions

    def cluster(n):
        labels = np.repeat(np.arange(6), n)
        return centres[labels] + rng.normal(0, 0.5, (len(labels), 6)), labels
    train = _write(tmp_path / 'train', *cluster(5))
    val = _write(tmp_path / 'val', *cluster(3))
    assert knn_eval(train, val, k=4) == {'top1': pytest.approx(100.0),
                                         'top5': pytest.approx(100.0)}


# Bank: angle 0 (class 0), 10 and 20 degrees (class 1). Query q0 at 0 degrees is class 0:
# its similarities are 1, cos 10 = 0.9848, cos 20 = 0.9397. With k=3 the class-1 votes over the
# class-0 vote are exp(-0.0152 / T) + exp(-0.0603 / T): 1.23 for T=0.07 (q0 is misclassified),
# 0.52 for T=0.02 (correct). Query q1 at 15 degrees (class 1) is right either way.
BANK = ([_unit(0), _unit(10), _unit(20)], [0, 1, 1])
QUERY = ([_unit(0), _unit(15)], [0, 1])


@pytest.mark.parametrize('k, temperature, top1', [(3, 0.07, 50.0), (3, 0.02, 100.0),
                                                   (1, 0.07, 100.0)])
def test_hand_example(tmp_path, k, temperature, top1):
    train, val = _write(tmp_path / 'train', *BANK), _write(tmp_path / 'val', *QUERY)
    metrics = knn_eval(train, val, k=k, temperature=temperature)
    assert metrics == {'top1': pytest.approx(top1), 'top5': None}  # 2 classes: no top-5


def test_cli_prints_and_returns(tmp_path, capsys):
    train, val = _write(tmp_path / 'train', *BANK), _write(tmp_path / 'val', *QUERY)
    metrics = main(['--train-features', train, '--val-features', val, '--k', '3'])
    assert metrics['top1'] == pytest.approx(50.0)
    assert 'top1 50.00  top5 n/a (fewer than 5 classes)' in capsys.readouterr().out


def test_mismatched_inputs_are_errors(tmp_path):
    train = _write(tmp_path / 'train', *BANK)
    with pytest.raises(ValueError, match='dimensions'):
        knn_eval(train, _write(tmp_path / 'wide', [[1.0, 0.0, 0.0]], [0]))
    with pytest.raises(ValueError, match='label -1'):
        knn_eval(train, _write(tmp_path / 'unlabelled', [[1.0, 0.0]], [-1]))
