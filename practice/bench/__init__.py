"""`manage.py bench` (`make bench`): the site as production runs it, under load from wrk.

cache_server.py starts a private Redis; inprocess.py measures growth and SQL queries inside
Django (`manage.py bench_measure`); load.py drives gunicorn with wrk (wrk.py) and measures
page sizes (pages.py); report.py prints the table and writes the JSON. The database,
gunicorn and the SMTP catcher come from contact/bench.py.
"""
