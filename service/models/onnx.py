"""A BERT-style ONNX model run with onnxruntime and a HuggingFace `tokenizers` tokenizer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer


class OnnxTextModel:
    def __init__(self, model_dir: Path, threads: int, max_length: int = 512):
        self.model_dir = model_dir
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # After a run, onnxruntime's threads spin waiting for the next one; on a small machine
        # they then steal the cores from whatever runs next (the query embedding of the next
        # request took 3x as long right after a rerank).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}

    def run(self, inputs: Sequence[str] | Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        """Return (first output, attention mask) for a batch of texts or text pairs."""
        encodings = self.tokenizer.encode_batch(list(inputs))
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        outputs = self.session.run(None, {k: v for k, v in feed.items() if k in self.input_names})
        return outputs[0], feed["attention_mask"]
