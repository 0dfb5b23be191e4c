# The GitHub Action's image: the package and its pinned runtime dependencies, nothing else.
# Build stage: make the package's wheel (the build backend never reaches the final image).
FROM python:3.12.7-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CONSTRAINT=/src/requirements/build.txt
WORKDIR /src
COPY pyproject.toml README.md ./
COPY requirements ./requirements
COPY qualytics_ci ./qualytics_ci
# init's workflows: qualytics_ci/scaffold/workflows links to docs/workflows
COPY docs/workflows ./docs/workflows
RUN pip wheel --no-deps --wheel-dir /wheels .

# Final stage: the locked dependencies, then the package, both without resolving anything.
FROM python:3.12.7-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements/action.txt /opt/qualytics-ci/requirements.txt
COPY --from=build /wheels /opt/qualytics-ci/wheels
RUN pip install --no-deps --requirement /opt/qualytics-ci/requirements.txt \
    && pip install --no-deps /opt/qualytics-ci/wheels/*.whl \
    && rm -rf /opt/qualytics-ci/wheels
COPY entrypoint.py /opt/qualytics-ci/entrypoint.py
# GitHub mounts the repository here and runs the container with it as the working directory.
WORKDIR /github/workspace
ENTRYPOINT ["python", "/opt/qualytics-ci/entrypoint.py"]
