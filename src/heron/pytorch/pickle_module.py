"""A ``pickle_module`` for ``torch.save``: cloudpickle's pickling, the standard Unpickler.

MLflow writes ``mlflow.pytorch.pickle_module`` into ``pickle_module_info.txt``; Heron writes
the same name (so MLflow loads Heron's models) and maps it to this module when loading.
Classes defined in ``__main__`` are pickled by value, as with cloudpickle.
"""

from __future__ import annotations

from pickle import Unpickler  # noqa: F401  (torch.load needs the module's Unpickler)

from cloudpickle import *  # noqa: F403
from cloudpickle import CloudPickler as Pickler  # noqa: F401  (torch.save uses .Pickler)
