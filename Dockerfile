# syntax=docker/dockerfile:1

# Stage 1: build the React frontend into frontend/dist.
FROM node:22-bookworm-slim AS frontend
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# Stage 2: the Django application served by Daphne.
FROM python:3.11-slim AS app

# uv from its official image, pinned like the lock file it reads.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_DEBUG=0

WORKDIR /app

# Dependencies first, so code changes reuse this layer. The dev and bench
# groups are default groups for local work; production installs neither.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-default-groups --no-install-project

RUN groupadd --system --gid 10001 taskboard \
    && useradd --system --uid 10001 --gid taskboard --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin taskboard

# The code stays owned by root (read-only for the app user); only the
# collectstatic target is writable.
COPY . .
COPY --from=frontend /build/frontend/dist ./frontend/dist
RUN mkdir -p staticfiles && chown taskboard:taskboard staticfiles

USER 10001:10001
EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "taskboard.asgi:application"]
