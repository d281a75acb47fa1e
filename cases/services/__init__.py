"""The cases app's writes: the case file (``case.py``) and the social work on it (``casework.py``).

Every public function is re-exported here, so ``from cases import services; services.case_open(...)``
works; new code may import from the module that holds the function.
"""

from cases.services.case import *  # noqa: F403
from cases.services.casework import *  # noqa: F403
from cases.services.transfer import *  # noqa: F403
