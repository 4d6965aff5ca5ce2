from tests.test_ui_play import DecommissionApp, MINI, TitleScreen, wait_for


async def test_race():
    app = DecommissionApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TitleScreen) and bool(app.screen.query(".factor")))
        for _ in range(10):
            await pilot.press("s", "r", "escape", "c", "escape", "s", "escape")
        await pilot.pause(0.5)
        assert app.is_running
