"""weighted_knn against a hand-computed 2-class example."""
import math

import torch

from easycv_like.evaluation import weighted_knn


def test_two_class_hand_computation():
    bank = torch.tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    labels = torch.tensor([0, 0, 1])
    query = torch.tensor([[0.6, 0.8], [1.0, 0.0]])
    scores = weighted_knn(bank, labels, query, k=2, temperature=0.5, num_classes=2)
    # query 0: similarities 0.6, 0.96, 0.8 -> neighbours 1 (class 0) and 2 (class 1)
    # query 1: similarities 1.0, 0.8, 0.0 -> neighbours 0 and 1, both class 0
    expected = torch.tensor([[math.exp(0.96 / 0.5), math.exp(0.8 / 0.5)],
                             [math.exp(1.0 / 0.5) + math.exp(0.8 / 0.5), 0.0]])
    expected /= torch.tensor([[math.exp(0.96 / 0.5)], [math.exp(1.0 / 0.5)]])  # per-query scale
    assert torch.allclose(scores, expected, rtol=1e-5)


def test_normalises_features_clamps_k_and_chunks():
    bank = torch.tensor([[2.0, 0.0], [0.0, 3.0]])
    query = torch.tensor([[5.0, 5.0], [0.0, 0.1], [1.0, 0.0]])
    scores = weighted_knn(bank, torch.tensor([0, 1]), query, k=10, temperature=1.0, chunk=2)
    expected = torch.tensor([[1.0, 1.0], [1 / math.e, 1.0], [1.0, 1 / math.e]])
    assert scores.shape == (3, 2) and torch.allclose(scores, expected, rtol=1e-5)


def test_tiny_temperature_does_not_overflow():
    bank = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    scores = weighted_knn(bank, torch.tensor([0, 0, 1]), torch.tensor([[0.1, 1.0]]), k=3,
                          temperature=0.005)
    assert torch.isfinite(scores).all() and scores.argmax(dim=1).item() == 1
