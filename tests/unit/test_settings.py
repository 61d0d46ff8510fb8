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


def test_the_llm_api_key_is_a_secret_everywhere_but_the_provider_call():
    from service.models.llm import LLM

    settings = Settings.from_env({"SOURCED_LLM_API_KEY": "sk-very-secret", "SOURCED_LLM_MODEL": "openai/gpt-4o-mini"})
    for shown in (repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())):
        assert "sk-very-secret" not in shown
    assert LLM(settings)._call_options["api_key"] == "sk-very-secret"


def test_fetch_ports_read_as_a_comma_separated_list():
    assert Settings.from_env({"SOURCED_FETCH_PORTS": "80, 443,8080"}).fetch_ports == (80, 443, 8080)
    with pytest.raises(SettingsError, match="SOURCED_FETCH_PORTS"):
        Settings.from_env({"SOURCED_FETCH_PORTS": "80,http"})
