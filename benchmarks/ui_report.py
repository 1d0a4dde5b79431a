"""The UI benchmark's summary: metric, Heron, MLflow, ratio (MLflow / Heron), goal, met."""

from __future__ import annotations

from typing import Any

GOALS = {"runs_table": 5.0, "run_page": 3.0, "server_ms": 300.0, "csv_rss_mb": 50.0}


def ratio(peer: float | None, heron: float | None) -> float | None:
    """MLflow / Heron, if both are known."""
    return round(peer / heron, 1) if peer and heron else None


def report(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary rows: metric, Heron, MLflow, ratio, goal, met."""
    heron, mlflow = results.get("heron", {}), results.get("mlflow", {})

    def cell(side: dict[str, Any], *path: str) -> float | None:
        value: Any = side
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return float(value) if isinstance(value, (int, float)) else None

    rows = []
    for label, path, goal in (
        ("runs table, 100 rows painted (ms)", ("runs_table", "median_ms"), GOALS["runs_table"]),
        ("run page, params+metrics painted (ms)", ("run_page", "median_ms"), GOALS["run_page"]),
    ):
        ours, peer = cell(heron, *path), cell(mlflow, *path)
        r = ratio(peer, ours)
        rows.append(
            {
                "metric": label,
                "heron": ours,
                "mlflow": peer,
                "ratio": r,
                "goal": f">= {goal:.0f}x",
                "met": None if r is None else r >= goal,
            }
        )
    ours, peer = cell(heron, "server_ms"), cell(mlflow, "server_ms")
    rows.append(
        {
            "metric": "runs page server time (ms)",
            "heron": ours,
            "mlflow": peer,
            "ratio": ratio(peer, ours),
            "goal": f"< {GOALS['server_ms']:.0f} ms",
            "met": None if ours is None else ours < GOALS["server_ms"],
        }
    )
    ours, peer = cell(heron, "csv", "seconds"), cell(mlflow, "csv_cli_seconds")
    rows.append(
        {
            "metric": "CSV of all runs (s; MLflow: its CLI)",
            "heron": ours,
            "mlflow": peer,
            "ratio": ratio(peer, ours),
            "goal": "-",
            "met": None,
        }
    )
    ours = cell(heron, "csv", "rss_growth_mb")
    rows.append(
        {
            "metric": "CSV server RSS growth (MB)",
            "heron": ours,
            "mlflow": None,
            "ratio": None,
            "goal": f"< {GOALS['csv_rss_mb']:.0f} MB",
            "met": None if ours is None else ours < GOALS["csv_rss_mb"],
        }
    )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    """The summary, terminal-sized."""
    print(f"\n{'metric':<40}{'heron':>9}{'mlflow':>9}{'ratio':>8}  {'goal':<10}met")

    def show(value: Any, suffix: str = "") -> str:
        return "-" if value is None else f"{value:g}{suffix}"

    for row in rows:
        met = {True: "yes", False: "NO", None: "-"}[row["met"]]
        figures = f"{show(row['heron']):>9}{show(row['mlflow']):>9}{show(row['ratio'], 'x'):>8}"
        print(f"{row['metric']:<40}{figures}  {row['goal']:<10}{met}")
