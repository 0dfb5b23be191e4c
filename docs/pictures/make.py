"""Make the pictures of the docs from real output.

    python docs/pictures/make.py [--out docs/pictures] [--keep DIR]

The demo sandbox (the local Qualytics API emulator) is exported by the Action's
entrypoint; the folder is edited the way a pull request would (a threshold
raised, a computed table's query rewritten, a check's description and tags
changed, a check added, a check's file deleted); then the entrypoint runs
``plan`` (the PR comment), ``import`` (the job summary of the deploy) and a
``promote`` (its job summary). Each markdown is rendered with cmark-gfm (the
GFM reference implementation GitHub's renderer grew from) and
github-markdown-css (from the npm registry; a small stylesheet if npm is
missing), ``diff`` blocks coloured as GitHub colours them, and photographed
by headless Chromium at the PR comment's width (1012 px). The first few
``<details>`` are shown open, as a reviewer would click them.

Needs ``chromium`` and ``cmark-gfm`` (Debian packages) and the sandbox extra.
CI does not run this; it parses every markdown output instead
(tests/action/test_markdown_wellformed.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qualytics_ci.action.runner import parse_output_file  # noqa: E402
from qualytics_ci.sandbox.server import RunningSandbox, start_sandbox  # noqa: E402

WIDTH = 1012
SHA = "3f5e2a9c1d7b4e6f8a0c2b4d6e8f0a1b3c5d7e9f"
PASSWORDS = {"WAREHOUSE_PROD_DB_PASSWORD": "pg-prod-s3cret-value",
             "WAREHOUSE_DEV_DB_PASSWORD": "pg-dev-s3cret-value",
             "WAREHOUSE_STAGING_DB_PASSWORD": "pg-staging-s3cret-value"}
FALLBACK_CSS = """
.markdown-body { font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial,
  sans-serif; font-size: 14px; line-height: 1.5; color: #1f2328; }
.markdown-body table { border-collapse: collapse; }
.markdown-body td, .markdown-body th { border: 1px solid #d1d9e0; padding: 6px 13px; }
.markdown-body code, .markdown-body pre { font-family: ui-monospace, monospace;
  font-size: 85%; background: #f6f8fa; border-radius: 6px; }
.markdown-body pre { padding: 16px; overflow: auto; }
.markdown-body blockquote { color: #59636e; border-left: .25em solid #d1d9e0;
  margin: 0; padding: 0 1em; }
"""
DIFF_CSS = ".pl-mi1{color:#116329;background:#dafbe1}.pl-md{color:#82071e;background:#ffebe9}"


class Runner:
    """The Action's entrypoint run as the runner runs a Docker action."""

    def __init__(self, sandbox: RunningSandbox, workspace: Path) -> None:
        self.sandbox = sandbox
        self.workspace = workspace
        self.home = workspace.parent / "runner"
        self.home.mkdir(exist_ok=True)

    def run(self, inputs: dict[str, str], *, event_name: str, event: dict[str, object],
            ) -> tuple[str, dict[str, str]]:
        out, summary = self.home / "output", self.home / "summary.md"
        event_path = self.home / "event.json"
        out.write_text("")
        summary.write_text("")
        event_path.write_text(json.dumps(event))
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.home),
               "PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": "true",
               "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path),
               "GITHUB_OUTPUT": str(out), "GITHUB_STEP_SUMMARY": str(summary),
               "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_REPOSITORY": "acme/dq",
               "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "4242",
               "GITHUB_SHA": SHA, "RUNNER_TEMP": str(self.home), **PASSWORDS,
               "INPUT_URL": self.sandbox.url, "INPUT_TOKEN": self.sandbox.tokens["admin"],
               "INPUT_COMMENT": "never"}
        env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
        proc = subprocess.run([sys.executable, str(ROOT / "entrypoint.py")],
                              cwd=self.workspace, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        if proc.returncode not in (0, 2, 3):
            raise SystemExit(f"the Action failed ({proc.returncode}):\n{proc.stdout}\n"
                             f"{proc.stderr}")
        return summary.read_text(), parse_output_file(out.read_text())


def edit_like_a_pull_request(folder: Path) -> None:
    """The changes of the pictured pull request."""
    ds = folder / "datastores" / "warehouse_prod"
    check = ds / "checks" / "orders" / "between__total_amount.yaml"
    check.write_text(check.read_text().replace("max: 50000", "max: 75000"))
    table = ds / "containers" / "high_value_orders" / "_container.yaml"
    query = ("query: |-\n  SELECT order_id,\n         customer_id,\n         order_date,\n"
             "         total_amount\n  FROM orders\n  WHERE total_amount > 1000\n"
             "    AND status <> 'cancelled'\n")
    table.write_text(re.sub(r"query: .*?\n(?=\w)", query, table.read_text(), flags=re.S))
    unique = ds / "checks" / "orders" / "unique__order_id.yaml"
    unique.write_text(unique.read_text().replace("- critical", "- critical\n- sla")
                      .replace("unique on orders.order_id", "every order id appears once"))
    (ds / "checks" / "payments" / "notnull__payment_id.yaml").unlink()
    shipped = (ds / "checks" / "orders" / "notnull__shipped_at.yaml").read_text()
    (ds / "checks" / "orders" / "notnull__order_date.yaml").write_text(
        shipped.replace("shipped_at", "order_date"))


def outputs(work: Path) -> dict[str, str]:
    """The three markdown documents, from real runs against a fresh demo sandbox."""
    with start_sandbox(seed="demo") as sandbox:
        ws = work / "ws"
        ws.mkdir()
        runner = Runner(sandbox, ws)
        scope = {"datastores": "warehouse-prod"}
        runner.run({"direction": "export", **scope}, event_name="push", event={})
        edit_like_a_pull_request(ws / "qualytics-config")
        pr = {"number": 7, "pull_request": {"number": 7, "head": {
            "sha": SHA, "ref": "raise-order-limit", "repo": {"full_name": "acme/dq"}}}}
        _, plan = runner.run({"direction": "plan", "prune": "true", **scope},
                             event_name="pull_request", event=pr)
        imported, _ = runner.run({"direction": "import", "prune": "true", "dry-run": "false",
                                  "expect-plan": plan["plan-digest"], **scope},
                                 event_name="push", event={})
        promoted, _ = runner.run({"direction": "promote", "promote-type": "checks",
                                  "from": "warehouse-dev/orders", "to": "warehouse-staging/orders",
                                  "dry-run": "false"}, event_name="workflow_dispatch", event={})
    return {"pr-comment": plan["summary"], "job-summary": imported,
            "promote-summary": promoted}


def stylesheet(work: Path) -> str:
    """github-markdown-css (light) from the npm registry, else a small stand-in."""
    npm = shutil.which("npm")
    if npm:
        proc = subprocess.run([npm, "pack", "github-markdown-css", "--silent"], cwd=work,
                              capture_output=True, text=True, check=False)
        tgz = work / proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else None
        if proc.returncode == 0 and tgz and tgz.is_file():
            with tarfile.open(tgz) as tar:
                member = tar.extractfile("package/github-markdown-light.css")
                if member is not None:
                    return member.read().decode("utf-8") + DIFF_CSS
    return FALLBACK_CSS + DIFF_CSS


def colour_diffs(body: str) -> str:
    """``diff`` blocks coloured line by line, as GitHub's highlighter does."""
    def block(m: re.Match[str]) -> str:
        out = []
        for line in m.group(2).split("\n"):
            cls = "pl-mi1" if line.startswith("+") else "pl-md" if line.startswith("-") else ""
            out.append(f'<span class="{cls}">{line}</span>' if cls else line)
        return m.group(1) + "\n".join(out) + m.group(3)
    return re.sub(r'(<pre lang="diff"><code>)(.*?)(</code></pre>)', block, body, flags=re.S)


def page(markdown: str, css: str, open_details: int) -> str:
    body = subprocess.run(["cmark-gfm", "--unsafe", "--github-pre-lang", "-e", "table",
                           "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter"],
                          input=markdown, capture_output=True, text=True, check=True).stdout
    body = colour_diffs(body)
    for _ in range(open_details):
        body = body.replace("<details>", "<details open>", 1)
    return ("<!doctype html><html><head><meta charset='utf-8'><style>" + css
            + f"body{{margin:0;background:#fff}} .markdown-body{{box-sizing:border-box;"
              f"width:{WIDTH}px;padding:16px 24px}}</style></head><body>"
              f"<article class='markdown-body'>{body}</article></body></html>")


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        return subprocess.run(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def height(html_file: Path) -> int:
    """The page's height, measured by Chromium itself."""
    probe = html_file.with_suffix(".probe.html")
    probe.write_text(html_file.read_text().replace(
        "</body>", "<script>document.body.setAttribute('data-h',"
                   "document.documentElement.scrollHeight)</script></body>"))
    dom = chromium(f"--window-size={WIDTH},800", "--dump-dom", probe.as_uri()).stdout
    found = re.search(r'data-h="(\d+)"', dom)
    return int(found.group(1)) if found else 2000


def photograph(markdown: str, name: str, out: Path, work: Path, css: str,
               open_details: int) -> Path:
    html_file = work / f"{name}.html"
    html_file.write_text(page(markdown, css, open_details), encoding="utf-8")
    png = out / f"{name}.png"
    chromium(f"--window-size={WIDTH},{height(html_file)}", f"--screenshot={png}",
             html_file.as_uri())
    if not png.is_file():
        raise SystemExit(f"chromium wrote no {png}")
    return png


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pictures")
    parser.add_argument("--keep", type=Path, help="also write the markdown and HTML here")
    args = parser.parse_args()
    for tool in ("cmark-gfm", "chromium"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: apt-get install -y chromium cmark-gfm")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        work.mkdir(parents=True, exist_ok=True)
        docs = outputs(Path(tempfile.mkdtemp(dir=tmp)))
        css = stylesheet(work)
        args.out.mkdir(parents=True, exist_ok=True)
        for name, markdown in docs.items():
            (work / f"{name}.md").write_text(markdown, encoding="utf-8")
            png = photograph(markdown, name, args.out, work, css, open_details=3)
            print(f"{png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}: "
                  f"{png.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
