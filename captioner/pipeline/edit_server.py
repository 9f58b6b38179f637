"""`captioner edit STEM`: the replay page in edit mode, served on 127.0.0.1 to the producer alone.

A Starlette app run by uvicorn on a free port of 127.0.0.1. Every request must come from
127.0.0.1 with a Host header naming this server (no DNS rebinding) and carry the session's
token: in the address the command prints (the page then holds it in a same-site cookie), and,
for a change, in an X-Edit-Token header from a page of this origin (Origin checked: no other
site can post). It serves the recording's output folder (the page, its tracks and assets), the
recording, and the edit script; a saved correction is written to recordings/<stem>.edits.yaml
and the recording is run again from its recognised words (correct/edits.py), so the page then
shows the result. It writes nothing else but the output folder.
"""
from __future__ import annotations

import html
import re
import secrets
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

from captioner.correct.edits import ChapterEdit, Edits, SpeakerEdit, WordEdit, context, edits_path, load_edits
from captioner.errors import CaptionerError
from captioner.pipeline.run import record_edits_and_rerun
from captioner.workspace import Workspace

ASSETS = Path(__file__).resolve().parents[1] / "replay" / "assets"
EDIT_ASSETS = ("edit.js", "edit.css")
COOKIE = "captioner_edit"
MAX_BODY = 64_000


@dataclass
class EditSession:
    folder: Path
    stem: str
    recording: Path
    out_dir: Path
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.token}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_page(session: EditSession) -> str:
    """The recording's page with the edit script, the recording served from here, and fetch() to
    this origin allowed."""
    workspace = Workspace.at(session.folder, session.stem)
    page = workspace.page.read_text(encoding="utf-8")
    transcript = workspace.load_transcript()
    csp = 'http-equiv="Content-Security-Policy" content="'
    if csp not in page:
        raise CaptionerError(f"{workspace.page} is not a captioner replay page; "
                             f"rebuild it with `captioner replay {session.stem}`")
    page = page.replace(csp, csp + "connect-src &#x27;self&#x27;; ", 1)  # the edits go back to this server
    page = re.sub(r'(<(?:audio|video) id="player"[^>]*?\ssrc=")[^"]*(")', r"\1/media\2", page, count=1)
    page = re.sub(r'(<a href=")[^"]*(" download>The recording)', r"\1/media\2", page, count=1)
    page = page.replace("<html ", f'<html data-edit-token="{html.escape(session.token)}" '
                                  f'data-edit-language="{html.escape(transcript.language)}" ', 1)
    page = page.replace('<link rel="stylesheet" href="replay.css">',
                        '<link rel="stylesheet" href="replay.css">\n<link rel="stylesheet" href="/edit.css">\n'
                        '<script src="/edit.js" defer></script>', 1)
    return page


def save_speaker_edit(session: EditSession, start: float, end: float, speaker: str) -> dict:
    """Record who said the words of [start, end] and run the recording again."""
    speaker = " ".join(speaker.split())
    if not speaker or len(speaker) > 100:
        raise CaptionerError("a speaker needs a name of at most 100 characters")
    with session.lock:
        return _record_and_rerun(session, Edits(speakers=[SpeakerEdit(round(start, 3), round(end, 3), speaker)]))


def save_chapter_edit(session: EditSession, title: str, start: float | None, rename: str) -> dict:
    """Record a chapter's new start and/or title and run the recording again. `title` is the title
    shown; an earlier rename is traced back to the agenda's title, which the edit is kept under."""
    rename = " ".join(rename.split())
    if start is None and not rename:
        raise CaptionerError("a chapter edit needs a start or a new title")
    if len(rename) > 200:
        raise CaptionerError("a chapter title is at most 200 characters")
    with session.lock:
        path = edits_path(session.recording)
        earlier = load_edits(path) if path.exists() else Edits()
        agenda_title = next((e.title for e in earlier.chapters if e.rename and e.rename == title), title)
        return _record_and_rerun(session, Edits(chapters=[ChapterEdit(agenda_title, start, rename)]))


def _record_and_rerun(session: EditSession, new: Edits) -> dict:
    result = record_edits_and_rerun(session.folder, session.stem, session.recording, session.out_dir, new)
    return {"edits_file": edits_path(session.recording).name, **(result.report.get("edits") or {})}


