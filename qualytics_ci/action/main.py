"""The GitHub Action: inputs -> the same commands as the CLI -> outputs, summary, comment.

Order matters: secrets are masked before anything else is printed; the command
runs inside a log group with workflow commands stopped (config values cannot
inject commands); its JSON report is read back and rendered once for the step
summary, the ``summary`` output and the sticky PR comment.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from qualytics_ci import cli
from qualytics_ci import secrets as registry
from qualytics_ci.action import merged
from qualytics_ci.action.github import GitHubAPI, marker
from qualytics_ci.action.inputs import Inputs, cli_argv, declares_promotions, read_inputs
from qualytics_ci.action.outputs import Result, render, result_from_report
from qualytics_ci.action.outputs import sections as result_sections
from qualytics_ci.action.runner import (
    Runner,
    append_summary,
    commit_sha,
    is_fork_pull_request,
    load_event,
    pull_request_number,
    repository_url,
    run_url,
    write_output,
)
from qualytics_ci.api import settings
from qualytics_ci.errors import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, QualyticsCIError
from qualytics_ci.folder.layout import NOT_A_CONFIG_FOLDER
from qualytics_ci.folder.validate import validate_folder
from qualytics_ci.folder.variables import REFERENCE
from qualytics_ci.render import markdown as md
from qualytics_ci.render.fit import Doc

Command = Callable[[list[str]], int]
FOLDER_HINT = ("set the step's `input:` to the folder that holds connections/ and datastores/ "
               "(relative to the repository), or export into a new one first")
UNSET_HINT = ("in the workflow, give it in the step's `env:` (a secret as "
              "`NAME: ${{ secrets.NAME }}`), or in a dotenv file named by the `env-file` input")


FOLDER_PATH = re.compile(r"(?<![\w/.-])((?:connections|datastores|overrides)/[^\s,;:'\"()]+"
                         r"\.ya?ml)")


def in_action_words(err: QualyticsCIError, folder: str = "") -> QualyticsCIError:
    """``err`` as the Action's user should read it: paths in the message relative to the
    repository, like the annotation's; an unset variable is set in the step's ``env:``
    or the ``env-file`` input, not "the environment or .env"."""
    message, hint = err.message, err.hint
    if folder and folder not in (".", "./"):
        message = FOLDER_PATH.sub(lambda m: f"{folder.rstrip('/')}/{m.group(1)}", message)
    if err.code == "unset_variable":
        hint = UNSET_HINT
    elif err.code == NOT_A_CONFIG_FOLDER:
        hint = FOLDER_HINT
    if (message, hint) == (err.message, err.hint):
        return err
    return QualyticsCIError(message, file=err.file, line=err.line, hint=hint,
                            exit_code=err.exit_code, code=err.code, errors=err.errors)


def run_cli_command(argv: list[str]) -> int:
    """Run one CLI command in-process; user errors propagate with file and line."""
    try:
        args = cli.parse_args(argv)
    except SystemExit as exc:
        raise QualyticsCIError(f"invalid arguments for `qualytics-ci {' '.join(argv[:1])}`"
                               ) from exc
    module_name, _, func = cli.HANDLERS[args.command].partition(":")
    handler: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(module_name), func)
    return handler(args)


@dataclass
class Action:
    """One run of the Action in one environment."""

    env: Mapping[str, str]
    runner: Runner
    command: Command = run_cli_command
    inputs: Inputs = field(default_factory=Inputs)

    @property
    def workspace(self) -> Path:
        return Path(self.env.get("GITHUB_WORKSPACE") or os.getcwd())

    def report_path(self) -> Path:
        """Where the JSON report goes: in the workspace, so later steps can read it."""
        key = re.sub(r"[^A-Za-z0-9._-]+", "-", self.inputs.comment_key) or "default"
        return self.workspace / ".qualytics-ci" / f"{self.inputs.command}-{key}.json"

    def context(self) -> md.Context:
        event = load_event(self.env.get("GITHUB_EVENT_PATH"))
        i = self.inputs
        folder = "" if i.command == "promote" and not declares_promotions(i) else i.input
        return md.Context(title="qualytics-ci", folder=folder, run_url=run_url(self.env),
                          sha=commit_sha(self.env, event), repo_url=repository_url(self.env),
                          dry_run=i.direction == "import" and i.command == "plan")

    def main(self) -> int:
        registry.on_register(self.runner.mask)
        try:
            self.inputs = read_inputs(self.env)
            self._register_secrets()
            result = self._run()
        except QualyticsCIError as exc:
            return self._fail(exc)
        except Exception as exc:  # a bug: keep the traceback, redacted
            self.runner.log("".join(traceback.format_exception(exc)))
            return self._fail(QualyticsCIError(f"internal error: {type(exc).__name__}: {exc}"))
        self._publish(result)
        return self._exit_code(result)

    def _register_secrets(self) -> None:
        """Mask the tokens and every ``${VAR}`` value the connection files refer to, up
        front (before the command prints anything)."""
        i = self.inputs
        registry.register(i.token)
        registry.register(i.github_token)
        registry.register(self.env.get("QUALYTICS_TOKEN"))
        if i.env_file:
            settings.load_env_file(str(self.workspace / i.env_file))
        folder = self.workspace / i.input
        if folder.is_dir() and i.command != "export":
            # ${VAR} is resolved in connection files only (docs/format.md), with overrides
            connection_files = [*folder.glob("connections/*.y*ml"),
                                *folder.glob("overrides/*/connections/*.y*ml")]
            for path in sorted(connection_files):
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                for name in REFERENCE.findall(text):
                    registry.register(os.environ.get(name))

    def _run(self) -> Result:
        report = self.report_path()
        report.parent.mkdir(parents=True, exist_ok=True)
        report.unlink(missing_ok=True)
        argv = cli_argv(self.inputs, str(report))
        title = f"qualytics-ci {' '.join(argv[:1])} {self.inputs.input}"
        cwd = os.getcwd()
        try:
            os.chdir(self.workspace)
            with self.runner.group(title), self.runner.stop_commands():
                code = self.command(argv)
        finally:
            os.chdir(cwd)
        return result_from_report(self.inputs, code, report)

    def _publish(self, result: Result) -> None:
        ctx = self.context()
        summary_text, comment_text = render(result, ctx, self.inputs.comment_key)
        append_summary(summary_text, self.env.get("GITHUB_STEP_SUMMARY"))
        outputs = dict(result.outputs)
        outputs["summary"] = comment_text.split("\n", 1)[1] if comment_text.startswith(
            "<!--") else comment_text
        if result.report:
            outputs["report"] = self._relative(result.report)
        for name, value in outputs.items():
            write_output(name, value, self.env.get("GITHUB_OUTPUT"))
        self.runner.log(result.headline)
        self._annotate_promotions(result)
        self._comment(comment_text)
        self._merged_comment(result_sections(result, ctx))
        if self.inputs.command == "drift" and self.inputs.drift_issue and result.plan:
            self._drift_issue(result, ctx)

    def _annotate_promotions(self, result: Result) -> None:
        """A warning at its line in promotions.yaml for each promotion the plan could not
        preview (it would most likely fail on merge)."""
        for item in result.promotions.items if result.promotions else ():
            if item.error is not None:
                ref = item.promotion
                self.runner.warning(f"promotion {ref.name!r} cannot be previewed: "
                                    f"{item.error.text()}",
                                    file=self._annotation_file(ref.file), line=ref.line,
                                    title="qualytics-ci")

    def _merged_comment(self, doc: Doc) -> None:
        """After a push that imported or promoted: the results on the merged pull request."""
        merged.comment_results(self.inputs, self.env, self.runner, self._api, doc,
                               self.context())

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.workspace).as_posix()
        except ValueError:
            return str(path)

    def _api(self) -> GitHubAPI | None:
        repo = self.env.get("GITHUB_REPOSITORY", "")
        if not self.inputs.github_token or not repo:
            self.runner.warning("no github-token or GITHUB_REPOSITORY: cannot write to GitHub; "
                                "the job summary has the result", title="qualytics-ci")
            return None
        return GitHubAPI(self.inputs.github_token, repo,
                         self.env.get("GITHUB_API_URL", "https://api.github.com"), self.runner)

    def _comment(self, body: str) -> None:
        mode = self.inputs.comment
        if mode == "never":
            return
        event = load_event(self.env.get("GITHUB_EVENT_PATH"))
        number = pull_request_number(event)
        if (number is not None and self.env.get("GITHUB_EVENT_NAME") == "pull_request"
                and is_fork_pull_request(event, self.env.get("GITHUB_REPOSITORY", ""))):
            self.runner.warning("pull request from a fork: its token is read-only, so no "
                                "comment; the job summary has the result", title="qualytics-ci")
            return
        if number is None:
            if mode == "always" and not merged.applies(self.inputs, self.env):
                self.runner.notice("comment: always, but this run has no pull request to "
                                   "comment on", title="qualytics-ci")
            return
        api = self._api()
        if api is not None:
            outcome = api.upsert_comment(number, self.inputs.comment_key, body)
            self.runner.log(f"pull-request comment #{number}: {outcome}")

    def _drift_issue(self, result: Result, ctx: md.Context) -> None:
        api = self._api()
        if api is None or result.plan is None:
            return
        drifted = result.plan.has_changes
        # Without the run's link: the same drift seen by a later run is the same body,
        # so the issue is not edited on every scheduled run.
        ctx = replace(ctx, run_url=None)
        body = md.comment(md.drift_sections(result.plan, ctx, result.in_sync), ctx).text
        title = f"Drift detected: {self.inputs.input} ({self.inputs.comment_key})"
        outcome = api.sync_drift_issue(self.inputs.comment_key, drifted=drifted, title=title,
                                       body=body)
        self.runner.log(f"drift issue: {outcome}")

    def _folder_errors(self) -> list[QualyticsCIError]:
        """Every problem an offline validation finds in the folder, one error each.

        A failing command raises one error (located at the first problem); the
        validation is cheap and offline, so re-running it gives one annotation
        per problem.
        """
        folder = self.workspace / self.inputs.input
        if self.inputs.command == "export" or not folder.is_dir():
            return []
        try:
            _config, issues = validate_folder(str(folder), os.environ, None)
        except Exception:  # the folder may be too broken to read: keep the one error
            return []
        return [in_action_words(QualyticsCIError(i.message, file=i.file, line=i.line),
                                self.inputs.input) for i in issues if i.level == "error"]

    def _fail(self, exc: QualyticsCIError) -> int:
        folder = self.inputs.input
        exc = in_action_words(exc, folder)
        errors = [in_action_words(e, folder) for e in exc.errors
                  if isinstance(e, QualyticsCIError)]
        if not errors and exc.file:  # a problem in the folder: there may be more of them
            errors = self._folder_errors()
            where = (self._annotation_file(exc.file), exc.line)
            if errors and not any((self._annotation_file(e.file), e.line) == where
                                  for e in errors):
                errors.insert(0, exc)
        for n, err in enumerate(errors or [exc]):
            if n == 10:
                self.runner.warning(f"{len(errors) - 10} more errors: see the job summary",
                                    title="qualytics-ci")
                break
            text = err.message + (f" (hint: {err.hint})" if err.hint else "")
            self.runner.error(text, file=self._annotation_file(err.file), line=err.line,
                              title="qualytics-ci")
        ctx = self.context()
        problems = [(self.runner.relative(self._annotation_file(e.file)), e.line, e.message,
                     e.hint) for e in errors]
        doc = md.error_sections(exc.message, ctx, verb=self.inputs.command,
                                file=self.runner.relative(self._annotation_file(exc.file)),
                                line=exc.line, hint=exc.hint, problems=problems)
        append_summary(md.summary(doc, ctx).text, self.env.get("GITHUB_STEP_SUMMARY"))
        write_output("summary", md.comment(doc, ctx).text, self.env.get("GITHUB_OUTPUT"))
        if self.inputs.comment != "never":
            self._comment(md.comment(doc, ctx, marker=marker(self.inputs.comment_key)).text)
        self._merged_comment(doc)
        return exc.exit_code or EXIT_ERROR

    def _annotation_file(self, file: str | None) -> str | None:
        """A file path as the annotation wants it: relative to the workspace."""
        if not file:
            return None
        path = Path(file)
        if path.is_absolute():
            return str(path)
        in_folder = self.workspace / self.inputs.input / path
        if not (self.workspace / path).exists() and in_folder.exists():
            return str(in_folder)
        return str(self.workspace / path)

    def _exit_code(self, result: Result) -> int:
        if result.code not in (EXIT_OK, EXIT_CHANGES):
            return result.code
        if self.inputs.command == "drift" and result.drift and self.inputs.fail_on_drift:
            self.runner.error("drift detected: the target differs from the folder",
                              title="qualytics-ci")
            return EXIT_CHANGES
        return EXIT_OK


def main(env: Mapping[str, str] | None = None) -> int:
    """Entry point of the container: run with the runner's environment."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    runner = Runner(sys.stdout, workspace=(env or os.environ).get("GITHUB_WORKSPACE"))
    return Action(env=os.environ if env is None else env, runner=runner).main()


