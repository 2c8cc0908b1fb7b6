"""Training the chapter 4 network on the digits: data split, metrics, the trainer."""

from __future__ import annotations

import numpy as np
import pytest

import ce_backprop as cb


@pytest.fixture(scope="module")
def digits():
    return cb.load_digits_split()


def test_digits_split_is_stratified_and_scaled(digits):
    assert digits.X_train.shape == (1347, 64) and digits.X_test.shape == (450, 64)
    assert digits.X_train.min() == 0.0 and digits.X_train.max() == 1.0
    share_train = np.bincount(digits.y_train) / len(digits.y_train)
    share_test = np.bincount(digits.y_test) / len(digits.y_test)
    assert np.abs(share_train - share_test).max() < 0.01
    other = cb.load_digits_split(seed=1)
    assert not np.array_equal(other.y_test, digits.y_test)
    np.testing.assert_array_equal(cb.load_digits_split().y_test, digits.y_test)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "0.25"])
def test_digits_split_rejects_bad_test_size(bad):
    with pytest.raises(ValueError, match="test_size"):
        cb.load_digits_split(test_size=bad)


def test_validation_split_keeps_the_test_part_and_is_disjoint(digits):
    three = cb.load_digits_with_validation()
    assert three.X_train.shape == (1010, 64) and three.X_val.shape == (337, 64) and three.X_test.shape == (450, 64)
    np.testing.assert_array_equal(three.X_test, digits.X_test)
    np.testing.assert_array_equal(three.y_test, digits.y_test)
    # training and validation together are exactly the old training part
    both = np.vstack([three.X_train, three.X_val])
    assert sorted(map(bytes, both)) == sorted(map(bytes, digits.X_train))
    share_val = np.bincount(three.y_val) / len(three.y_val)
    assert np.abs(share_val - np.bincount(three.y_train) / len(three.y_train)).max() < 0.02
    with pytest.raises(ValueError, match="val_size"):
        cb.load_digits_with_validation(val_size=1.0)


def test_accuracy_and_confusion_matrix_by_hand():
    t = np.array([0, 0, 1, 2, 2, 2])
    p = np.array([0, 1, 1, 2, 0, 2])
    assert cb.accuracy(t, p) == pytest.approx(4 / 6)
    C = cb.confusion_matrix(t, p, 3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert np.trace(C) / C.sum() == pytest.approx(cb.accuracy(t, p))


def test_metrics_reject_bad_labels():
    with pytest.raises(ValueError, match="same shape"):
        cb.accuracy([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="integer"):
        cb.accuracy([0.0, 1.0], [0, 1])
    with pytest.raises(ValueError, match=r"y_pred must lie in \[0, 3\)"):
        cb.confusion_matrix([0, 1], [0, 3], 3)


def test_training_reaches_97_percent_on_the_digits_quickly(digits):
    """The chapter's run: H = 64, 50 epochs, mini-batches of 32, η = 0.5, seed 0."""
    rng = np.random.default_rng(0)
    params = cb.network_init(64, 64, 10, rng)
    trained, hist = cb.train(params, digits.X_train, digits.y_train, epochs=50, batch_size=32, eta=0.5,
                             rng=rng, X_val=digits.X_test, y_val=digits.y_test)
    assert hist.acc_val[-1] >= 0.97
    assert hist.acc_val[-1] == cb.accuracy(digits.y_test, cb.network_predict(trained, digits.X_test))
    assert hist.loss_train[-1] < 0.1 * hist.loss_train[0]
    assert abs(hist.loss_train[0] - np.log(10)) < 0.5


def test_training_is_deterministic_and_leaves_params_alone(digits):
    params = cb.network_init(64, 16, 10, np.random.default_rng(1))
    before = params.copy()
    calls = []
    runs = [cb.train(params, digits.X_train, digits.y_train, 3, 64, 0.5, np.random.default_rng(2),
                     progress=lambda e, n: calls.append((e, n)))[1] for _ in range(2)]
    np.testing.assert_array_equal(runs[0].loss_train, runs[1].loss_train)
    assert runs[0].loss_train.shape == (4,) and runs[0].acc_val is None
    assert calls == [(1, 3), (2, 3), (3, 3)] * 2
    for (_, a), (_, b) in zip(params, before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cost, eta", [("quadratic", 2.0), ("binary_cross_entropy", 0.5)])
def test_sigmoid_output_costs_also_learn(digits, cost, eta):
    rng = np.random.default_rng(0)
    params = cb.network_init(64, 32, 10, rng)
    _, hist = cb.train(params, digits.X_train, digits.y_train, 10, 32, eta, rng, cost=cost,
                       X_val=digits.X_test, y_val=digits.y_test)
    assert hist.cost == cost
    assert hist.loss_train[-1] < hist.loss_train[0]
    assert hist.acc_val[-1] > 0.8


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"eta": 0}, "eta"),
        ({"eta": float("nan")}, "eta"),
        ({"batch_size": 0}, "batch_size"),
        ({"epochs": -1}, "epochs"),
        ({"rng": 0}, "rng"),
        ({"X_val": np.zeros((2, 64))}, "X_val and y_val"),
        ({"cost": "hinge"}, "unknown cost"),
    ],
)
def test_train_rejects_bad_arguments(digits, kwargs, match):
    args = dict(epochs=1, batch_size=32, eta=0.5, rng=np.random.default_rng(0))
    args.update(kwargs)
    params = cb.network_init(64, 8, 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match=match):
        cb.train(params, digits.X_train[:40], digits.y_train[:40], **args)


