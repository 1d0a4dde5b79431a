"""Heron quick start: track a small training run, then find it again.

Run it from any directory (``python examples/quickstart.py``): it writes ``./heron.db`` and
``./heron-artifacts/`` there. The "model" is an elastic-net linear regression fitted by
proximal gradient descent on synthetic data, in plain Python, so nothing but Heron is needed
(matplotlib and pandas are used when installed).
"""

from __future__ import annotations

import importlib.util
import math
import random

import heron as mlflow

ALPHA = 0.5
L1_RATIO = 0.5
STEPS = 100
LEARNING_RATE = 0.05
TRUE_WEIGHTS = (2.0, -1.0, 0.5)
TRUE_BIAS = 1.0

Row = tuple[list[float], float]


def make_data(n: int = 200, seed: int = 42) -> list[Row]:
    """Noisy samples of y = 2*x0 - x1 + 0.5*x2 + 1, always the same for the same seed."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        x = [rng.uniform(-3, 3) for _ in TRUE_WEIGHTS]
        y = sum(w * v for w, v in zip(TRUE_WEIGHTS, x, strict=True)) + TRUE_BIAS + rng.gauss(0, 0.3)
        rows.append((x, y))
    return rows


def predict(weights: list[float], bias: float, x: list[float]) -> float:
    return sum(w * v for w, v in zip(weights, x, strict=True)) + bias


def rmse(weights: list[float], bias: float, rows: list[Row]) -> float:
    return math.sqrt(sum((predict(weights, bias, x) - y) ** 2 for x, y in rows) / len(rows))


def step(weights: list[float], bias: float, rows: list[Row]) -> tuple[list[float], float]:
    """One proximal gradient step on the elastic-net loss."""
    n = len(rows)
    grad = [0.0] * len(weights)
    grad_bias = 0.0
    for x, y in rows:
        error = predict(weights, bias, x) - y
        grad = [g + error * v / n for g, v in zip(grad, x, strict=True)]
        grad_bias += error / n
    threshold = LEARNING_RATE * ALPHA * L1_RATIO
    new_weights = []
    for w, g in zip(weights, grad, strict=True):
        z = w - LEARNING_RATE * (g + ALPHA * (1 - L1_RATIO) * w)
        new_weights.append(math.copysign(max(abs(z) - threshold, 0.0), z))
    return new_weights, bias - LEARNING_RATE * grad_bias


def log_plot(history: list[float]) -> None:
    """Log the rmse curve as plot.png, or as text when matplotlib is not installed."""
    if importlib.util.find_spec("matplotlib") is None:
        mlflow.log_text("\n".join(f"{v:.4f}" for v in history), "rmse.txt")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.plot(history)
    axes.set_xlabel("step")
    axes.set_ylabel("test rmse")
    mlflow.log_figure(figure, "plot.png")
    plt.close(figure)


def main() -> None:
    data = make_data()
    train, test = data[:150], data[150:]
    mlflow.set_experiment("wine")
    with mlflow.start_run(run_name=f"en-{ALPHA}") as run:
        mlflow.log_params({"alpha": ALPHA, "l1_ratio": L1_RATIO})
        weights, bias, history = [0.0] * len(TRUE_WEIGHTS), 0.0, []
        for i in range(STEPS):
            weights, bias = step(weights, bias, train)
            history.append(rmse(weights, bias, test))
            mlflow.log_metric("rmse", history[-1], step=i)
        log_plot(history)
    print(f"Run {run.info.run_id} finished with rmse {history[-1]:.3f}")
    output = "pandas" if importlib.util.find_spec("pandas") else "list"
    print(
        mlflow.search_runs(
            filter_string="metrics.rmse < 0.7 and params.alpha = '0.5'", output_format=output
        )
    )


if __name__ == "__main__":
    main()
