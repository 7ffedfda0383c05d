"""The application: the pages and the API on Starlette, behind the guard (engine/serve/guard.py).

Stateless: a request's uploads live in a private temporary folder for the time of its job
(engine/serve/work.py); a page that offers more (the downloads, the plan, a county of a batch)
carries the uploaded file back in its own form, base64 in a hidden field, so that the next
request is complete in itself and nothing is kept on the server. Every job runs in a worker
thread under a deadline; durable-rules fires one fact at a time behind the adapter's lock.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import anyio.to_thread
import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine.serve import api, work
from engine.serve.config import ServeConfig
from engine.serve.guard import CSP, BodyTooLarge, Guard, too_large, wants_json
from engine.serve.refusals import Refusal
from engine.serve.words import pick_lang, words
from engine.serve.work import (
    DATA_SUFFIXES,
    DATA_WHAT,
    RULESET_SUFFIXES,
    Assessed,
    RulesetChoice,
    Upload,
    safe_name,
)

T = TypeVar("T")
LOG = logging.getLogger("engine.serve")

HERE = Path(__file__).parent
NAV = (
    ("check", "/"),
    ("prepare", "/prepare"),
    ("plan", "/plan"),
    ("monitor", "/monitor"),
    ("province", "/province"),
)
#: Files and fields a form may hold (a merge takes several returns).
MAX_FILES = 50
MAX_FIELDS = 400
#: Request bodies read at once (each up to the size limit, in memory while it is read).
MAX_READERS = 8
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def style_hashes(html: str) -> list[str]:
    """The CSP sources that allow exactly the stylesheets of a rendered report."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _STYLE.findall(html)
    ]


def csp_with_styles(html: str) -> str:
    """The page's policy, its style-src widened to the embedded report's stylesheet only."""
    extra = " ".join(style_hashes(html))
    return CSP.replace("style-src 'self'", f"style-src 'self' {extra}".rstrip())


@dataclass(frozen=True)
class Carried:
    """What a page hands on to its next request: the uploads, the ruleset, the language and the
    what-if changes (hidden fields; nothing is kept on the server)."""

    data: Upload
    choice: RulesetChoice
    lang: str
    settings: tuple[str, ...] = ()
    plan: bool = False

    def fields(self, **changes: Any) -> dict[str, Any]:
        settings = changes.get("settings", self.settings)
        return {
            "lang": self.lang,
            "data_name": self.data.name,
            "data_b64": base64.b64encode(self.data.content).decode(),
            "ruleset": self.choice.name or "",
            "ruleset_name": self.choice.upload.name if self.choice.upload else "",
            "ruleset_b64": base64.b64encode(self.choice.upload.content).decode()
            if self.choice.upload
            else "",
            "settings": list(settings),
            "plan": changes.get("plan", self.plan),
        }


