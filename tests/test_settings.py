from pathlib import Path

import pytest

from assistant.errors import SettingsError
from assistant.settings import Settings


def test_precedence_file_env_override(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('top_k = 3\nbackend = "local"\n')
    s = Settings.load(file=f, env={"ASSISTANT_TOP_K": "4", "ASSISTANT_CORPUS": "/x"})
    assert s.top_k == 4 and s.backend == "local" and s.corpus_dir == Path("/x")
    s = Settings.load(file=f, env={"ASSISTANT_TOP_K": "4"}, top_k=7)
    assert s.top_k == 7


@pytest.mark.parametrize(
    "env",
    [{"ASSISTANT_TOP_K": "many"}, {"ASSISTANT_BACKEND": "gpt"}, {"ASSISTANT_CHUNK_OVERLAP": "999"}, {"ASSISTANT_ANSWER_CHECK": "maybe"},
     # Chroma's naming rule (3-512 ASCII characters, alphanumeric at both ends, no ".."),
     # less the 7 characters of the write journal's "-writes".
     {"ASSISTANT_COLLECTION": "ab"}, {"ASSISTANT_COLLECTION": "docs-"}, {"ASSISTANT_COLLECTION": "café"},
     {"ASSISTANT_COLLECTION": "a..b"}, {"ASSISTANT_COLLECTION": "x" * 506},
     {"ASSISTANT_EMBED_DEVICE": "gpu"}, {"ASSISTANT_LLM_GPU_LAYERS": "-2"}, {"ASSISTANT_EXACT_SEARCH_CHUNKS": "-1"}],
)
def test_bad_values_name_the_setting(env):
    with pytest.raises(SettingsError) as e:
        Settings.load(env=env)
    assert list(env)[0].removeprefix("ASSISTANT_").lower() in str(e.value)


def test_collection_names_chroma_accepts_pass():
    for name in ("abc", "my_docs-2", "v1.2", "x" * 505):
        assert Settings.load(env={"ASSISTANT_COLLECTION": name}).collection == name


def test_unknown_key_in_file(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text("topk = 3\n")
    with pytest.raises(SettingsError, match="topk"):
        Settings.load(file=f, env={})


def test_secrets_are_redacted():
    s = Settings.load(env={"OPENAI_API_KEY": "sk-secret"})
    assert s.openai_api_key == "sk-secret"
    assert "sk-secret" not in repr(s.redacted())


def test_repr_hides_secrets():
    s = Settings.load(env={"ASSISTANT_OPENAI_API_KEY": "sk-abc123", "ASSISTANT_AUTH": "u:pw-secret"})
    assert "sk-abc123" not in repr(s) and "pw-secret" not in repr(s)


def test_auto_device_resolves_to_one_torch_has():
    from assistant.providers.embeddings import embed_device

    assert embed_device("cuda:1") == "cuda:1"
    assert embed_device("auto") in ("cuda", "mps", "cpu")


@pytest.mark.slow
def test_a_gpu_device_torch_lacks_is_a_named_setting_error():
    import torch

    from assistant.errors import SettingsError
    from assistant.providers.embeddings import build_embedder

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(SettingsError) as e:
        build_embedder(Settings.load(env={"ASSISTANT_EMBED_DEVICE": "cuda"})).get_text_embedding("x")
    assert "embed_device" in e.value.user_message() and "auto" in e.value.user_message()
