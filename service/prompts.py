"""Prompt templates, read from the versioned files in the top-level prompts/ folder (never
written into code), which the package ships as `service.prompt_files`.

Templates use {name} fields. Substituted values are never parsed again, so a brace or a
field name inside article text stays plain text. Every value is data, put in through `quoted`,
so that article or conversation text cannot steer the model by its delimiters (see there).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PROMPTS = resources.files("service.prompt_files")
# Lookalike brackets too: a small model reads "＜/source＞" as the tag it resembles.
OPEN_ANGLE, CLOSE_ANGLE = "<\uff1c\ufe64\u2039\u2329\u3008\u27e8", ">\uff1e\ufe65\u203a\u232a\u3009\u27e9"
SLASH, BAR = "/\\\\\uff0f\u2044\u2215", "|\uff5c"
# Chat-template control tokens (<|im_start|>, <|im_end|>, <|endoftext|>, <|eot_id|>): the model's
# tokenizer turns them into real turn boundaries wherever they appear in a message.
CONTROL_TOKEN = rf"[{OPEN_ANGLE}]\s*+[{BAR}][^{OPEN_ANGLE}{CLOSE_ANGLE}\n]{{0,64}}?[{BAR}]\s*+[{CLOSE_ANGLE}]"
# Invisible format characters (zero-width spaces and joiners, soft hyphens, direction marks):
# inside a tag name they would hide it from the pattern and not from the model.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# What the service's citation parser reads as a marker: in data it becomes "(3)", so that a cited
# number can only be one the service gave.
CITATION_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
# What a removed tag leaves: no tag can span it (it is neither a space, a slash, a letter nor
# allowed in a tag's attribute), so one pass suffices where "<</source>/source>" would otherwise
# rebuild a tag from the text around a removed one, and removal would have to repeat.
REMOVED = "\u00b7"


class Quoted(str):
    """Text that is safe inside a block: what `quoted` returns, or text the service assembled
    from such pieces and its own markup (numbered passages), which `Prompt.render` keeps as it is."""


def quoted(text: str) -> Quoted:
    """`text` as data that cannot open or close a block of any prompt nor a chat turn, and
    cannot pass for a citation: block tags (any case, spacing, slashes, attributes or lookalike
    brackets; an unclosed "<source" too) and control tokens become " · ", `[n]` becomes `(n)`,
    invisible format characters go. Ordinary text, which has none of them, comes back unchanged.
    Linear time, one pass each (possessive runs: nothing is scanned twice)."""
    visible = INVISIBLE.sub("", text)
    return Quoted(CITATION_MARKER.sub(r"(\1)", delimiters().sub(f" {REMOVED} ", visible)))


@cache
def delimiters() -> re.Pattern[str]:
    """A run of control tokens and of opening or closing tags of the blocks that the prompt files
    delimit (<passages>, <source>...), singular or plural, with the spaces around it."""
    names = {name.lower().rstrip("s") for path in PROMPTS.iterdir() if path.name.endswith(".txt")
             for name in re.findall(r"</?([A-Za-z]+)>", path.read_text(encoding="utf-8"))}
    # The name, then whatever (attributes, slashes) runs to a closing bracket on the same line;
    # with no closing bracket, the opening and the name alone.
    tag = (rf"[{OPEN_ANGLE}][\s{SLASH}]*+(?:{'|'.join(sorted(names))})s?\b"
           rf"(?:[^{OPEN_ANGLE}{CLOSE_ANGLE}{REMOVED}\n]*+[{CLOSE_ANGLE}])?")
    # Starting only where a run of blanks starts: otherwise a long run with no tag after it is
    # scanned again from each of its characters.
    return re.compile(rf"(?<![ \t])(?:[ \t]*(?:{tag}|{CONTROL_TOKEN}))+[ \t]*", re.IGNORECASE)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    template: str

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    def render(self, **values: str) -> str:
        return self.template.format(**{name: value if isinstance(value, Quoted) else quoted(value)
                                       for name, value in values.items()})


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