@dataclass
class Site:
    """The routes' shared state: the configuration, the templates, the worker limit."""

    config: ServeConfig
    env: jinja2.Environment = field(init=False)
    limiter: anyio.CapacityLimiter | None = field(init=False, default=None)
    #: Bodies read at once: each may be the size limit, and is held in memory while read.
    readers: anyio.CapacityLimiter | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    # -- running a job ----------------------------------------------------------------------

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function`` in a worker thread, within the deadline (a job past it is left to
        finish on its own; its folder is removed when it does)."""
        if self.limiter is None:
            self.limiter = anyio.CapacityLimiter(self.config.workers)
        call = functools.partial(function, *args, **kwargs)
        try:
            with anyio.fail_after(self.config.timeout):
                return await anyio.to_thread.run_sync(
                    call, limiter=self.limiter, abandon_on_cancel=True
                )
        except TimeoutError:
            raise Refusal.say(
                503, "serve_timeout", params={"seconds": f"{self.config.timeout:g}"}
            ) from None

    async def form(self, request: Request) -> Fields:
        """The request's form, read within the size limit and the upload deadline; uploads
        read into memory and the parser's spooled files closed at once."""
        if self.readers is None:
            self.readers = anyio.CapacityLimiter(MAX_READERS)
        try:
            with anyio.fail_after(self.config.upload_timeout):
                async with self.readers:
                    form = await request.form(
                        max_files=MAX_FILES,
                        max_fields=MAX_FIELDS,
                        max_part_size=self.config.max_body,
                    )
                    try:
                        return await Fields.read(form)
                    finally:
                        await form.close()
        except TimeoutError:
            raise Refusal.say(
                408, "serve_slow_upload", params={"seconds": f"{self.config.upload_timeout:g}"}
            ) from None
        except BodyTooLarge:
            raise too_large(self.config.max_body) from None
        except HTTPException as exc:
            raise Refusal.say(400, "serve_bad_request", params={"reason": exc.detail}) from None

    # -- pages ------------------------------------------------------------------------------

    def page(
        self,
        request: Request,
        template: str,
        lang: str,
        *,
        status: int = 200,
        csp: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        from engine.report.build import generator_name

        page = template.removesuffix(".html")
        body = self.env.get_template(template).render(
            lang=lang,
            w=words(lang),
            nav=NAV,
            page={"error": "check"}.get(page, page),
            path=request.url.path if request.method == "GET" else dict(NAV).get(page, "/"),
            generator=generator_name(),
            **context,
        )
        headers = {"content-security-policy": csp} if csp else None
        return HTMLResponse(body, status_code=status, headers=headers)

    def rulesets(self, lang: str) -> list[dict[str, str]]:
        return [{"name": r["name"], "title": r["title"][lang]} for r in _titles()]

    def form_page(
        self,
        request: Request,
        template: str,
        lang: str,
        refusal: Refusal | None = None,
        selected: str = "provincial-2021",
        **context: Any,
    ) -> HTMLResponse:
        status = refusal.status if refusal is not None else 200
        defaults: dict[str, Any] = {"found": None, "rows": None, "merged": None}
        defaults.update(context)
        return self.page(
            request,
            template,
            lang,
            status=status,
            refusal=refusal,
            rulesets=self.rulesets(lang),
            selected=selected,
            **defaults,
        )


@dataclass(frozen=True)
class Fields:
    """A form's fields: texts, and uploads as :class:`Upload` (read, not spooled)."""

    items: tuple[tuple[str, str | Upload], ...]

    @classmethod
    async def read(cls, form: FormData) -> Fields:
        items: list[tuple[str, str | Upload]] = []
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read()
                if value.filename:  # no file chosen: a part with no name
                    items.append((key, Upload(safe_name(value.filename, "upload"), content)))
            else:
                items.append((key, value))
        return cls(tuple(items))

    def get(self, key: str) -> str | Upload | None:
        return next((v for k, v in self.items if k == key), None)

    def text(self, key: str) -> str | None:
        value = self.get(key)
        return value if isinstance(value, str) else None

    def getlist(self, key: str) -> list[str | Upload]:
        return [v for k, v in self.items if k == key]

    def multi_items(self) -> list[tuple[str, str | Upload]]:
        return list(self.items)


@functools.cache
def _titles() -> tuple[dict[str, Any], ...]:
    return tuple(work.ruleset_titles())


def lang_of(request: Request, form: Fields | None = None) -> str:
    value = form.get("lang") if form is not None else None
    return pick_lang(value if isinstance(value, str) else request.query_params.get("lang"))


# -- reading a form ----------------------------------------------------------------------------


def _upload(value: object, default: str) -> Upload | None:
    if not isinstance(value, Upload):
        return None
    return Upload(safe_name(value.name, default), value.content)


def _carried_bytes(form: Fields, name_key: str, data_key: str, default: str) -> Upload | None:
    text = form.get(data_key)
    if not isinstance(text, str) or not text:
        return None
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal.say(
            422, "serve_field_invalid", params={"reason": data_key}, field=data_key
        ) from None
    name = form.get(name_key)
    return Upload(safe_name(name if isinstance(name, str) else None, default), content)


def read_inputs(
    form: Fields, *, carried: bool, data_suffixes: Sequence[str] = DATA_SUFFIXES
) -> tuple[Upload, RulesetChoice]:
    """The county file and the ruleset choice of a form (or of the hidden fields a page
    carried), each checked for presence and type."""
    data = _upload(form.get("file"), "county.csv")
    if data is None and carried:
        data = _carried_bytes(form, "data_name", "data_b64", "county.csv")
    data = work.check_upload(data, data_suffixes, DATA_WHAT)
    return data, read_ruleset(form, carried=carried)


def read_ruleset(form: Fields, *, carried: bool) -> RulesetChoice:
    """The ruleset of a form: a bundled name or an uploaded file (not both), or neither."""
    name = form.text("ruleset")
    name = name.strip() if name and name.strip() else None
    own = _upload(form.get("ruleset_file"), "ruleset.yaml")
    if own is None and carried:
        own = _carried_bytes(form, "ruleset_name", "ruleset_b64", "ruleset.yaml")
    if own is not None:
        if name is not None:
            raise Refusal.say(422, "serve_ruleset_twice", field="ruleset")
        own = work.check_upload(own, RULESET_SUFFIXES, {"zh": "规则集", "en": "a ruleset"})
    return RulesetChoice(name=name, upload=own)


RETURNS_WHAT = {"zh": "各单位填好的报表", "en": "the departments' returns"}


def read_returns(form: Fields) -> list[Upload]:
    """The returns of a merge form (``files``, repeated), each checked for type."""
    found = [v for v in form.getlist("files") if isinstance(v, Upload)]
    if not found:
        raise Refusal.say(422, "serve_file_missing", params={"what": RETURNS_WHAT}, field="files")
    return [work.check_upload(u, (".xlsx", ".xlsm", ".csv"), RETURNS_WHAT) for u in found]


def settings_of(form: Fields) -> tuple[str, ...]:
    values = [v.strip() for v in form.getlist("set") if isinstance(v, str) and v.strip()]
    return tuple(values)


def flag(form: Fields, key: str) -> bool:
    value = form.get(key)
    return isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on")


def attachment(content: bytes, name: str, media: str) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media, headers={"content-disposition": disposition})


