"""The mapping-file reader every adapter shares: the file and key of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from listsync.channel.mapping_file import html_paragraphs, kilograms, load_mapping_file
from listsync.errors import ConfigError


class Mapping(BaseModel):
    brands: dict[str, str] = {}
    category_id: int = 0


def test_the_default_is_read_when_no_file_is_named(tmp_path: Path) -> None:
    default = tmp_path / "shipped.yaml"
    default.write_text("category_id: 7\n", encoding="utf-8")
    assert load_mapping_file(Mapping, None, default, "Sàn").category_id == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("category_id: seven\n", "has problems:\n  category_id: Input should be a valid integer"),
        ("brands: [1\n", "is not valid YAML"),
    ],
)
def test_each_problem_names_the_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_mapping_file(Mapping, path, tmp_path / "shipped.yaml", "Sàn")
    assert f"the Sàn mapping file {path}" in str(caught.value) and expected in str(caught.value)
    with pytest.raises(ConfigError, match="cannot read the Sàn mapping file"):
        load_mapping_file(Mapping, tmp_path / "missing.yaml", tmp_path / "shipped.yaml", "Sàn")


def test_html_and_kilograms() -> None:
    assert html_paragraphs("Trà <sen>\nướp\n\nHộp quà") == (
        "<p>Trà &lt;sen&gt;<br/>ướp</p><p>Hộp quà</p>"
    )
    assert (kilograms(250), kilograms(1000), kilograms(1)) == ("0.25", "1", "0.001")
