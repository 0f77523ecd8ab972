"""WSGI entry for the search bench's gunicorn run: the Django application plus the bench's
search source (its visibility table `bench_public`), registered in every worker."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from bench_search import _make_source  # noqa: E402 — needs Django set up

from yangguang.search import registry  # noqa: E402

registry.register(_make_source())
