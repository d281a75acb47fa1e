# Django's zh_Hans formats, except money and counts: Chinese financial documents (and funders'
# spreadsheets) group thousands with commas, e.g. ¥240,000.00.
from django.conf.locale.zh_Hans.formats import *  # noqa: F401,F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
