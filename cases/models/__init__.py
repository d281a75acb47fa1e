"""The cases app's models: the case file (``case.py``) and the social work on it (``casework.py``).

Everything is re-exported here, so ``from cases.models import Case, Assessment`` works; Django
registers the models under the ``cases`` app because this package imports them.
"""

from cases.models.access import *  # noqa: F403
from cases.models.case import *  # noqa: F403
from cases.models.casework import *  # noqa: F403
from cases.models.transfer import *  # noqa: F403
