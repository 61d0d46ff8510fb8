"""A small OpenAI-compatible server on 127.0.0.1 for tests that reach the LLM through litellm's
OpenAI provider: /v1/chat/completions, plain or streamed, with faults on demand.

Each request is a judge call (its prompt asks about a "Claim:") or a generator call; `faults`
maps either role to what goes wrong: "500", "timeout" (answers after `slow_s`), "malformed"
(a 200 that is not JSON), "cut" (a stream that stops half-way, or a truncated body).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = "The harbour board approved the quay expansion on Monday [1]."


class FakeOpenAI:
    def __init__(self, answer: str = ANSWER, slow_s: float = 30.0):
        self.answer, self.slow_s = answer, slow_s
        self.faults: dict[str, str] = {}
        self.calls: Counter[str] = Counter()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                role = "judge" if "Claim:" in body["messages"][-1]["content"] else "generator"
                fake.calls[role] += 1
                fault = fake.faults.get(role)
                if fault == "500":
                    self._send(500, b'{"error": {"message": "internal error", "type": "server_error"}}')
                elif fault == "timeout":
                    time.sleep(fake.slow_s)
                    self._send(200, json.dumps(fake._reply(body, role)).encode())
                elif fault == "malformed":
                    self._send(200, b"<html>this is not JSON")
                elif body.get("stream"):
                    self._stream(body, cut=fault == "cut")
                elif fault == "cut":
                    self._send(200, json.dumps(fake._reply(body, role)).encode()[:40])
                else:
                    self._send(200, json.dumps(fake._reply(body, role)).encode())

            def _send(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict, cut: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                words = fake.answer.split(" ")
                for i, word in enumerate(words):
                    if cut and i == len(words) // 2:
                        self.wfile.write(b"data: {\"id\": \"chatcmpl-t")  # the connection drops mid-event
                        self.wfile.flush()
                        return
                    chunk = fake._chunk(body, {"content": word if i == 0 else " " + word}, None)
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(f"data: {json.dumps(fake._chunk(body, {}, 'stop'))}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

            def log_message(self, *args):
                pass

        return Handler

    def _reply(self, body: dict, role: str) -> dict:
        content = "Yes" if role == "judge" else self.answer
        return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}

    @staticmethod
    def _chunk(body: dict, delta: dict, finish: str | None) -> dict:
        return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0,
                "model": body.get("model", "fake"), "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
