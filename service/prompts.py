"""Prompt templates, read from the versioned files in the top-level prompts/ folder (never
written into code), which the package ships as `service.prompt_files`.

Templates use {name} fields. Substituted values are never parsed again, so a brace or a
field name inside article text stays plain text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

PROMPTS = resources.files("service.prompt_files")


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    template: str

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    def render(self, **values: str) -> str:
        return self.template.format(**values)


@cache
def load_prompt(name: str, version: str = "v1") -> Prompt:
    path = PROMPTS / f"{name}.{version}.txt"
    return Prompt(name=name, version=version, template=path.read_text(encoding="utf-8").strip())


@cache
def load_examples(name: str, version: str = "v1") -> tuple[dict[str, str], ...]:
    """Worked examples, given to the model as earlier chat turns: a 1.5B model copies an
    example that sits in the system prompt into its own answer."""
    path = PROMPTS / f"{name}.{version}.json"
    return tuple(json.loads(path.read_text(encoding="utf-8")))
