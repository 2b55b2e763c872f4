# The ombud image: web app (`serve`), projection worker (`worker`) and migrations (`migrate`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:${PATH}"

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY domain ./domain
COPY services ./services
COPY projections ./projections
COPY web ./web
COPY infra ./infra
RUN uv sync --frozen --no-dev --no-editable

RUN useradd --system --uid 10001 --user-group --no-create-home ombud \
    && install -d -o ombud -g ombud -m 700 /var/lib/ombud /var/lib/ombud/key-epochs /var/lib/ombud-signer  # the key-epochs and signer volumes' owner
USER ombud

EXPOSE 8000
ENTRYPOINT ["ombud"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
