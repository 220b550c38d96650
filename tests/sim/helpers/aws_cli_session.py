"""Runs aws CLI (v1) commands one after another in this Python process.

Each line of stdin is a JSON object {"args": [...], "env": {...}}; the command runs through
awscli.clidriver exactly as the `aws` script runs it (create_clidriver().main(args)), with
os.environ replaced by "env" for its duration, so that botocore's session reads that
environment (plus the AWS_DATA_PATH that importing awscli sets, as it does in every `aws` process).
Each answer is one JSON line on stdout: {"status", "stdout", "stderr"}.
Starting Python and importing botocore costs about 0.6 s of CPU; paying it once instead of
once per command is the point. Ends at the end of stdin.
"""
import contextlib
import io
import json
import os
import sys

from awscli.clidriver import create_clidriver

# awscli's own data (cli.json, the customizations' models) is found through AWS_DATA_PATH, which
# `import awscli` sets in os.environ; every command needs it as an `aws` process has it.
AWSCLI_DATA_PATH = os.environ["AWS_DATA_PATH"]
answers = sys.stdout
print(json.dumps({"ready": True}), file=answers, flush=True)
for line in sys.stdin:
    request = json.loads(line)
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["AWS_DATA_PATH"] = AWSCLI_DATA_PATH
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = create_clidriver().main(request["args"])
        except SystemExit as exit:
            status = exit.code if isinstance(exit.code, int) else 1
    answer = {"status": status, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
    print(json.dumps(answer), file=answers, flush=True)