def test_train_rejects_bad_data(digits):
    params = cb.network_init(64, 8, 10, np.random.default_rng(0))
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="one row per label"):
        cb.train(params, digits.X_train[:40], digits.y_train[:39], 1, 8, 0.5, rng)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 10\)"):
        cb.train(params, digits.X_train[:40], digits.y_train[:40] + 10, 1, 8, 0.5, rng)
    X = digits.X_train[:40].copy()
    X[3, 5] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        cb.train(params, X, digits.y_train[:40], 1, 8, 0.5, rng)


# --- the shared loop: one shuffle per epoch, one history type ----------------------------

def test_minibatches_cut_one_permutation_into_batches():
    batches = list(cb.minibatches(10, 4, np.random.default_rng(3)))
    order = np.random.default_rng(3).permutation(10)          # the same seed, drawn by hand
    assert [len(b) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate(batches), order)
    assert [len(b) for b in cb.minibatches(6, 6, np.random.default_rng(0))] == [6]
    assert [len(b) for b in cb.minibatches(3, 8, np.random.default_rng(0))] == [3]


@pytest.mark.parametrize("args, match", [
    ((10, 0, np.random.default_rng(0)), "batch_size must be >= 1"),
    ((10, 2.5, np.random.default_rng(0)), "batch_size must be a whole number"),
    ((-1, 2, np.random.default_rng(0)), "n must be >= 0"),
    ((10, 2, 0), "rng must be a numpy.random.Generator"),
])
def test_minibatches_reject_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        cb.minibatches(*args)


def _by_hand(params, X, y, epochs, batch_size, eta, rng):
    """The chapter's loop written out: one permutation per epoch, one step per slice of it."""
    params = params.copy()
    losses = [cb.network_loss(params, X, y)]
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            rows = order[start:start + batch_size]
            g = cb.network_backward(params, cb.network_forward(params, X[rows]), y[rows])
            for (_, p), (_, d) in zip(params, g):
                p -= eta * d
        losses.append(cb.network_loss(params, X, y))
    return params, np.array(losses)


def test_train_draws_one_permutation_per_epoch_and_nothing_else(digits):
    """The site's explorers replay this stream: after training, the generator is exactly
    where one permutation per epoch leaves it, and the run is the loop written by hand."""
    X, y = digits.X_train[:200], digits.y_train[:200]
    params = cb.network_init(64, 8, 10, np.random.default_rng(5))
    rng, by_hand = np.random.default_rng(9), np.random.default_rng(9)
    trained, hist = cb.train(params, X, y, 3, 32, 0.5, rng)
    expected, losses = _by_hand(params, X, y, 3, 32, 0.5, by_hand)
    np.testing.assert_array_equal(hist.loss_train, losses)
    for (_, a), (_, b) in zip(trained, expected):
        np.testing.assert_array_equal(a, b)
    assert rng.random() == by_hand.random()


def test_train_and_train_deep_return_the_same_history_type(digits):
    X, y = digits.X_train[:120], digits.y_train[:120]
    Xv, yv = digits.X_test[:60], digits.y_test[:60]
    _, h4 = cb.train(cb.network_init(64, 8, 10, np.random.default_rng(0)), X, y, 2, 32, 0.5,
                     np.random.default_rng(1), X_val=Xv, y_val=yv)
    _, h5 = cb.train_deep(cb.deep_init((64, 8, 10), np.random.default_rng(0)), X, y, 2, 32, 0.5,
                          np.random.default_rng(1), X_val=Xv, y_val=yv)
    assert type(h4) is type(h5) is cb.TrainingHistory
    assert h4.grad_norms is None and h5.grad_norms.shape == (3, 2)
    assert (h4.eta, h4.batch_size, h5.eta, h5.batch_size, h5.cost) == (0.5, 32, 0.5, 32, "cross_entropy")
    assert h5.acc_val[0] == cb.accuracy(yv, cb.deep_predict(cb.deep_init((64, 8, 10), np.random.default_rng(0)), Xv))
    assert h4.epochs_to(0.0) == 0 and h4.epochs_to(1.01, on="train") is None
    with pytest.raises(ValueError, match="on must be"):
        h4.epochs_to(0.5, on="test")


def test_without_a_held_out_set_the_history_has_none():
    X = np.random.default_rng(0).normal(size=(20, 4))
    y = np.arange(20) % 3
    _, h = cb.train(cb.network_init(4, 3, 3, np.random.default_rng(0)), X, y, 1, 8, 0.1, np.random.default_rng(0))
    assert h.loss_val is None and h.acc_val is None
    with pytest.raises(ValueError, match="no held-out set"):
        h.epochs_to(0.5)
