"""Loader modules named in MLmodel files (``mlflow.pyfunc.loaders.<x>`` maps here)."""
