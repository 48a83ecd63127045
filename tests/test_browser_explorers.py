"""The website's explorers move: on every chapter page with an explorer, in a real browser, offline.

Each explorer is a precomputed frame player (``collapse_utils.animation.frame_player``).  For every
player on a page, each control is moved with the keyboard and with the mouse; the shown value,
the player's state and (at least once per control) the figure change; every precomputed frame
decodes as an image; nothing is fetched from another host and the console stays clean.  A
screenshot after the moves is saved to ``test-artifacts/``.  All waits are Playwright's
auto-waiting assertions.  The page-size budget of the frames is checked over the built site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import offline_tab

ROOT = Path(__file__).resolve().parent.parent
FRAME_BUDGET_BYTES = 3_000_000

pytestmark = pytest.mark.book


def explorer_pages() -> list[str]:
    pages = []
    for source in sorted((ROOT / "chapters").glob("*.md")):
        if re.search(r"^explore\(", source.read_text(), re.M):
            pages.append(f"chapters/{source.stem}")
    return pages


_DECODE_FRAMES = """async (root) => {
  const data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const sizes = await Promise.all(data.frames.map(f => new Promise(resolve => {
    const img = new Image();
    img.onload = () => resolve(img.naturalWidth * img.naturalHeight);
    img.onerror = () => resolve(0);
    img.src = "data:image/png;base64," + f;
  })));
  return {frames: sizes.length, broken: sizes.filter(s => s === 0).length, keys: Object.keys(data.index).length};
}"""


def test_every_explorer_chapter_has_a_player():
    assert len(explorer_pages()) >= 15, "every chapter explorer is shown on the website"


@pytest.mark.parametrize("page", explorer_pages())
def test_frames_fit_the_page_budget(built_site, page):
    html = (built_site / f"{page}.html").read_text()
    payloads = re.findall(r'<div class="cu-player".*?<script type="application/json">(.*?)</script>', html, re.S)
    assert payloads, f"{page}: no explorer player on the page"
    frames = sum(len(f) for p in payloads for f in re.findall(r'"([A-Za-z0-9+/=]{200,})"', p))
    assert frames <= FRAME_BUDGET_BYTES, f"{page}: {frames / 1e6:.2f} MB of frames (budget 3 MB)"


@pytest.mark.parametrize("page", explorer_pages())
def test_explorer_moves_in_the_browser(browser, site_url, artifacts, page):
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)  # generous: CI must pass on a busy machine; waits end as soon as they can
    ctx, tab, external, errors = offline_tab(browser, timeout_ms=120_000)
    try:
        tab.goto(f"{site_url}/{page}.html", wait_until="load")
        players = tab.locator("div.cu-player")
        expect(players.first).to_be_visible()
        for k in range(players.count()):
            player = players.nth(k)
            img = player.locator("img.cu-frame")
            player.scroll_into_view_if_needed()
            decoded = player.evaluate(_DECODE_FRAMES)
            assert decoded["broken"] == 0 and decoded["frames"] > 0, f"{page}: frames that do not decode: {decoded}"

            for slider in player.locator("input[type=range]").all():
                name = slider.get_attribute("data-control")
                readout = player.locator(f"output[data-for='{slider.get_attribute('id')}']")
                srcs = {img.get_attribute("src")}
                # keyboard: one step towards the far end
                state, shown = player.get_attribute("data-shown"), readout.inner_text()
                at_max = slider.input_value() == slider.get_attribute("max")
                slider.focus()
                tab.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                expect(player).not_to_have_attribute("data-shown", state)
                expect(readout).not_to_have_text(shown)
                srcs.add(img.get_attribute("src"))
                # mouse: click the slider's two ends
                box = slider.bounding_box()
                for end, x in (("min", 2), ("max", box["width"] - 2)):
                    slider.click(position={"x": x, "y": box["height"] / 2})
                    expect(slider).to_have_value(slider.get_attribute(end))
                    expect(slider).to_have_attribute("aria-valuetext", readout.inner_text())
                    srcs.add(img.get_attribute("src"))
                assert len(srcs) > 1, f"{page}: moving {name} never changed the figure"
                alt = img.get_attribute("alt")
                assert f"{name} = {readout.inner_text()}" in alt, f"{page}: the alt text does not name the shown {name}"

            for select in player.locator("select").all():
                options = select.locator("option")
                state = player.get_attribute("data-shown")
                current = select.input_value()
                target = next(o.get_attribute("value") for o in options.all() if o.get_attribute("value") != current)
                srcs = {img.get_attribute("src")}
                select.select_option(target)
                expect(player).not_to_have_attribute("data-shown", state)
                srcs.add(img.get_attribute("src"))
                select.focus()
                tab.keyboard.press("ArrowDown" if target != options.last.get_attribute("value") else "ArrowUp")
                expect(select).not_to_have_value(target)
                srcs.add(img.get_attribute("src"))
                assert len(srcs) > 1, f"{page}: choosing another {select.get_attribute('data-control')} changed nothing"
            img.screenshot(path=str(artifacts / f"explorer-{Path(page).name}-{k}.png"))
        assert not external, f"{page}: fetched from another host: {external[:5]}"
        assert not errors, f"{page}: console errors: {errors[:5]}"
    finally:
        ctx.close()