def save_word_edit(session: EditSession, start: float, end: float, said: str, correct: str) -> dict:
    """Record one correction of the words said in [start, end] and run the recording again."""
    if not said.split() or not correct.split():
        raise CaptionerError("a correction needs the words said and the words that are right")
    with session.lock:
        workspace = Workspace.at(session.folder, session.stem)
        words = workspace.load_transcript().words
        first = next((k for k, w in enumerate(words) if w.end > start - 0.01), len(words))
        last = max(first, next((k for k in range(len(words) - 1, -1, -1) if words[k].start < end + 0.01), first))
        edit = WordEdit(round(start, 3), round(end, 3), " ".join(said.split()), " ".join(correct.split()),
                        *context(words, first, last + 1))
        return _record_and_rerun(session, Edits(words=[edit]))


def build_app(session: EditSession):
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    def refused(request: Request) -> Response | None:
        client = request.client.host if request.client else ""
        if client not in ("127.0.0.1", "::1"):
            return PlainTextResponse("this editor answers this computer only", status_code=403)
        if request.headers.get("host") not in session.hosts:
            return PlainTextResponse("unknown Host", status_code=421)
        given = request.query_params.get("token") or request.cookies.get(COOKIE) or ""
        if request.method != "GET":
            given = request.headers.get("x-edit-token", "")
            if request.headers.get("origin") != f"http://{request.headers.get('host')}":
                return PlainTextResponse("cross-origin request refused", status_code=403)
        if not secrets.compare_digest(given, session.token):
            return PlainTextResponse("open the address `captioner edit` printed (it holds the session's token)",
                                     status_code=403)
        return None

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            refusal = refused(request)
            if refusal is not None:
                return refusal
            response = await handler(request)
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            return response
        return endpoint

    async def page(request: Request) -> Response:
        response = HTMLResponse(edit_page(session))
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="strict", path="/")
        return response

    async def media(request: Request) -> Response:
        return FileResponse(session.recording)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name in EDIT_ASSETS:
            return FileResponse(ASSETS / name)
        path = (session.folder / name).resolve()
        if session.folder.resolve() not in path.parents or not path.is_file():
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(path)

    async def words(request: Request) -> Response:
        return await change(request, ("said", "correct"), save_word_edit)

    async def speaker(request: Request) -> Response:
        return await change(request, ("speaker",), save_speaker_edit)

    async def chapter(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "too large"}, status_code=413)
        try:
            data = await request.json()
            title = str(data["title"])
            start = None if data.get("start") is None else float(data["start"])
            rename = str(data.get("rename") or "")
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "expected title, and start or rename"}, status_code=400)
        try:
            outcome = await run_in_threadpool(save_chapter_edit, session, title, start, rename)
        except CaptionerError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        return JSONResponse(outcome)

    async def change(request: Request, fields: tuple[str, ...], save) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "too large"}, status_code=413)
        try:
            data = await request.json()
            start, end = float(data["start"]), float(data["end"])
            values = [str(data[name]) for name in fields]
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "expected start, end, " + " and ".join(fields)}, status_code=400)
        try:
            outcome = await run_in_threadpool(save, session, start, end, *values)
        except CaptionerError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422)
        except Exception as exc:  # noqa: BLE001 - the page says what failed; the edit file is written atomically
            return JSONResponse({"error": f"the run after the edit failed ({type(exc).__name__}: {exc})"},
                                status_code=500)
        return JSONResponse(outcome)

    return Starlette(routes=[
        Route("/", guarded(page)),
        Route("/media", guarded(media)),
        Route("/api/words", guarded(words), methods=["POST"]),
        Route("/api/speaker", guarded(speaker), methods=["POST"]),
        Route("/api/chapter", guarded(chapter), methods=["POST"]),
        Route("/{name:str}", guarded(asset)),
    ])


class EditServer:
    """The app on 127.0.0.1 in a thread (tests) or in the foreground (the command)."""

    def __init__(self, session: EditSession):
        import uvicorn

        session.port = session.port or free_port()
        self.session = session
        config = uvicorn.Config(build_app(session), host="127.0.0.1", port=session.port, log_level="warning",
                                proxy_headers=False, server_header=False, access_log=False)
        self.server = uvicorn.Server(config)
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        self.server.run()

    def start(self) -> None:
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise CaptionerError(f"the edit server could not start on port {self.session.port}")
            threading.Event().wait(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=10)
