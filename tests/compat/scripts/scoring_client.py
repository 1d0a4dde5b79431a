"""MLflow's own scoring-server client against a server: ``scoring_client.py PORT``.

Prints one JSON line: the predictions ``ScoringServerClient.invoke`` got for a DataFrame
twice (2 * a for the test model), and the ``/version`` text.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
from mlflow.pyfunc.scoring_server.client import ScoringServerClient

client = ScoringServerClient("127.0.0.1", int(sys.argv[1]))
client.wait_server_ready(timeout=60)
frame = pd.DataFrame({"a": [1.0, 2.0], "b": [0.0, 1.0]})
single = pd.DataFrame({"a": [3.0], "b": [0.0]})
out = {
    "frame": np.asarray(client.invoke(frame).get_predictions()).ravel().tolist(),
    "columns": np.asarray(client.invoke(single).get_predictions()).ravel().tolist(),
    "version": client.get_version(),
}
print(json.dumps(out))
