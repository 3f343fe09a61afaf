# Senim: the Telegram bot. Build: docker build -t senim .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -v senim-data:/data senim
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SENIM_STATE_DIR=/data/state

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales

# Installed in place (-e) so bot/ finds knowledge/ and locales/ beside it; the store
# is built now, so the container starts answering at once and never writes /app.
RUN pip install -e . \
    && senim build \
    && python -m compileall -q bot \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin senim \
    && mkdir -p /data/state \
    && chown -R senim /data

USER senim
VOLUME /data
# webhook mode: senim run --webhook --url https://<public>/telegram --listen 0.0.0.0 --port 8443
EXPOSE 8443
CMD ["senim", "run"]
