"""Benchmarks and load generators, kept out of the site's apps: `python -m benchmarks`.

commands/ holds the entry points (see __main__.py). site.py makes the throwaway database
and the production environment, and practice/processes.py starts gunicorn, redis-server and
the SMTP catcher; inprocess.py measures growth and SQL queries inside Django; load.py drives
gunicorn with wrk (wrk.py) and measures page sizes (pages.py); loadtest.py posts the contact
form from many clients; content.py builds articles in bulk; report.py prints the table and
writes the JSON.
"""
