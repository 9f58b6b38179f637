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

from captioner.correct.edits import (
    ChapterEdit,
    Edits,
    SpeakerEdit,
    TermApproval,
    edits_path,
    load_edits,
)
from captioner.correct.subtitle_diff import word_differences
from captioner.correct.teach import Proposal, proposals, recording_edits
from captioner.errors import CaptionerError
from captioner.pipeline.run import RunOptions, load_glossary_for_run, record_edits_and_rerun
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
    not_placed = ((workspace.read_report().get("edits") or {}).get("not_placed") or [])
    page = page.replace('<section class="downloads"', edits_not_placed(not_placed, session.recording)
                        + term_suggestions(term_proposals(session)) + '<section class="downloads"', 1)
    page = page.replace('<link rel="stylesheet" href="replay.css">',
                        '<link rel="stylesheet" href="replay.css">\n<link rel="stylesheet" href="/edit.css">\n'
                        '<script src="/edit.js" defer></script>', 1)
    return page


def edits_not_placed(lines: list[str], recording: Path) -> str:
    """The edits the last run could not place, for the producer to make again (escaped)."""
    if not lines:
        return ""
    items = "\n".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return ('<section class="edit-terms" id="edits-not-placed" aria-labelledby="edits-not-placed-heading">\n'
            '<h2 id="edits-not-placed-heading">Edits not placed</h2>\n'
            f'<p>The last run could not find where these corrections in <code>{html.escape(edits_path(recording).name)}'
            '</code> belong (the words there have changed). Make them again where they belong; the file keeps '
            'them until you take them out.</p>\n'
            f"<ul>\n{items}\n</ul>\n</section>\n")


def term_proposals(session: EditSession) -> list[Proposal]:
    """The sound-alikes this recording's corrections propose (correct.teach), with those the same
    correction made in other recordings of its folder proposes."""
    glossary = load_glossary_for_run(RunOptions(out_dir=session.out_dir))
    if glossary is None:
        return []
    return [p for p in proposals(glossary, recording_edits(session.recording.parent))
            if session.stem in p.approved_in or any(w.rsplit(" ", 1)[0] == session.stem for w in p.where)]


def term_suggestions(found: list[Proposal]) -> str:
    """The edit page's list of term suggestions, each with an Approve button (escaped as the page is)."""
    if not found:
        return ""
    items = []
    for p in found:
        target = html.escape(p.target) + ("" if p.concept else " <span class=\"edit-hint\">(not in the glossary yet)</span>")
        said = f"&ldquo;{html.escape(p.heard)}&rdquo; &rarr; {target}"
        if p.approved_in:
            action = '<span class="edit-term-approved">Approved for this recording</span>'
        else:
            action = (f'<button type="button" class="edit-passage edit-term-approve" data-heard="{html.escape(p.heard)}" '
                      f'data-term="{html.escape(p.target)}" aria-label="Approve: correct {html.escape(p.heard)} to '
                      f'{html.escape(p.target)} everywhere">Approve</button>')
        items.append(f"<li><span>{said}</span> {action}</li>")
    return ('<section class="edit-terms" id="term-suggestions" aria-labelledby="term-suggestions-heading">\n'
            '<h2 id="term-suggestions-heading">Term suggestions</h2>\n'
            '<p>What recognition wrote where you corrected a term, or made the same correction twice. Approve one '
            'to correct it wherever recognition writes it in this recording; <code>captioner glossary accept</code> '
            'adds it to the glossary for every recording.</p>\n<ul>\n' + "\n".join(items) + "\n</ul>\n</section>\n")


def save_term_approval(session: EditSession, heard: str, term: str) -> dict:
    """Approve one of this recording's term suggestions (kept in its edits file) and run it again."""
    with session.lock:
        chosen = next((p for p in term_proposals(session)
                       if p.heard == " ".join(heard.split()) and p.target == " ".join(term.split())), None)
        if chosen is None:
            raise CaptionerError(f"'{heard}' -> '{term}' is not one of this recording's term suggestions")
        return _record_and_rerun(session, Edits(terms=[TermApproval(chosen.heard, chosen.target)]))


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
    """Record the corrections of the words said in [start, end] (one edit per run of words that
    changed, with the words around it) and run the recording again."""
    if not said.split() or not correct.split():
        raise CaptionerError("a correction needs the words said and the words that are right")
    with session.lock:
        workspace = Workspace.at(session.folder, session.stem)
        words = workspace.load_transcript().words
        first = next((k for k, w in enumerate(words) if w.end > start - 0.01), len(words))
        end_index = next((k for k in range(len(words) - 1, -1, -1) if words[k].start < end + 0.01), first - 1) + 1
        if [w.text for w in words[first:end_index]] != said.split():
            raise CaptionerError("the page no longer shows the transcript's words there; reload it and edit again")
        found = word_differences(words, first, end_index, correct.split())
        if not found:
            raise CaptionerError("nothing was changed")
        return _record_and_rerun(session, Edits(words=found))


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

    def span_and(*fields: str):
        def parse(data: dict) -> list:
            return [float(data["start"]), float(data["end"]), *(str(data[name]) for name in fields)]
        return parse, "expected start, end, " + " and ".join(fields)

    def chapter_fields(data: dict) -> list:
        return [str(data["title"]), None if data.get("start") is None else float(data["start"]),
                str(data.get("rename") or "")]

    def term_fields(data: dict) -> list:
        return [str(data["heard"]), str(data["term"])]

    def endpoint_for(parse, expected: str, save):
        async def handler(request: Request) -> Response:
            body = await request.body()
            if len(body) > MAX_BODY:
                return JSONResponse({"error": "too large"}, status_code=413)
            try:
                values = parse(await request.json())
            except (ValueError, KeyError, TypeError, AttributeError):
                return JSONResponse({"error": expected}, status_code=400)
            try:
                outcome = await run_in_threadpool(save, session, *values)
            except CaptionerError as exc:
                return JSONResponse({"error": str(exc)}, status_code=422)
            except Exception as exc:  # noqa: BLE001 - the page says what failed; the edits file is written atomically
                return JSONResponse({"error": f"the run after the edit failed ({type(exc).__name__}: {exc})"},
                                    status_code=500)
            return JSONResponse(outcome)
        return handler

    words = endpoint_for(*span_and("said", "correct"), save_word_edit)
    speaker = endpoint_for(*span_and("speaker"), save_speaker_edit)
    chapter = endpoint_for(chapter_fields, "expected title, and start or rename", save_chapter_edit)
    term = endpoint_for(term_fields, "expected heard and term", save_term_approval)

    return Starlette(routes=[
        Route("/", guarded(page)),
        Route("/media", guarded(media)),
        Route("/api/words", guarded(words), methods=["POST"]),
        Route("/api/speaker", guarded(speaker), methods=["POST"]),
        Route("/api/chapter", guarded(chapter), methods=["POST"]),
        Route("/api/term", guarded(term), methods=["POST"]),
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
