"""The generator as a yes/no judge: P(Yes) for "is this claim supported by these sentences?".

Read from next-token probabilities where the provider returns them (greedy, one token);
otherwise from the answer text (1.0 for yes, 0.0 for no, 0.5 for anything else).
"""

from __future__ import annotations

import re

from service.models.llm import LLM
from service.prompts import load_prompt


class Judge:
    def __init__(self, llm: LLM, prompt_version: str = "v1"):
        self.llm = llm
        self.prompt = load_prompt("judge", prompt_version)

    def probability(self, claim: str, source_sentences: list[str]) -> float:
        source = "\n".join(f"- {sentence}" for sentence in source_sentences)
        messages = [{"role": "user", "content": self.prompt.render(source=source, claim=claim)}]
        probabilities = self.llm.next_token_probabilities(messages, ["Yes", "No", "yes", "no"])
        if probabilities is not None:
            yes = probabilities["Yes"] + probabilities["yes"]
            no = probabilities["No"] + probabilities["no"]
            if yes + no > 0:
                return yes / (yes + no)
        answer = self.llm.complete(messages, max_tokens=3).text.strip().lower()
        return 1.0 if re.match(r"yes\b", answer) else 0.0 if re.match(r"no\b", answer) else 0.5
