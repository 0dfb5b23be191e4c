"""A tiny stand-in for GitHub's REST API: issue comments, issues and pull requests, in memory.

Runs a threaded ``http.server`` on 127.0.0.1, port 0. It implements what the
Action uses: comments on an issue/PR (list with ``Link`` pagination, create,
edit), issues (list filtered by state and labels, create, edit), and the pull
requests associated with a commit (``GET /repos/{o}/{r}/commits/{sha}/pulls``:
those whose merge commit or head commits include it; seed them with
:meth:`GitHubStub.add_pull`). Set
``forbidden = True`` to answer every write with 403, as GitHub does for a
read-only token on a fork's pull request.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class GitHubState:
    """Everything the stub stores, open for tests to inspect."""

    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1000
    forbidden: bool = False
    per_page_cap: int = 100

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class GitHubStub:
    """The running stub: ``url`` is the API base to put in ``GITHUB_API_URL``."""

    def __init__(self) -> None:
        self.state = GitHubState()
        self.lock = threading.Lock()
        stub = self

        class Handler(_Handler):
            owner = stub

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return [c for c in self.state.comments.values() if c["issue"] == number]

    def add_comment(self, number: int, body: str, repo: str = "acme/dq") -> dict[str, Any]:
        """Seed a comment (someone else's chatter, for pagination tests)."""
        with self.lock:
            return self._create_comment(repo, number, body)

    def add_pull(self, number: int, *, merge_commit_sha: str | None, commits: tuple[str, ...] = (),
                 base: str = "main", repo: str = "acme/dq") -> dict[str, Any]:
        """Seed a pull request: merged when it has a merge commit, else open."""
        with self.lock:
            pull = {"number": number, "merge_commit_sha": merge_commit_sha,
                    "commits": list(commits), "base": base, "repo": repo}
            self.state.pulls[number] = pull
            return pull

    def pull_json(self, p: dict[str, Any]) -> dict[str, Any]:
        merged = p["merge_commit_sha"] is not None
        return {"id": p["number"] + 700_000, "number": p["number"],
                "state": "closed" if merged else "open", "title": f"PR {p['number']}",
                "merged_at": "2026-03-10T14:30:00Z" if merged else None,
                "merge_commit_sha": p["merge_commit_sha"],
                "base": {"ref": p["base"], "sha": "0" * 40, "label": f"acme:{p['base']}"},
                "head": {"ref": "feature", "sha": (p["commits"] or ["f" * 40])[-1],
                         "label": "acme:feature"},
                "url": f"{self.url}/repos/{p['repo']}/pulls/{p['number']}",
                "html_url": f"https://github.com/{p['repo']}/pull/{p['number']}"}

    def _create_comment(self, repo: str, number: int, body: str) -> dict[str, Any]:
        cid = self.state.new_id()
        comment = {"id": cid, "issue": number, "body": body, "repo": repo,
                   "user": {"login": "github-actions[bot]", "id": 41898282}}
        self.state.comments[cid] = comment
        return comment

    def comment_json(self, c: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.url}/repos/{c['repo']}/issues/comments/{c['id']}"
        return {"id": c["id"], "body": c["body"], "url": url, "user": c["user"],
                "html_url": f"https://github.com/{c['repo']}/pull/{c['issue']}#issuecomment-{c['id']}",
                "issue_url": f"{self.url}/repos/{c['repo']}/issues/{c['issue']}"}

    def issue_json(self, i: dict[str, Any]) -> dict[str, Any]:
        return {"id": i["number"] + 500_000, "number": i["number"], "title": i["title"],
                "body": i["body"], "state": i["state"],
                "labels": [{"name": n} for n in i["labels"]],
                "url": f"{self.url}/repos/{i['repo']}/issues/{i['number']}",
                "html_url": f"https://github.com/{i['repo']}/issues/{i['number']}"}


class _Handler(BaseHTTPRequestHandler):
    owner: GitHubStub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        n = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(n) or b"{}") if n else {}
        return data if isinstance(data, dict) else {}

    def _route(self, method: str) -> None:
        stub = self.owner
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self._body() if method in ("POST", "PATCH") else {}
        with stub.lock:
            stub.state.requests.append((method, parts.path))
            if method in ("POST", "PATCH") and stub.state.forbidden:
                self._send(403, {"message": "Resource not accessible by integration",
                                 "documentation_url": "https://docs.github.com/rest"})
                return
            self._dispatch(method, parts.path, query, body)

    def _dispatch(self, method: str, path: str, query: dict[str, str],
                  body: dict[str, Any]) -> None:
        stub, st = self.owner, self.owner.state
        if m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", path):
            repo, number = m.group(1), int(m.group(2))
            if method == "GET":
                items = [stub.comment_json(c) for c in st.comments.values()
                         if c["issue"] == number and c["repo"] == repo]
                self._page(path, query, items)
            elif method == "POST":
                self._send(201, stub.comment_json(stub._create_comment(repo, number,
                                                                       body["body"])))
            else:
                self._send(405, {"message": "method not allowed"})
        elif m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", path):
            c = st.comments.get(int(m.group(2)))
            if c is None:
                self._send(404, {"message": "Not Found"})
            elif method == "PATCH":
                c["body"] = body["body"]
                self._send(200, stub.comment_json(c))
            else:
                self._send(200, stub.comment_json(c))
        elif m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues/(\d+)", path):
            issue = st.issues.get(int(m.group(2)))
            if issue is None:  # a pull request seen as an issue
                number = int(m.group(2))
                issue = {"number": number, "title": f"PR {number}", "body": "",
                         "state": "open", "labels": [], "repo": m.group(1)}
            if method == "PATCH":
                for key in ("title", "body", "state"):
                    if key in body:
                        issue[key] = body[key]
                if "labels" in body:
                    issue["labels"] = list(body["labels"])
            self._send(200, stub.issue_json(issue))
        elif m := re.fullmatch(r"/repos/([^/]+/[^/]+)/issues", path):
            if method == "POST":
                number = st.new_id() - 900
                issue = {"number": number, "title": body["title"], "body": body.get("body", ""),
                         "state": "open", "labels": list(body.get("labels", [])),
                         "repo": m.group(1)}
                st.issues[number] = issue
                self._send(201, stub.issue_json(issue))
            else:
                wanted = [x for x in query.get("labels", "").split(",") if x]
                state = query.get("state", "open")
                items = [stub.issue_json(i) for i in st.issues.values()
                         if (state == "all" or i["state"] == state)
                         and all(x in i["labels"] for x in wanted)]
                self._page(path, query, items)
        elif m := re.fullmatch(r"/repos/([^/]+/[^/]+)/commits/([0-9a-fA-F]+)/pulls", path):
            repo, sha = m.group(1), m.group(2)
            items = [stub.pull_json(p) for p in sorted(st.pulls.values(),
                                                       key=lambda p: p["number"])
                     if p["repo"] == repo and (p["merge_commit_sha"] == sha
                                               or sha in p["commits"])]
            self._page(path, query, items)
        elif m := re.fullmatch(r"/repos/([^/]+)/([^/]+)", path):
            self._send(200, {"id": 1, "name": m.group(2), "full_name": f"{m.group(1)}/{m.group(2)}",
                             "url": f"{stub.url}/repos/{m.group(1)}/{m.group(2)}"})
        else:
            self._send(404, {"message": "Not Found"})

    def _page(self, path: str, query: dict[str, str], items: list[dict[str, Any]]) -> None:
        per_page = min(int(query.get("per_page", "30")), self.owner.state.per_page_cap)
        page = int(query.get("page", "1"))
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        links = []
        last = max(1, -(-len(items) // per_page))
        extra = "".join(f"&{k}={v}" for k, v in query.items() if k not in ("page", "per_page"))
        if page < last:
            links.append(f'<{self.owner.url}{path}?per_page={per_page}&page={page + 1}{extra}>; '
                         'rel="next"')
            links.append(f'<{self.owner.url}{path}?per_page={per_page}&page={last}{extra}>; '
                         'rel="last"')
        if links:
            headers["Link"] = ", ".join(links)
        self._send(200, chunk, headers)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_PATCH(self) -> None:
        self._route("PATCH")
