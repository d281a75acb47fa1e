"""The cases app's pages: the case file (``case.py``) and the social work on it (``casework.py``)."""
