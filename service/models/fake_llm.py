"""A scripted litellm custom provider for unit tests: the LLM faked at the litellm seam.

`register_fake(reply)` makes `fake/<anything>` answer with `reply(messages)`; the
service still goes through litellm exactly as it does for a real model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from litellm import CustomLLM
from litellm.types.utils import GenericStreamingChunk, Usage

from service.models.llm import Message, register_provider

PROVIDER = "fake"
Reply = Callable[[list[Message]], str]


class ScriptedProvider(CustomLLM):
    def __init__(self, reply: Reply):
        super().__init__()
        self.reply = reply
        self.calls: list[list[Message]] = []

    def _answer(self, messages) -> str:
        self.calls.append(messages)
        return self.reply(messages)

    def completion(self, model, messages, api_base, custom_prompt_dict, model_response, *args, **kwargs):
        text = self._answer(messages)
        model_response.choices[0].message.content = text
        model_response.model = model
        words = sum(len(m["content"].split()) for m in messages)
        model_response.usage = Usage(prompt_tokens=words, completion_tokens=len(text.split()),
                                     total_tokens=words + len(text.split()))
        return model_response

    async def acompletion(self, *args, **kwargs):
        return self.completion(*args, **kwargs)

    def streaming(self, model, messages, *args, **kwargs) -> Iterator[GenericStreamingChunk]:
        words = self._answer(messages).split(" ")
        prompt_words = sum(len(m["content"].split()) for m in messages)
        for i, word in enumerate(words):
            last = i == len(words) - 1
            usage = {"prompt_tokens": prompt_words, "completion_tokens": len(words),
                     "total_tokens": prompt_words + len(words)} if last else None
            yield GenericStreamingChunk(
                text=word if last else word + " ", is_finished=last, finish_reason="stop" if last else "",
                index=0, tool_use=None, usage=usage,
            )

    async def astreaming(self, *args, **kwargs):
        for chunk in self.streaming(*args, **kwargs):
            yield chunk


def register_fake(reply: Reply) -> ScriptedProvider:
    provider = ScriptedProvider(reply)
    register_provider(PROVIDER, provider)
    return provider
