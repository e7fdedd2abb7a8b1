# The bot's image: slim, no TensorFlow — it asks the `rasa` service over HTTP (RASA_URL), so it
# needs no Python that Rasa supports: a supported one (3.10 reached its end of life in 2026).
# `docker compose build` builds it; docs/deployment.md has the whole procedure.
FROM python:3.12-slim AS bot
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements-bot.txt .
# DejaVu Sans: the font of /stats' chart (every letter of German).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir -r requirements-bot.txt \
    && useradd --system --uid 10001 --home /app bot \
    && mkdir /data && chown bot /data
# Run from the source tree (python -m bot): the code finds data/ and rasa_project/ (the language
# detector learns from the NLU examples) beside itself. Models are not copied (.dockerignore).
COPY data/ data/
COPY rasa_project/ rasa_project/
COPY bot/ bot/
USER bot
# The database lives on the `bot-data` volume; the heartbeat file beside it feeds the health check.
ENV DATABASE_PATH=/data/bot.sqlite3
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]

# For maintainers (docker compose --profile maintenance): the full install with Rasa, to evaluate
# and promote models next to the running bot. Rasa 3.6 runs only on Python < 3.11.
FROM python:3.10-slim AS tools
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY data/ data/
COPY bot/ bot/
# rasa_project/ (data, models) is mounted from the host, where maintainers edit and train.
CMD ["python", "-m", "bot", "promote"]
