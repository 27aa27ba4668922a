#!/usr/bin/env python3
"""Runs one job of a CI recipe of docs/ci/ here, as its CI runner would, so that the recipes are
tested against the sandbox (tests/integration/test_ci_recipes.cpp) and cannot rot.

  run-recipe.py gitlab FILE JOB [NAME=VALUE...]   the job's `script` lines in one bash -eo pipefail
  run-recipe.py github FILE JOB [NAME=VALUE...]   the job's steps in order: `run` bodies in
                                                  bash -eo pipefail, `uses` steps skipped

NAME=VALUE pairs are the CI's predefined variables and inputs (CI_PROJECT_DIR=..., inputs.go-live=
true). The current folder is the checkout. GitHub expressions are evaluated for the forms the
recipes use: github.workspace, secrets.NAME (from the environment), inputs.NAME,
steps.ID.outputs.NAME (from $GITHUB_OUTPUT), always(). Each step's exit code is printed on stderr
as "recipe: STEP: exit N"; the exit code is the first failing step's, as the CI's job result.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml


def run_bash(body, env):
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", body],
                          env=env).returncode


def gitlab(doc, job, given):
    env = dict(os.environ)
    env.update(given)
    variables = dict(doc.get("variables", {}))
    variables.update(doc[job].get("variables", {}))
    for name, value in variables.items():
        env[name] = os.path.expandvars(re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), ""), str(value)))
    code = run_bash("\n".join(doc[job]["script"]), env)
    print(f"recipe: {job}: exit {code}", file=sys.stderr)
    return code


def github_expression(text, context):
    def value(m):
        expr = m.group(1).strip()
        negate = expr.startswith("!")
        expr = expr.lstrip("!").strip()
        if expr == "always()":
            result = "true"
        elif expr == "github.workspace":
            result = os.getcwd()
        elif expr.startswith("secrets."):
            result = os.environ.get(expr[len("secrets."):], "")
        elif expr.startswith("inputs."):
            result = context["inputs"].get(expr[len("inputs."):], "")
        elif expr.startswith("steps."):
            _, step, _, key = expr.split(".")
            result = context["outputs"].get(step, {}).get(key, "")
        else:
            raise SystemExit(f"run-recipe: unsupported expression '{expr}'")
        if negate:
            result = "false" if result in ("true", "1") else "true"
        return str(result)
    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


def read_outputs(path):
    outputs = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                key, val = line.rstrip("\n").split("=", 1)
                outputs[key] = val
    return outputs


def github(doc, job, given):
    context = {"inputs": {k[len("inputs."):]: v for k, v in given.items() if k.startswith("inputs.")},
               "outputs": {}}
    base = dict(os.environ)
    base.update({k: v for k, v in given.items() if not k.startswith("inputs.")})
    for scope in (doc.get("env", {}), doc["jobs"][job].get("env", {})):
        for name, value in scope.items():
            base[name] = github_expression(value, context)
    failed = 0
    for index, step in enumerate(doc["jobs"][job]["steps"]):
        name = step.get("name", step.get("uses", f"step {index}"))
        condition = github_expression(step.get("if", ""), context)
        if failed and condition != "true":
            print(f"recipe: {name}: skipped after a failure", file=sys.stderr)
            continue
        if "uses" in step:
            print(f"recipe: {name}: action not run here", file=sys.stderr)
            continue
        env = dict(base)
        for key, value in step.get("env", {}).items():
            env[key] = github_expression(value, context)
        with tempfile.NamedTemporaryFile("w+", suffix=".out", delete=False) as out:
            env["GITHUB_OUTPUT"] = out.name
        code = run_bash(github_expression(step["run"], context), env)
        if "id" in step:
            context["outputs"][step["id"]] = read_outputs(env["GITHUB_OUTPUT"])
        os.unlink(env["GITHUB_OUTPUT"])
        print(f"recipe: {name}: exit {code}", file=sys.stderr)
        if code != 0 and not failed:
            failed = code
    return failed


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("gitlab", "github"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, path, job = sys.argv[1:4]
    given = dict(arg.split("=", 1) for arg in sys.argv[4:])
    with open(path) as f:
        doc = yaml.safe_load(f)
    return gitlab(doc, job, given) if kind == "gitlab" else github(doc, job, given)


if __name__ == "__main__":
    sys.exit(main())
