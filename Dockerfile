# sourced: the same install as `make install`, on Python 3.11, CPU only.
FROM python:3.11-slim-bookworm

# gcc/g++/cmake build llama-cpp-python from source; nothing else is downloaded at run time.
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

ENV SOURCED_DATA_DIR=/data \
    SOURCED_HOST=0.0.0.0 \
    SOURCED_PORT=8000 \
    HF_HUB_OFFLINE=1 \
    LITELLM_OFFLINE_MODE=true \
    LITELLM_LOCAL_MODEL_COST_MAP=True
VOLUME /data
EXPOSE 8000
# Assemble the GGUF into the image's model directory once, at build time, not on first start.
ENV SOURCED_MODEL_DIR=/app/models
RUN .venv/bin/python -c "from service.models.gguf import ensure_assembled; from pathlib import Path; ensure_assembled(Path('/app/models'))"

HEALTHCHECK --interval=30s --timeout=5s --start-period=120s CMD python3 -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status != 200)"
CMD [".venv/bin/sourced", "serve"]
