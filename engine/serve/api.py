"""The API (the page's own what-if uses ``POST /api/assess``), and its OpenAPI document.

Every answer is the command's: ``POST /api/assess`` returns the bytes of ``assess FILE
--ruleset X --format json`` (docs/schema/result.schema.json; a batch's JSON for a file of
several counties), and bad input the command's JSON error document
(docs/schema/errors.schema.json) with status 422 (413 too large, 401 without the token, 403
cross-site, 503 past the deadline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from engine.serve import work
from engine.serve.refusals import Refusal

if TYPE_CHECKING:
    from engine.serve.app import Site

_ERRORS_REF = {"$ref": "#/components/schemas/Errors"}


def _errors(*statuses: int) -> dict[str, Any]:
    said = {
        401: "no access token (a server with --token)",
        403: "a cross-site submission",
        413: "the body is larger than the limit",
        422: "bad input: the command's JSON error document",
        503: "the deadline passed",
    }
    return {
        str(s): {"description": said[s], "content": {"application/json": {"schema": _ERRORS_REF}}}
        for s in statuses
    }


_RULESET_FIELDS = {
    "ruleset": {"type": "string", "description": "A bundled ruleset's name (GET /api/rulesets)."},
    "ruleset_file": {
        "type": "string",
        "format": "binary",
        "description": "A ruleset YAML or a plan annex table (xlsx, CSV), instead of ruleset.",
    },
}
_FILE = {
    "file": {
        "type": "string",
        "format": "binary",
        "description": "The county table (xlsx or CSV), as `assess FILE` reads it.",
    }
}


def _multipart(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": properties, "required": required}
            }
        },
    }


def openapi(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API, built from the routes below."""
    result_ref = {"$ref": "#/components/schemas/Result"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "county-assess",
            "version": version,
            "description": "Innovative-county acceptance pre-check (创新型县建设验收预检): the "
            "answers of the assess command over HTTP. Send the access token as "
            "Authorization: Bearer when the server was started with one.",
        },
        "paths": {
            "/health": {
                "get": {
                    "summary": "Whether the server answers",
                    "responses": {"200": {"description": '{"status": "ok", "version": …}'}},
                }
            },
            "/api/rulesets": {
                "get": {
                    "summary": "The bundled rulesets (assess ruleset list)",
                    "responses": {"200": {"description": "name, id, version, title, counts"}},
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
            "/api/assess": {
                "post": {
                    "summary": "assess FILE --ruleset X --format json",
                    "description": "The result JSON of docs/schema/result.schema.json, byte "
                    "for byte the command's (a batch's JSON for a file of several counties). "
                    "With no ruleset, a completion table is assessed against its own rows.",
                    "requestBody": _multipart(
                        {
                            **_FILE,
                            **_RULESET_FIELDS,
                            "lang": {"type": "string", "enum": ["zh", "en"]},
                            "plan": {
                                "type": "boolean",
                                "description": "--plan: attach the gap to PASS.",
                            },
                            "set": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": "--set ID[.FIELD]=VALUE, repeatable: a what-if.",
                            },
                            "format": {
                                "type": "string",
                                "enum": list(work.MEDIA),
                                "description": "Another report format (default json).",
                            },
                        },
                        ["file"],
                    ),
                    "responses": {
                        "200": {
                            "description": "The result",
                            "content": {"application/json": {"schema": result_ref}},
                        },
                        **_errors(401, 403, 413, 422, 503),
                    },
                }
            },
            "/api/batch": {
                "post": {
                    "summary": "assess FILE --ruleset X --format csv|json (every county)",
                    "requestBody": _multipart(
                        {
                            **_FILE,
                            **_RULESET_FIELDS,
                            "format": {"type": "string", "enum": ["json", "csv", "xlsx"]},
                            "lang": {"type": "string", "enum": ["zh", "en"]},
                        },
                        ["file"],
                    ),
                    "responses": {
                        "200": {"description": "The batch's summary and per-rule results"},
                        **_errors(401, 403, 413, 422, 503),
                    },
                }
            },
            "/api/monitor": {
                "post": {
                    "summary": "assess monitor FILE --ruleset X --format json",
                    "requestBody": _multipart({**_FILE, **_RULESET_FIELDS}, ["file"]),
                    "responses": {
                        "200": {"description": "The monitoring view"},
                        **_errors(401, 403, 413, 422, 503),
                    },
                }
            },
            "/api/template": {
                "post": {
                    "summary": "The fill-in workbook of a ruleset (assess template)",
                    "requestBody": _multipart(
                        {**_RULESET_FIELDS, "department": {"type": "string"}}, []
                    ),
                    "responses": {
                        "200": {"description": "An xlsx workbook"},
                        **_errors(401, 403, 413, 422, 503),
                    },
                }
            },
            "/api/merge": {
                "post": {
                    "summary": "The departments' returns merged (assess merge)",
                    "requestBody": _multipart(
                        {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                            **_RULESET_FIELDS,
                        },
                        ["files"],
                    ),
                    "responses": {
                        "200": {"description": "The merged table and the conflicts"},
                        **_errors(401, 403, 413, 422, 503),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Result": {
                    "description": "docs/schema/result.schema.json (assess ruleset schema "
                    "for rulesets; the result's schema is in the repository)",
                    "type": "object",
                },
                "Errors": _errors_schema(),
            }
        },
    }


def _errors_schema() -> dict[str, Any]:
    problem = {
        "type": "object",
        "required": ["file", "row", "indicator", "field", "code", "message"],
        "properties": {
            "file": {"type": ["string", "null"]},
            "row": {"type": ["integer", "null"]},
            "indicator": {"type": ["string", "null"]},
            "field": {"type": ["string", "null"]},
            "code": {"type": "string"},
            "message": {
                "type": "object",
                "required": ["zh", "en"],
                "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
            },
        },
    }
    return {
        "description": "docs/schema/errors.schema.json",
        "type": "object",
        "required": ["errors", "count", "file"],
        "properties": {
            "errors": {"type": "array", "items": problem, "minItems": 1, "maxItems": 50},
            "count": {"type": "integer", "minimum": 1},
            "file": {"type": ["string", "null"]},
        },
    }


def make_routes(site: Site) -> list[Route]:
    from engine import __version__
    from engine.serve.app import (
        attachment,
        flag,
        lang_of,
        read_inputs,
        read_returns,
        read_ruleset,
        render_batch,
        settings_of,
    )

    def output(found: work.Assessed, content: bytes, fmt: str, data: work.Upload) -> Response:
        if fmt == "json":
            return Response(content, media_type="application/json")
        return attachment(content, work.download_name(data, fmt), work.MEDIA[fmt][1])

    def chosen_format(value: object, allowed: tuple[str, ...]) -> str:
        fmt = value if isinstance(value, str) and value else "json"
        if fmt not in allowed:
            raise Refusal.say(
                422, "serve_field_invalid", params={"reason": f"format {fmt[:20]}"}, field="format"
            )
        return fmt

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def rulesets(request: Request) -> Response:
        from engine.serve.app import _titles

        return JSONResponse(list(_titles()))

    async def schema(request: Request) -> Response:
        return JSONResponse(openapi(__version__))

    async def assess(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        data, choice = read_inputs(form, carried=False)
        found = await site.run(
            work.assess, data, choice, plan=flag(form, "plan"), settings=settings_of(form)
        )
        fmt = chosen_format(form.get("format"), work.choices(work.kind_of(found.subject)))
        return output(found, await site.run(work.render, found, fmt, lang), fmt, data)

    async def batch(request: Request) -> Response:
        from engine.serve.app import batch_formats

        form = await site.form(request)
        lang = lang_of(request, form)
        data, choice = read_inputs(form, carried=False)
        fmt = chosen_format(form.get("format"), batch_formats())
        found = await site.run(work.assess, data, choice, batch=True)
        return output(found, await site.run(render_batch, found, fmt, lang), fmt, data)

    async def monitor(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        data, choice = read_inputs(form, carried=False)
        fmt = chosen_format(form.get("format"), work.choices("monitor"))
        found = await site.run(work.monitor, data, choice)
        return output(found, await site.run(work.render, found, fmt, lang), fmt, data)

    async def template(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        made = await site.run(
            work.template,
            read_ruleset(form, carried=False),
            lang=lang,
            department=form.text("department") or None,
            county=(form.text("county") or "").strip() or None,
        )
        return attachment(made.content, made.name, work.MEDIA["xlsx"][1])

    async def merge(request: Request) -> Response:
        form = await site.form(request)
        lang = lang_of(request, form)
        fmt = chosen_format(form.get("format") or "xlsx", ("xlsx", "json"))
        made = await site.run(
            work.merge,
            read_returns(form),
            read_ruleset(form, carried=False),
            lang=lang,
            county=(form.text("county") or "").strip() or None,
        )
        if fmt == "json":
            return JSONResponse({"name": made.name, **made.notes})
        return attachment(made.content, made.name, work.MEDIA["xlsx"][1])

    return [
        Route("/health", health, methods=["GET"]),
        Route("/api/rulesets", rulesets, methods=["GET"]),
        Route("/api/openapi.json", schema, methods=["GET"]),
        Route("/api/assess", assess, methods=["POST"]),
        Route("/api/batch", batch, methods=["POST"]),
        Route("/api/monitor", monitor, methods=["POST"]),
        Route("/api/template", template, methods=["POST"]),
        Route("/api/merge", merge, methods=["POST"]),
    ]
