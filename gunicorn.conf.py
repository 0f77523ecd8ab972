"""gunicorn settings of `make run` and of deployments (`gunicorn -c gunicorn.conf.py …`;
gunicorn also reads this file by itself when started in this directory)."""

# The largest bounded request line (gunicorn's default is 4 KB): a search link carries its query
# in the URL, and 100 Chinese characters (what is searched) are about 900 bytes URL-encoded.
# Longer lines get a Chinese 414 page from the worker below instead of gunicorn's English one.
limit_request_line = 8190
worker_class = "yangguang.config.gunicorn_worker.ChineseErrorsWorker"
