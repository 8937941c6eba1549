"""Reading a big catalog tells how many rows are read, as it goes: the same events as a sync."""

from __future__ import annotations

from pathlib import Path

from listsync.catalog.files import check_catalog, load_catalog
from listsync.catalog.samples import copy_sample_catalog
from listsync.progress import Phase, ProgressEvent
from tests.catalog import big_catalog


def test_rows_read_are_told_every_few_hundred_and_at_the_end(tmp_path: Path) -> None:
    path = big_catalog.write_csv(tmp_path / "catalog.csv", 600, 4, sentences=1)  # 2,400 rows
    heard: list[ProgressEvent] = []
    catalog = load_catalog(path, progress=heard.append)
    assert len(catalog.products) == 600
    assert {(e.channel, e.phase) for e in heard} == {("", Phase.ROWS)}
    done = [e.done for e in heard]
    assert done == sorted(done) and len(heard) >= 4
    assert all(e.total is None for e in heard[:-1])
    last_product_row = 2 + 599 * 4  # the header, then four rows a product
    assert heard[-1] == ProgressEvent("", Phase.ROWS, last_product_row, last_product_row)

    checked: list[ProgressEvent] = []
    check_catalog(path, progress=checked.append)
    assert checked == heard


def test_a_small_file_says_only_that_it_is_read(tmp_path: Path) -> None:
    copy_sample_catalog(tmp_path)
    heard: list[ProgressEvent] = []
    load_catalog(tmp_path / "catalog.yaml", progress=heard.append)
    assert heard == []  # YAML has lines, not rows: nothing to count
    sample = Path(__file__).parents[2] / "listsync" / "data" / "sample" / "catalog.csv"
    load_catalog(sample, progress=heard.append)
    assert len(heard) == 1 and heard[0].finished
