# Standpoint: gunicorn on a slim Python, as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    BIND=0.0.0.0:8000 WEB_CONCURRENCY=2 \
    DATABASE_URL=sqlite:////app/instance/standpoint.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY gunicorn.conf.py ./
RUN pip install . && useradd --create-home --uid 10001 standpoint \
    && mkdir -p /app/instance && chown standpoint /app/instance

USER standpoint
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
