FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=ppaos.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client \
    chromium fonts-thai-tlwg poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v0 \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
RUN useradd --create-home ppaos && mkdir -p /app/media && chown ppaos /app/media
USER ppaos
EXPOSE 8000
CMD ["gunicorn", "ppaos.wsgi:application", "--config", "python:ppaos.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
