"""Generation: a follow-up condensed into a standalone question, the answer prompt, the model call.

The answer prompt puts its fixed part first (the rules, then the worked examples as
earlier chat turns) and the request's own passages and question last, so a provider
that caches prompt prefixes pays only for what changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from service.context import Passage, render_passages
from service.models.llm import LLM, LLMError, TokenStream, Usage
from service.policy import AnswerPolicy
from service.prompts import Quoted, load_examples, load_prompt


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant", "system"]
    content: str = Field(min_length=1)


def condense(question: str, earlier: Sequence[Message], llm: LLM | None, usage: Usage,
             policy: AnswerPolicy) -> str:
    """`question`, rewritten to stand alone when earlier turns exist.

    Without a generator (`llm` None: extractive mode) or when it fails, the previous user
    question is prepended instead, which keeps its names in the retrieval query.
    """
    turns = [m for m in earlier if m.role in ("user", "assistant")]
    if not turns:
        return question
    if llm is not None:
        conversation = "\n".join(f"{m.role}: {' '.join(m.content.split())}" for m in turns[-policy.condense_turns:])
        prompt = load_prompt("condense").render(conversation=conversation, question=question)
        try:
            completion = llm.complete([{"role": "user", "content": prompt}], max_tokens=policy.condense_max_tokens,
                                      stop=["\n"])
        except LLMError:
            completion = None
        if completion is not None:
            usage.add(completion)
            rewritten = completion.text.strip().strip('"').strip()
            if rewritten:
                return rewritten
    previous = next((m.content for m in reversed(turns) if m.role == "user"), "")
    return f"{previous.strip()} {question}".strip()


def answer_messages(question: str, passages: Sequence[Passage]) -> list[dict[str, str]]:
    template = load_prompt("answer")
    messages = [{"role": "system", "content": load_prompt("answer-system", "v4").render()}]
    for example in load_examples("answer-examples", "v2"):
        messages += [{"role": "user", "content": template.render(passages=Quoted(example["passages"]),
                                                                 question=example["question"])},
                     {"role": "assistant", "content": example["answer"]}]
    messages.append({"role": "user", "content": template.render(passages=render_passages(passages),
                                                                question=question)})
    return messages


def generate_answer(llm: LLM, question: str, passages: Sequence[Passage]) -> TokenStream:
    """The model's cited answer, as a stream of text pieces (its errors raise LLMError)."""
    return llm.stream(answer_messages(question, passages))
