"""Settings for the test suite: the production settings with in-process tasks and fast hashing."""

from poscare.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
# Tests sign staff in with force_login; accounts/tests/test_two_factor.py turns the requirement
# on (as production has it: supervisors and admins) and proves it on every kind of page.
TWO_FACTOR_ROLES = []
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
