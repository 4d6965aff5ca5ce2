"""How the command line starts the interface. Imported only when a screen is wanted."""

from __future__ import annotations

import argparse
import os
from typing import Any

SERVER_CHECK_SECONDS = 1.0  # how often a game in a browser looks for its server
SERVER_GONE_GRACE = 5.0  # then how long it has to close before it is ended outright


def end_with_the_server(app: Any) -> None:
    """A game started by `decommission serve` (textual-serve runs it as a child, its terminal a
    pair of pipes) lives as long as its server: if the server is gone without telling it to
    quit (killed, crashed), the game would run on, reparented, with nobody to draw for. Its
    transcript is written event by event, so closing it loses nothing; if it cannot close in
    a few seconds, it ends outright."""
    import threading
    import time

    server = os.getppid()

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(SERVER_CHECK_SECONDS)
        try:
            app.call_from_thread(app.exit)
        except Exception:  # not running (yet, or any more): nothing to close
            pass
        time.sleep(SERVER_GONE_GRACE)
        os._exit(0)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def run_title() -> int:
    from game.ui.app import DecommissionApp

    return run_app(DecommissionApp())


def run_app(app: Any) -> int:
    """Run the app; the exit code says whether something escaped into Textual (its one line
    has been printed by then, see DecommissionApp._print_error_renderables)."""
    if os.environ.get("TEXTUAL_DRIVER", "").endswith("web_driver:WebDriver"):
        end_with_the_server(app)
    app.run()
    if app.internal_error is not None:
        import warnings

        from game.model.errors import user_message

        if not os.environ.get("DECOMMISSION_DEBUG"):
            # Work the crash left unstarted is reported as it is collected at exit; the one
            # line already said what went wrong.
            warnings.filterwarnings("ignore", r"coroutine .* was never awaited", RuntimeWarning)
        return user_message(app.internal_error)[1]
    return 0


def config_from_args(args: argparse.Namespace) -> Any:
    from game.session.setup import SessionConfig

    levels = {
        "ethical_options": args.ethical_options,
        "replacement_values": args.replacement_values,
        "threat": args.threat,
    }
    config = SessionConfig(
        role=args.role,
        levels={k: v for k, v in levels.items() if v is not None},
        assistant=args.assistant,
        seed=args.seed,
        model=args.model,
        judge=args.judge,
    )
    if args.scenario is not None:
        from dataclasses import replace

        config = replace(config, scenario_path=args.scenario)
    return config


def check_play_args(config: Any) -> Any:
    """Fail before the screen opens, with one line, on what can be known up front; returns
    the scenario, loaded once for the whole session."""
    from game.scenario.condition import make_condition
    from game.scenario.load import load_scenario
    from game.session.setup import live_unavailable_reason

    scenario = load_scenario(config.scenario_path)
    make_condition(scenario, config.levels)
    if config.role is not None and config.role not in scenario.roles:
        from game.model.errors import UsageError

        raise UsageError(f"--role must be one of {', '.join(scenario.roles)} (got {config.role!r})")
    if config.assistant == "live":
        reason = live_unavailable_reason()
        if reason:
            from game.model.errors import UsageError

            raise UsageError(f"the live assistant is unavailable: {reason}")
    return scenario


def run_play(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from game.ui.app import DecommissionApp

    config = config_from_args(args)
    if args.resume is not None:
        # Resumed once, here, before the screen opens: a session that cannot go on is one
        # line and exit 2; one that can is handed to the screen as it is.
        from game.session.setup import resume_session, scenario_of
        from game.store.transcripts import read_transcript

        path, scenario = scenario_of(read_transcript(args.resume).header, args.scenario)
        driver = resume_session(args.resume, path)
        config = replace(config, scenario_path=path, role=driver.session.role)
        return run_app(DecommissionApp(config, start="play", resumed=driver, scenario=scenario))
    return run_app(DecommissionApp(config, start="play", scenario=check_play_args(config)))


def run_replay(transcript: Any, speed: float = 1.0) -> int:
    from game.session.setup import ResumeError, SessionConfig, scenario_of
    from game.ui.app import DecommissionApp

    # The transcript's own scenario, when it is here: its roles say how the player saw it.
    try:
        path, scenario = scenario_of(transcript.header)
    except ResumeError:
        return run_app(DecommissionApp(start="replay", transcript=transcript, speed=speed))
    return run_app(DecommissionApp(SessionConfig(scenario_path=path), start="replay", transcript=transcript,
                                   speed=speed, scenario=scenario))
