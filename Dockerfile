# Two images. The last stage (the default build) is the app: gunicorn's sync workers, which
# must not face clients directly (a slow client holds a worker). The "proxy" stage is the
# official nginx image with deploy/nginx's template: it buffers whole requests and answers
# and times slow clients out, so only complete requests reach gunicorn. docker compose
# builds both (docker-compose.yml); elsewhere: docker build --target proxy -t tracker-proxy .
FROM nginx:1.28 AS proxy
COPY deploy/nginx/templates /etc/nginx/templates
ENV TRACKER_UPSTREAM=web:8000 \
    TRACKER_PROXY_PORT=8080
EXPOSE 8080

FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY tracker ./tracker
COPY negotiations ./negotiations
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home tracker
USER tracker
EXPOSE 8000
# Behind the proxy: NUM_PROXIES=1 (compose sets it) so that rate limits and the login
# lockout count the client's address, not the proxy's. The access log names each request
# by its X-Request-ID, as the application's own log lines do.
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py seed && exec gunicorn tracker.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --timeout 30 --access-logfile - --access-logformat '%(h)s %(t)s \"%(r)s\" %(s)s %(b)s %(M)sms request=%({x-request-id}o)s'"]
