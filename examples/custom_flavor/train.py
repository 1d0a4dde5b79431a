"""Log, register, load and predict with the custom ``wordcount`` flavor.

    cd examples/custom_flavor && python train.py

Uses the tracking URI from the environment (an SQLite file ``mlruns.db`` here by default).
"""

from __future__ import annotations

import os

import pandas as pd
from wordcount_flavor import WordCountModel, load_model, log_model

import heron
import heron.pyfunc


def main() -> None:
    """Train (by hand), log and register, then load the model back three ways."""
    heron.set_tracking_uri(os.environ.get("HERON_TRACKING_URI", "sqlite:///mlruns.db"))
    heron.set_experiment("custom-flavor")
    model = WordCountModel({"great": 2.0, "good": 1.0, "bad": -1.5})
    example = pd.DataFrame({"text": ["a great day", "bad news"]})
    with heron.start_run():
        info = log_model(
            model, name="scorer", registered_model_name="wordcount", input_example=example
        )
    native = load_model(f"models:/wordcount/{info.registered_model_version}")
    pyfunc_model = heron.pyfunc.load_model(info.model_uri)
    print("native:", native.score("good and great"))
    print("pyfunc:", pyfunc_model.predict(pd.DataFrame({"text": ["good and great"]})).tolist())


if __name__ == "__main__":
    main()
