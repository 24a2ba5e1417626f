# The portal's image: one image for every role (web node, Celery worker, Celery beat, migrations),
# chosen by the command (compose.yaml). Runs as an unprivileged user on a read-only root filesystem;
# only /tmp (tmpfs) and /app/var/media (a volume) are writable. Static files are collected at build.

FROM node:22-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
# Browser packages only (htmx, KRDS, the web font, ...); the test tools (axe-core, the compose schema) stay out of the image.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm AS portal
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    PORTAL_VAR_DIR=/app/var \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics \
    LOG_FORMAT=json
# gettext compiles the translations; postgresql-client gives backup_portal/restore_portal their tools.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin kai
WORKDIR /app
COPY pyproject.toml requirements.lock ./
# The portal's own dependencies (pyproject), at the versions requirements.lock pins; no test tools.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt -c requirements.lock \
    && rm /tmp/requirements.txt
COPY . .
COPY --from=assets /build/node_modules/htmx.org /app/node_modules/htmx.org
# The answer renderer (issue 17): the folders STATICFILES_DIRS names, nothing else of the packages.
COPY --from=assets /build/node_modules/markdown-it/dist/browser /app/node_modules/markdown-it/dist/browser
COPY --from=assets /build/node_modules/dompurify/dist /app/node_modules/dompurify/dist
COPY --from=assets /build/node_modules/@highlightjs/cdn-assets /app/node_modules/@highlightjs/cdn-assets
# Of the design system and the web font, only what NODE_STATIC_FILES serves (pretendard-gov is 200 MB).
COPY --from=assets /build/node_modules/krds-uiux/resources/css /app/node_modules/krds-uiux/resources/css
COPY --from=assets /build/node_modules/krds-uiux/resources/img/component/icon /app/node_modules/krds-uiux/resources/img/component/icon
COPY --from=assets /build/node_modules/pretendard-gov/dist/web/static/woff2-subset /app/node_modules/pretendard-gov/dist/web/static/woff2-subset
# Build-time values only: collectstatic and compilemessages read settings but serve nothing.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py compilemessages --ignore=node_modules -v 0 \
    && DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/media \
    && chown kai:kai /app/var/media
USER 10001:10001
EXPOSE 8000 9808
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "-c", "python:portal.gunicorn_conf", "portal.asgi:application"]
