"""Paths stay inside (issue 13): run folders and 'latest' inside --out whatever the client's name, a logo is an
image, and the files a config names are read, never written."""
from __future__ import annotations

import io
import re
import stat
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from journeylab.errors import ConfigError, JourneylabError
from journeylab.report.paths import SLUG_MAX, NotAnImage, image_type, safe_slug
from journeylab.report.run import _logo_path, _point_latest, new_run_dir, read_report_options
from journeylab.data.config import read_shop_config
from journeylab.data.shop import load_shop

HOSTILE_NAMES = [
    "..", ".", "../x", "../../../../tmp/evil", "/etc", "/", "a/b/c", "a\\b", "..\\..\\x", "a\x00b", "x" * 300,
    "", "...", "....", ".hidden", "-rf", "~", "~/x", "a/../../b", "café/../..", "\u202e..", "latest", " ",
]
SLUG = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_run_dir_and_latest_stay_inside_out_root(tmp_path, name):
    out = tmp_path / "deep" / "out"
    run = new_run_dir(out, name)
    assert run.is_dir() and run.resolve().is_relative_to(out.resolve())
    assert run.parent.parent == out  # exactly <out>/<client>/<run>
    assert SLUG.fullmatch(run.parent.name) and len(run.parent.name) <= SLUG_MAX
    _point_latest(run)
    latest = run.parent / "latest"
    assert latest.is_symlink() and latest.resolve() == run.resolve()
    assert latest.resolve().is_relative_to(out.resolve())
    # nothing was made next to or above the out root
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep"]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]


def test_dots_do_not_reach_the_parent(tmp_path):
    out = tmp_path / "out"
    runs = [new_run_dir(out, ".."), new_run_dir(out, "."), new_run_dir(out, "")]
    assert {r.parent.name for r in runs} == {"client"} and len({*runs}) == 3  # never reused


def test_existing_link_to_elsewhere_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "shop").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(JourneylabError, match="outside"):
        new_run_dir(out, "shop")
    assert list(elsewhere.iterdir()) == []


def test_latest_refuses_an_unsafe_run_name(tmp_path):
    with pytest.raises(JourneylabError):
        _point_latest(tmp_path / "shop" / "..")
    assert not (tmp_path / "latest").exists()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_name_gives_one_safe_folder_name(name):
    slug = safe_slug(name)
    assert SLUG.fullmatch(slug) and len(slug) <= SLUG_MAX
    assert ".." not in slug and not slug.endswith(".")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("./\\\x00a-_ ~é"), max_size=30))
def test_any_name_gives_a_run_dir_inside(name):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        run = new_run_dir(out, name)
        assert run.resolve().is_relative_to(out.resolve()) and run.parent.parent == out
        assert [p.name for p in Path(tmp).iterdir()] == ["out"]


# --- the logo is an image ---------------------------------------------------------------------------------
CLEAN_SVG = ('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
             'width="10" height="10"><defs><linearGradient id="g"/></defs><style>.a{fill:url(#g)}</style>'
             '<rect class="a" width="10" height="10"/><use xlink:href="#g"/><image href="data:image/png;base64,AAAA"/></svg>')
BAD_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "script_ns": '<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script></s:svg>',
    "onload": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "onclick_inner": '<svg xmlns="http://www.w3.org/2000/svg"><rect onClick="x()"/></svg>',
    "foreignObject": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>',
    "external_href": '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>',
    "javascript_xlink": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                         '<a xlink:href="javascript:alert(1)"><rect/></a></svg>'),
    "animate_href": ('<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/>'
                     '</a></svg>'),
    "css_import": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://evil.example/a.css";</style></svg>',
    "css_url": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/a#x)"/></svg>',
    "entities": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                 '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'),
    "html_root": '<html><body><svg/></body></html>',
    "stylesheet_pi": '<?xml-stylesheet href="https://evil.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "not_xml": "<svg><rect></svg>",
    "empty": "",
}


def _image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt, mime", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"),
                                       ("WEBP", "image/webp")])
def test_raster_images_are_recognised_by_content(tmp_path, fmt, mime):
    path = tmp_path / "logo.txt"  # the suffix says nothing
    path.write_bytes(_image(fmt))
    assert image_type(path) == mime


