from pathlib import Path

import pytest

from service.settings import EMBEDDED_LLM, Settings, SettingsError


def test_defaults_are_the_offline_embedded_stack():
    settings = Settings.from_env({})
    assert settings.llm_model == EMBEDDED_LLM
    assert settings.chroma_mode == "embedded"
    assert settings.models_path == Path("data") / "models"


def test_reads_and_types_sourced_variables():
    settings = Settings.from_env({
        "SOURCED_DATA_DIR": "/srv/sourced",
        "SOURCED_LLM_MODEL": "openai/gpt-4o-mini",
        "SOURCED_CHROMA_URL": "http://127.0.0.1:8001",
        "SOURCED_THREADS": "3",
        "PATH": "/bin",
    })
    assert settings.data_dir == Path("/srv/sourced")
    assert settings.threads == 3
    assert settings.chroma_mode == "http"
    assert settings.models_path == Path("/srv/sourced/models")


def test_a_misspelt_variable_is_an_error_that_lists_the_known_ones():
    with pytest.raises(SettingsError, match="unknown setting SOURCED_LLM_MODLE.*SOURCED_LLM_MODEL"):
        Settings.from_env({"SOURCED_LLM_MODLE": "x"})


def test_a_badly_typed_value_names_the_variable():
    with pytest.raises(SettingsError, match="SOURCED_THREADS"):
        Settings.from_env({"SOURCED_THREADS": "many"})
    with pytest.raises(SettingsError, match="SOURCED_EMBEDDER"):
        Settings.from_env({"SOURCED_EMBEDDER": "word2vec"})
