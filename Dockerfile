FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=practice.settings.production

RUN useradd --create-home --uid 1000 app
WORKDIR /app

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY --chown=app:app . .
# Static files are collected at build time; the values below exist only for this step.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
    INQUIRY_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWwtayE= \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /backups && chown app:app /app/media /backups

USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "python:practice.gunicorn", "practice.wsgi:application"]
