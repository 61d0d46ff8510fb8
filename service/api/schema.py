"""Request parsing with pydantic models, and the OpenAPI document built from the same models.

A view declares its models with `@operation(...)`; `openapi_document(app)` walks the URL
map and publishes what the views declared, so the document cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, get_args

from flask import Flask, request
from pydantic import BaseModel, ValidationError

from service.errors import Problem, ProblemError
from service.store import TENANT_PATTERN

M = TypeVar("M", bound=BaseModel)
TENANT_HEADER = "X-Sourced-Tenant"
# Open API before 3.2 has a text/event-stream `schema` describe each event: `token` events carry
# {"text": ...}, the last `answer` event the operation's JSON response, `error` a problem.
SERVER_SENT_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {"event": {"enum": ["token", "answer", "error"]},
                   "data": {"type": "string", "contentMediaType": "application/json"}},
}


def invalid(status: int, title: str, error: ValidationError) -> ProblemError:
    """A problem document listing every field that failed validation."""
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()]
    return ProblemError(status, title, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors),
                        errors)


def parse_json(model: type[M]) -> M:
    body = request.get_json(silent=True)
    if body is None:
        raise ProblemError(400, "Bad Request", "the body must be JSON (Content-Type: application/json)")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise invalid(422, "Invalid request body", exc) from None


def parse_query(model: type[M]) -> M:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise invalid(400, "Invalid query parameters", exc) from None


def operation(summary: str, *, body: type[BaseModel] | Any | None = None, query: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, status: int | tuple[int, ...] = 200,
              streams: bool = False, error: type[BaseModel] | None = None) -> Callable:
    """`streams`: the view may answer with server-sent events instead of the JSON response.
    `error`: the JSON body of its errors, where it is not a problem document (the OpenAI routes)."""
    def mark(view: Callable) -> Callable:
        view.openapi = {"summary": summary, "body": body, "query": query, "response": response, "status": status,
                        "streams": streams, "error": error}
        return view
    return mark


def openapi_document(app: Flask) -> dict:
    """As the service stands: once any API key exists, /v1 operations require one (local mode: none)."""
    from pydantic.json_schema import models_json_schema

    operations = []
    for rule in app.url_map.iter_rules():
        spec = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if spec:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                operations.append((rule, method.lower(), spec))
    declared = [m for _, _, s in operations for m in (s["body"], s["query"], s["response"], s["error"])
                if m is not None]
    models = {m for d in declared for m in (get_args(d) or (d,))
              if isinstance(m, type) and issubclass(m, BaseModel)} | {Problem}
    _, definitions = models_json_schema([(m, "validation") for m in sorted(models, key=lambda m: m.__name__)],
                                        ref_template="#/components/schemas/{model}")
    keyed = app.extensions["sourced"].keys.enabled
    paths: dict[str, dict] = {}
    for rule, method, spec in operations:
        path = rule.rule.replace("<", "{").replace(">", "}")
        item: dict[str, Any] = {"summary": spec["summary"], "parameters": [], "responses": {}}
        for argument in sorted(rule.arguments):
            item["parameters"].append({"name": argument, "in": "path", "required": True, "schema": {"type": "string"}})
        if path.startswith("/v1/"):
            item["parameters"].append({"name": TENANT_HEADER, "in": "header", "required": False,
                                       "schema": {"type": "string", "pattern": TENANT_PATTERN.pattern}})
            if keyed:
                item["security"] = [{"apiKey": []}]
        if spec["query"]:
            for name, field in spec["query"].model_fields.items():
                item["parameters"].append({"name": name, "in": "query", "required": field.is_required(),
                                           "schema": _ref_free(spec["query"].model_json_schema()["properties"][name])})
        if spec["body"] is not None:
            item["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema(spec["body"])}}}
        ok = {"description": "OK"}
        if spec["response"]:
            ok["content"] = {"application/json": {"schema": _schema(spec["response"])}}
        if spec["streams"]:
            ok.setdefault("content", {})["text/event-stream"] = {"schema": SERVER_SENT_EVENT}
        statuses = spec["status"] if isinstance(spec["status"], tuple) else (spec["status"],)
        for status in statuses:
            item["responses"][str(status)] = ok
        if spec["error"] is not None:
            item["responses"]["default"] = {"description": "An error",
                                            "content": {"application/json": {"schema": _schema(spec["error"])}}}
        else:
            item["responses"]["default"] = {"description": "A problem",
                                            "content": {"application/problem+json": {"schema": _schema(Problem)}}}
        paths.setdefault(path, {})[method] = item
    return {"openapi": "3.1.0", "info": {"title": "sourced", "version": "1"}, "paths": paths,
            "components": {"schemas": definitions.get("$defs", {}),
                           "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer",
                                                          "description": "A key from `sourced keys add TENANT`."}}}}


def _schema(model: Any) -> dict:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return {"$ref": f"#/components/schemas/{model.__name__}"}
    from pydantic import TypeAdapter

    return TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")


def _ref_free(schema: dict) -> dict:
    return {k: v for k, v in schema.items() if k != "title"}