def _summary(found: Assessed, lang: str) -> dict[str, Any]:
    """The verdict line above the report: the verdict and its first reason."""
    subject = found.subject
    kind = work.kind_of(subject)
    if kind == "county":
        verdict = subject.verdict
        reasons = subject.verdict_reasons
        return {
            "verdict": verdict,
            "reason": getattr(reasons[0], lang) if reasons else "",
            "one_county": True,
            "what_if": None,
        }
    if kind == "monitor":
        latest = subject.years[-1]
        verdict = latest.projected_verdict or latest.verdict
        reasons = latest.projected_reasons
        return {
            "verdict": verdict,
            "reason": getattr(reasons[0], lang) if reasons else "",
            "one_county": False,
            "what_if": None,
        }
    return {"verdict": "PASS" if subject.all_pass else "FAIL", "reason": "", "one_county": False}


# -- the pages -------------------------------------------------------------------------------


def make_pages(site: Site) -> list[Route]:
    async def check_form(request: Request) -> Response:
        return site.form_page(request, "check.html", lang_of(request))

    async def check(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        try:
            data, choice = read_inputs(form, carried=True)
            found = await site.run(work.assess, data, choice)
            if work.kind_of(found.subject) == "batch":  # several counties: the province's page
                return province_page(request, found, Carried(data, choice, lang), lang)
            report = (await site.run(work.render, found, "html", lang)).decode()
        except Refusal as refusal:
            return site.form_page(request, "check.html", lang, refusal)
        carried = Carried(data, choice, lang)
        return site.page(
            request,
            "check.html",
            lang,
            csp=csp_with_styles(report),
            found=_summary(found, lang),
            report=report,
            c=carried.fields(),
            formats=work.choices(work.kind_of(found.subject)),
        )

    async def check_download(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        fmt = form.get("format")
        try:
            data, choice = read_inputs(form, carried=True)
            found = await site.run(
                work.assess, data, choice, plan=flag(form, "plan"), settings=settings_of(form)
            )
            formats = work.choices(work.kind_of(found.subject))
            if not isinstance(fmt, str) or fmt not in formats:
                raise Refusal.say(
                    422, "serve_field_invalid", params={"reason": "format"}, field="format"
                )
            content = await site.run(work.render, found, fmt, lang)
        except Refusal as refusal:
            return site.form_page(request, "check.html", lang, refusal)
        return attachment(content, work.download_name(data, fmt), work.MEDIA[fmt][1])

    async def plan_form(request: Request) -> Response:
        return site.form_page(request, "plan.html", lang_of(request))

    async def plan(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        try:
            data, choice = read_inputs(form, carried=True)
            found = await site.run(work.assess, data, choice, plan=True)
        except Refusal as refusal:
            return site.form_page(request, "plan.html", lang, refusal)
        return await plan_page(request, found, Carried(data, choice, lang, plan=True), lang, {})

    async def what_if(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        entered = {
            key.removeprefix("actual:"): value
            for key, value in form.multi_items()
            if key.startswith("actual:") and isinstance(value, str)
        }
        try:
            data, choice = read_inputs(form, carried=True)
            baseline = await site.run(work.assess, data, choice, with_county=True)
            changes = changed_values(baseline, entered)
            found = await site.run(work.assess, data, choice, settings=changes)
        except Refusal as refusal:
            return site.form_page(request, "plan.html", lang, refusal)
        carried = Carried(data, choice, lang, settings=changes)
        return await plan_page(request, found, carried, lang, entered)

    async def plan_page(
        request: Request, found: Assessed, carried: Carried, lang: str, entered: dict[str, str]
    ) -> Response:
        report = (await site.run(work.render, found, "html", lang)).decode()
        summary = _summary(found, lang)
        result = found.subject
        names = {i.id: i.name.get(lang) for i in found.ruleset.data_items.values()}
        what = getattr(result, "what_if", None)
        if what is not None:
            summary["what_if"] = {
                "verdict_before": what.verdict_before,
                "changes": [
                    {
                        "id": ch.id,
                        "name": names.get(ch.id, ch.id),
                        "field": ch.field,
                        "before": "—" if ch.before is None else str(ch.before),
                        "after": str(ch.after),
                    }
                    for ch in what.changes
                ],
            }
        return site.page(
            request,
            "plan.html",
            lang,
            csp=csp_with_styles(report),
            found=summary,
            report=report,
            c=carried.fields(),
            c_base=carried.fields(settings=(), plan=False),
            items=what_if_items(found, lang, entered),
            formats=work.choices("county"),
        )

    async def monitor_form(request: Request) -> Response:
        return site.form_page(request, "monitor.html", lang_of(request))

    async def monitor(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        try:
            data, choice = read_inputs(form, carried=True)
            found = await site.run(work.monitor, data, choice)
            report = (await site.run(work.render, found, "html", lang)).decode()
        except Refusal as refusal:
            return site.form_page(request, "monitor.html", lang, refusal)
        return site.page(
            request,
            "monitor.html",
            lang,
            csp=csp_with_styles(report),
            found=_summary(found, lang),
            report=report,
            c=Carried(data, choice, lang).fields(),
            formats=work.choices("monitor"),
        )

    async def monitor_download(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        fmt = form.get("format")
        try:
            if not isinstance(fmt, str) or fmt not in work.choices("monitor"):
                raise Refusal.say(
                    422, "serve_field_invalid", params={"reason": "format"}, field="format"
                )
            data, choice = read_inputs(form, carried=True)
            found = await site.run(work.monitor, data, choice)
            content = await site.run(work.render, found, fmt, lang)
        except Refusal as refusal:
            return site.form_page(request, "monitor.html", lang, refusal)
        return attachment(content, work.download_name(data, fmt, "monitoring"), work.MEDIA[fmt][1])

    async def province_form(request: Request) -> Response:
        return site.form_page(request, "province.html", lang_of(request))

    async def province(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        try:
            data, choice = read_inputs(form, carried=True)
            found = await site.run(work.assess, data, choice, batch=True)
        except Refusal as refusal:
            return site.form_page(request, "province.html", lang, refusal)
        return province_page(request, found, Carried(data, choice, lang), lang)

    def province_page(request: Request, found: Assessed, carried: Carried, lang: str) -> Response:
        rows = summary_rows(found, lang)
        passed = sum(1 for r in rows if r["verdict"] == "PASS")
        counts = words(lang)["summary_counts"].format(
            total=len(rows), passed=passed, failed=len(rows) - passed
        )
        return site.page(
            request,
            "province.html",
            lang,
            rows=rows,
            counts=counts,
            has_score=any(r["score"] is not None for r in rows),
            c=carried.fields(),
            formats=batch_formats(),
            refusal=None,
        )

    async def province_county(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        try:
            data, choice = read_inputs(form, carried=True)
            county, year = _pick(form.get("pick"))
            found = await site.run(work.batch_county, data, choice, county, year)
            report = (await site.run(work.render, found, "html", lang)).decode()
        except Refusal as refusal:
            return site.form_page(request, "province.html", lang, refusal)
        return site.page(
            request,
            "check.html",
            lang,
            csp=csp_with_styles(report),
            found={**_summary(found, lang), "one_county": False},
            report=report,
            c=Carried(data, choice, lang).fields(),
            formats=(),
        )

    async def province_download(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        fmt = form.get("format")
        try:
            if not isinstance(fmt, str) or fmt not in batch_formats():
                raise Refusal.say(
                    422, "serve_field_invalid", params={"reason": "format"}, field="format"
                )
            data, choice = read_inputs(form, carried=True)
            found = await site.run(work.assess, data, choice, batch=True)
            content = await site.run(render_batch, found, fmt, lang)
        except Refusal as refusal:
            return site.form_page(request, "province.html", lang, refusal)
        return attachment(content, work.download_name(data, fmt, "summary"), work.MEDIA[fmt][1])

    def prepare_page(
        request: Request,
        lang: str,
        refusal: Refusal | None = None,
        selected: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        names = [r["name"] for r in _titles()]
        chosen = selected if selected is not None and selected in names else "provincial-2021"
        return site.form_page(
            request,
            "prepare.html",
            lang,
            refusal,
            selected=chosen,
            departments=work.departments(chosen, lang),
            **{"c": None, **context},
        )

    async def prepare_form(request: Request) -> Response:
        return prepare_page(request, lang_of(request), selected=request.query_params.get("ruleset"))

    async def prepare_template(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        try:
            choice = read_ruleset(form, carried=False)
            made = await site.run(
                work.template,
                choice,
                lang=lang,
                department=form.text("department") or None,
                county=(form.text("county") or "").strip() or None,
            )
        except Refusal as refusal:
            return prepare_page(request, lang, refusal, selected=form.text("ruleset"))
        return attachment(made.content, made.name, work.MEDIA["xlsx"][1])

    async def prepare_merge(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        try:
            returns = read_returns(form)
            choice = read_ruleset(form, carried=False)
            made = await site.run(
                work.merge,
                returns,
                choice,
                lang=lang,
                county=(form.text("county") or "").strip() or None,
            )
        except Refusal as refusal:
            return prepare_page(request, lang, refusal)
        check = None
        if made.notes.get("ruleset") or choice.upload is not None:
            merged_choice = choice if choice.upload else RulesetChoice(name=made.notes["ruleset"])
            check = Carried(Upload(made.name, made.content), merged_choice, lang).fields()
        merged = {
            "name": made.name,
            "b64": base64.b64encode(made.content).decode(),
            "notes": made.notes,
        }
        return prepare_page(request, lang, merged=merged, c=check)

    return [
        Route("/", check_form, methods=["GET"]),
        Route("/check", check, methods=["POST"]),
        Route("/check/download", check_download, methods=["POST"]),
        Route("/plan", plan_form, methods=["GET"]),
        Route("/plan", plan, methods=["POST"]),
        Route("/plan/whatif", what_if, methods=["POST"]),
        Route("/monitor", monitor_form, methods=["GET"]),
        Route("/monitor", monitor, methods=["POST"]),
        Route("/monitor/download", monitor_download, methods=["POST"]),
        Route("/province", province_form, methods=["GET"]),
        Route("/province", province, methods=["POST"]),
        Route("/province/county", province_county, methods=["POST"]),
        Route("/province/download", province_download, methods=["POST"]),
        Route("/prepare", prepare_form, methods=["GET"]),
        Route("/prepare/template", prepare_template, methods=["POST"]),
        Route("/prepare/merge", prepare_merge, methods=["POST"]),
    ]


def _pick(value: object) -> tuple[str, int | None]:
    try:
        county, year = json.loads(value) if isinstance(value, str) else (None, None)
    except (ValueError, TypeError):
        county, year = None, None
    if not isinstance(county, str) or not (year is None or type(year) is int):
        raise Refusal.say(422, "serve_field_invalid", params={"reason": "pick"}, field="pick")
    return county, year


def changed_values(baseline: Assessed, entered: dict[str, str]) -> tuple[str, ...]:
    """The what-if form's values that differ from the data's, as --set options."""
    county = baseline.county
    changes = []
    for key, text in entered.items():
        text = text.strip()
        if not text:
            continue
        values = county.values.get(key) if county is not None else None
        before = values.actual if values is not None else None
        if before is not None:
            try:
                if Decimal(text.replace(",", "")) == before:
                    continue
            except InvalidOperation:
                pass  # not a plain number: the what-if says what is wrong with it
        changes.append(f"{key}={text}")
    return tuple(changes)


def what_if_items(found: Assessed, lang: str, entered: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of the what-if form: every indicator given as a value (not derived) and every
    raw input of a derived one, with the data's value."""
    from engine.explain.messages import STATUS_LABELS

    ruleset = found.ruleset
    county = found.county
    result = found.subject
    statuses = {r.id: r.status for r in getattr(result, "rules", [])}
    items = []
    for item in [i for i in ruleset.indicators if i.derived is None] + list(ruleset.inputs):
        values = county.values.get(item.id) if county is not None else None
        original = "" if values is None or values.actual is None else str(values.actual)
        status = statuses.get(item.id)
        items.append(
            {
                "id": item.id,
                "name": item.name.get(lang),
                "unit": item.unit,
                "status": status or "",
                "status_label": STATUS_LABELS[status].get(lang) if status else "",
                "original": original,
                "value": entered.get(item.id, original),
            }
        )
    return items


def summary_rows(found: Assessed, lang: str) -> list[dict[str, Any]]:
    """A batch's summary, a row per county (failing first, as the CSV report sorts them)."""
    from engine.report.batch import sorted_summary

    batch = found.subject
    names = {i.id: i.name.get(lang) for i in found.ruleset.data_items.values()}
    rows = []
    for row in sorted_summary(batch).iter_rows(named=True):
        closest = row.get("closest")
        rows.append(
            {
                **{k: row.get(k) for k in ("county", "year", "verdict", "score")},
                **{k: row.get(k) for k in ("binding_met", "binding_total")},
                **{k: row.get(k) for k in ("expected_met", "expected_total", "expected_share")},
                "closest_name": names.get(closest, closest) if closest else None,
                "closest_margin": row.get("closest_margin"),
                "closest_completion": row.get("closest_completion"),
                "pick": json.dumps([row["county"], row.get("year")], ensure_ascii=False),
            }
        )
    return rows


def batch_formats() -> tuple[str, ...]:
    """A batch summary's downloads: the registry's (csv, json), and xlsx."""
    registered = work.choices("batch")
    return ("xlsx", *registered) if "xlsx" not in registered else registered


def render_batch(found: Assessed, fmt: str, lang: str) -> bytes:
    if fmt == "xlsx" and "xlsx" not in work.choices("batch"):
        return work.batch_xlsx(found.subject, lang)
    return work.render(found, fmt, lang)


# -- errors ------------------------------------------------------------------------------------


def make_handlers(site: Site) -> dict[Any, Callable[..., Any]]:
    def answer(request: Request, refusal: Refusal) -> Response:
        if wants_json(request.scope):
            headers = dict(refusal.headers)
            if refusal.status == 413:
                headers["connection"] = "close"
            return Response(
                refusal.json_text(),
                status_code=refusal.status,
                media_type="application/json",
                headers=headers,
            )
        response = site.page(
            request, "error.html", lang_of(request), status=refusal.status, refusal=refusal
        )
        response.headers.update(refusal.headers)
        if refusal.status == 413:  # the rest of the body is not read: the connection ends
            response.headers["connection"] = "close"
        return response

    async def on_refusal(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refusal)
        return answer(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            refusal = Refusal.say(404, "serve_not_found", params={"path": request.url.path})
        elif exc.status_code == 405:
            refusal = Refusal.say(405, "serve_method", params={"method": request.method})
        else:
            refusal = Refusal.say(
                exc.status_code, "serve_bad_request", params={"reason": str(exc.detail)}
            )
        return answer(request, refusal)

    async def on_too_large(request: Request, exc: Exception) -> Response:
        response = answer(request, too_large(site.config.max_body))
        response.headers["connection"] = "close"
        return response

    async def on_crash(request: Request, exc: Exception) -> Response:
        # A defect of ours (or the rule engine's): one sentence to the user, no traceback, no
        # verdict; the traceback goes to the server's own log.
        LOG.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, Refusal.say(500, "serve_internal"))

    return {
        Refusal: on_refusal,
        HTTPException: on_http,
        BodyTooLarge: on_too_large,
        Exception: on_crash,
    }


def create_app(config: ServeConfig | None = None) -> Guard:
    """The whole application, guarded: an ASGI app for uvicorn."""
    config = config or ServeConfig()
    site = Site(config)
    routes = [
        *make_pages(site),
        *api.make_routes(site),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers=make_handlers(site))
    return Guard(app, config)


def json_response(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)
