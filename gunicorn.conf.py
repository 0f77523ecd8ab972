"""gunicorn settings of `make run` and of deployments (`gunicorn -c gunicorn.conf.py …`;
gunicorn also reads this file by itself when started in this directory)."""

# No request-line limit instead of gunicorn's 4 KB (its only larger setting). A search link
# carries the query in its URL: a 10,000-character Chinese query is about 90 KB URL-encoded, and
# with 4 KB it got gunicorn's own English "414 Request-URI Too Long" instead of the page's
# Chinese notice that only the first 100 characters were searched (issue #4, bad input). A sync
# worker still waiting for the end of a line is ended by its 30-second timeout, as one held by a
# slow client already is; behind a proxy, the proxy's own limit applies (README: deploying).
limit_request_line = 0
