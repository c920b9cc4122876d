import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poscare.settings")
application = get_wsgi_application()

# What is loaded by now (Django, every app, the URLconf) lives as long as the process. Frozen,
# the garbage collector no longer walks these ~235,000 objects in a full collection, which
# otherwise ran in the middle of about one request in twenty on the ticket page and cost it
# 100–400 ms (bench/bench_load_profile.py; README "Load"). Collections of what requests make
# still run as before.
get_resolver().url_patterns  # noqa: B018 (imports every view module now, not on a request)
gc.collect()
gc.freeze()