def test_clean_svg_passes(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_text(CLEAN_SVG)
    assert image_type(path) == "image/svg+xml"


@pytest.mark.parametrize("case", sorted(BAD_SVGS))
def test_svg_with_active_or_foreign_content_fails(tmp_path, case):
    path = tmp_path / "logo.svg"
    path.write_text(BAD_SVGS[case])
    with pytest.raises(NotAnImage):
        image_type(path)


def test_text_file_named_png_and_a_folder_fail(tmp_path):
    (tmp_path / "logo.png").write_text("this is not an image\n")
    with pytest.raises(NotAnImage, match="not a PNG, JPEG, GIF or WebP"):
        image_type(tmp_path / "logo.png")
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(NotAnImage, match="not a regular file"):
        image_type(tmp_path / "dir.png")


def _client(tmp_path: Path, logo: str) -> Path:
    config = tmp_path / "client.yaml"
    config.write_text(f"name: shop\ntables:\n  orders: orders.csv\nreport:\n  logo: {logo}\n")
    return config


def test_config_logo_must_be_an_image(tmp_path):
    (tmp_path / "logo.png").write_bytes(_image("PNG"))
    config = _client(tmp_path, "logo.png")
    assert read_report_options(config)["logo"] == "logo.png"
    assert _logo_path(config, {"logo": "logo.png"}) == tmp_path / "logo.png"

    (tmp_path / "fake.png").write_text("<html><script>alert(1)</script></html>")
    config = _client(tmp_path, "fake.png")
    with pytest.raises(ConfigError) as err:
        read_report_options(config)
    message = str(err.value)
    assert str(config) in message and str(tmp_path / "fake.png") in message and "not an image" in message
    assert _logo_path(config, {"logo": "fake.png"}) is None  # never embedded, even if asked directly

    (tmp_path / "bad.svg").write_text(BAD_SVGS["script"])
    with pytest.raises(ConfigError, match="script"):
        read_report_options(_client(tmp_path, "bad.svg"))
    (tmp_path / "good.svg").write_text(CLEAN_SVG)
    assert read_report_options(_client(tmp_path, "good.svg"))["logo"] == "good.svg"


def test_missing_logo_still_says_it_does_not_exist(tmp_path):
    with pytest.raises(ConfigError, match="logo file nowhere.png does not exist"):
        read_report_options(_client(tmp_path, "nowhere.png"))



def test_report_options_come_from_the_config_read_once(tmp_path):
    """run_report reads the client config once (read_shop_config) and takes the report options from it."""
    (tmp_path / "logo.png").write_bytes(_image("PNG"))
    config = tmp_path / "client.yaml"
    config.write_text("name: shop\nlanguage: nl\ntables:\n  orders: orders.csv\nreport:\n  logo: logo.png\n")
    cfg = read_shop_config(config)
    config.write_text("this is no longer the config")  # not read again
    opts = read_report_options(cfg)
    assert opts["logo"] == "logo.png" and opts["language"] == "nl" and opts["phase_model"] == "five"
    config.write_text("name: shop\ntables:\n  orders: orders.csv\nreport: [language, nl]\n")
    with pytest.raises(ConfigError, match=r"client config .*client.yaml: report: must be a mapping of keys \(language, "):
        read_report_options(config)
    config.write_text("name: shop\ntables:\n  orders: orders.csv\nreport:\n  language: fr\n")
    with pytest.raises(ConfigError, match=r"client config .*client.yaml: report.language: must be 'en' or 'nl', not 'fr'"):
        read_report_options(config)

# --- files a config names are read, never written --------------------------------------------------------
def test_load_shop_reads_read_only_files_and_leaves_them_as_they_were(tmp_path):
    """The data folder and its files are made read-only. Tests often run as root, whom permissions do not
    stop, so the real check is that every file's bytes and modification time are unchanged and that no file
    appeared in the folder."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "orders.csv").write_text("order_id,customer_id,ordered_at,revenue\n"
                                     "1,c1,2024-01-05,10.5\n2,c2,2024-02-01,20\n3,c1,2024-03-01,7\n")
    pd.DataFrame({"order_id": [1, 2, 3], "product_id": ["p1", "p2", "p1"], "quantity": [1, 2, 1],
                  "unit_price": [10.5, 10.0, 7.0]}).to_parquet(data / "order_lines.parquet")
    pd.DataFrame({"product_id": ["p1", "p2"], "category": ["soap", "bed"], "price": [10.5, 10.0]}).to_excel(
        data / "products.xlsx", index=False)
    (data / "logo.png").write_bytes(_image("PNG"))
    config = data / "shop.yaml"
    config.write_text("name: readonly\ntables:\n  orders: orders.csv\n  order_lines: order_lines.parquet\n"
                      "  products: products.xlsx\nreport:\n  logo: logo.png\n")
    for path in data.iterdir():
        path.chmod(0o444)
    data.chmod(0o555)
    try:
        before = _snapshot(data)
        shop = load_shop(config)
        assert shop.count("orders") == 3 and shop.has("products") and shop.has("order_lines")
        shop.con.close()
        assert read_report_options(config)["logo"] == "logo.png" and _logo_path(config, {"logo": "logo.png"})
        assert _snapshot(data) == before
    finally:
        data.chmod(0o755)
        for path in data.iterdir():
            path.chmod(0o644)


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns, stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.iterdir())} | {".": (b"", folder.stat().st_mtime_ns, 0)}


def test_journeylab_opens_no_config_named_file_for_writing():
    """A grep over the package, kept as a test so a new write is looked at: no line that writes a file names a
    table source's path or the logo. (Today's writes go to run folders, the batch file, the notebooks' cache,
    simulated shops, journeylab.report.export and the pseudonymisation key.)"""
    root = Path(__file__).resolve().parent.parent / "journeylab"
    writes = re.compile(r"write_text|write_bytes|open\([^)]*['\"][wax]b?\+?['\"]|O_WRONLY|to_csv|to_parquet|to_excel")
    for path in root.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if writes.search(line):
                assert not re.search(r"source\.path|\.uri\b|logo", line), f"{path.name}: {line.strip()}"
