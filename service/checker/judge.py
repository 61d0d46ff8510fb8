"""Judges for the uncertain claims: P(the claim is supported by these source sentences).

The default is the generator as a yes/no judge, read from next-token probabilities where
the provider returns them (greedy, one token), otherwise from the answer text (1.0 for yes,
0.0 for no, 0.5 for anything else). An NLI cross-encoder can replace it by setting.
"""

from __future__ import annotations

import re
from pathlib import Path

from service.models.llm import LLM, shown_name
from service.prompts import load_prompt


class Judge:
    def __init__(self, llm: LLM, prompt_version: str = "v2"):
        self.llm = llm
        self.prompt = load_prompt("judge", prompt_version)
        self.description = f"the language model {shown_name(llm.model)} as a yes/no judge"

    def probability(self, claim: str, source_sentences: list[str]) -> float:
        # one line each, so that a line break in article text cannot start a sentence or a claim of its own
        source = "\n".join(f"- {' '.join(sentence.split())}" for sentence in source_sentences)
        messages = [{"role": "user", "content": self.prompt.render(source=source, claim=claim)}]
        probabilities = self.llm.next_token_probabilities(messages, ["Yes", "No", "yes", "no"])
        if probabilities is not None:
            yes = probabilities["Yes"] + probabilities["yes"]
            no = probabilities["No"] + probabilities["no"]
            if yes + no > 0:
                return yes / (yes + no)
        answer = self.llm.complete(messages, max_tokens=3).text.strip().lower()
        return 1.0 if re.match(r"yes\b", answer) else 0.0 if re.match(r"no\b", answer) else 0.5


class NliJudge:
    """An NLI cross-encoder from a local directory, for users who have one (off by default).

    P(entailment) of (source sentences, claim), read from the label names in the model's
    config, so any sentence-transformers CrossEncoder with an "entailment" label works.
    """

    def __init__(self, model_dir: Path, threads: int):
        import torch
        from sentence_transformers import CrossEncoder

        torch.set_num_threads(threads)
        self.model = CrossEncoder(str(model_dir), device="cpu", local_files_only=True)
        labels = {i: name.lower() for i, name in self.model.config.id2label.items()}
        matches = [i for i, name in labels.items() if name.startswith("entail")]
        if not matches:
            raise ValueError(f"{model_dir} has no 'entailment' label (labels: {sorted(labels.values())})")
        self.entailment = matches[0]
        self.description = f"the NLI model {model_dir.name}"

    def probability(self, claim: str, source_sentences: list[str]) -> float:
        scores = self.model.predict([(" ".join(source_sentences), claim)], apply_softmax=True)
        return float(scores[0][self.entailment])
