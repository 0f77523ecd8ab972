"""WSGI entry point (gunicorn yangguang.config.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.config.settings")
application = get_wsgi_application()
