# Senim: the Telegram bot. Build: docker build -t senim .
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -v senim-data:/data senim
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SENIM_KNOWLEDGE=/app/knowledge \
    SENIM_DB=/app/var/senim.sqlite3 \
    SENIM_STATE_DIR=/data/state \
    MPLCONFIGDIR=/var/cache/senim/matplotlib

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY locales ./locales

# A plain install: the wheel carries knowledge/ and locales/ (pyproject: force-include).
# The store is built now, so the container starts answering at once and never writes
# /app. Matplotlib's font cache is built now too, in a directory the bot user may write
# (otherwise it warns and rebuilds the cache in a temp dir on every start).
RUN pip install . \
    && senim build \
    && python -m compileall -q bot \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin senim \
    && mkdir -p /data/state "$MPLCONFIGDIR" \
    && python -c "import matplotlib.font_manager" \
    && chown -R senim /data "$MPLCONFIGDIR"

USER senim
VOLUME /data
# webhook mode: senim run --webhook --url https://<public>/telegram --listen 0.0.0.0 --port 8443
EXPOSE 8443
CMD ["senim", "run"]
