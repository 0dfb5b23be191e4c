FROM python:3.12.7-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /opt/qualytics-ci
COPY pyproject.toml README.md entrypoint.py ./
COPY qualytics_ci ./qualytics_ci
RUN pip install --no-cache-dir .
ENTRYPOINT ["python", "/opt/qualytics-ci/entrypoint.py"]
