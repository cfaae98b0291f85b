# syntax=docker/dockerfile:1
#
# The web app's image: gunicorn serving Django, static files collected and
# served by WhiteNoise, running as an unprivileged user. Every build step is
# a script in deploy/, which tests/test_deploy_scripts.py runs outside
# Docker. See docs/deploy.md.

# The Debian release is pinned so that the image gets the packages the
# deploy-scripts test installed; move it forward with a test run.
ARG DEBIAN_RELEASE=bookworm

FROM python:3.13-slim-${DEBIAN_RELEASE} AS builder
WORKDIR /build
COPY pyproject.toml requirements.lock ./
COPY deploy/build-venv.sh deploy/
RUN deploy/build-venv.sh /opt/venv


FROM python:3.13-slim-${DEBIAN_RELEASE} AS runtime
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app

COPY deploy/install-system-packages.sh deploy/add-app-user.sh \
     deploy/check-pdf-output.sh deploy/
# The package lists live in a build cache, so they stay out of the image.
RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    deploy/install-system-packages.sh
RUN deploy/add-app-user.sh

COPY --from=builder /opt/venv /opt/venv
RUN deploy/check-pdf-output.sh

# The code and the collected static files stay owned by root: the app
# reads them and writes only to /data.
COPY . .
RUN deploy/collect-static.sh

# Numeric, so that platforms enforcing "run as non-root" can verify it.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
