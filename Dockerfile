# The ESM: small Python base, runtime dependencies only, a non-root user, every setting from
# the environment. Listening beyond the container's loopback needs credentials:
#   docker run -e ESM_BROKER_USERNAME=broker -e ESM_BROKER_PASSWORD=... -p 8080:8080 esm
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    ESM_IP=0.0.0.0 ESM_PORT=8080 ESM_DATA_DIR=/data ESM_LOG_FORMAT=json

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY api.yaml runesm.py ./
COPY esm ./esm
COPY adapters ./adapters

# uid 10001; group 0 may write /data too, for platforms that run an arbitrary uid (OpenShift)
RUN useradd --system --uid 10001 --gid 0 --no-create-home --home-dir /app esm \
    && mkdir -p /data && chown 10001:0 /data && chmod g+rwX /data
USER 10001
VOLUME /data
EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('ESM_PORT', '8080'), timeout=2)"

CMD ["python", "runesm.py"]
