"""Runs aws CLI (v1) commands one after another in this Python process.

Each line of stdin is a JSON object {"args": [...], "env": {...}}; the command runs through
awscli.clidriver exactly as the `aws` script runs it (create_clidriver().main(args)), with
os.environ replaced by "env" for its duration, so that botocore's session reads that
environment (with awscli's data folder after the command's own AWS_DATA_PATH, as in every `aws` process).
An exception a command dies of is its traceback on stderr and status 1, as for an `aws` process.
Each answer is one JSON line on stdout: {"status", "stdout", "stderr"}.
Starting Python and importing botocore costs about 0.6 s of CPU; paying it once instead of
once per command is the point. Ends at the end of stdin.
"""
import contextlib
import io
import json
import os
import sys
import traceback

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
    # As `import awscli` does in an `aws` process: the command's own data path first, then awscli's.
    own = request["env"].get("AWS_DATA_PATH")
    os.environ["AWS_DATA_PATH"] = os.pathsep.join([own, AWSCLI_DATA_PATH]) if own else AWSCLI_DATA_PATH
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = create_clidriver().main(request["args"])
        except SystemExit as exit:
            # As Python exits: an int is the status, None is 0, anything else is printed and is 1.
            if exit.code is None or isinstance(exit.code, int):
                status = exit.code or 0
            else:
                print(exit.code, file=sys.stderr)
                status = 1
        except BaseException:
            # What an `aws` process would die of (e.g. a config file it cannot parse): its
            # traceback and status 1, and the session goes on to the next command.
            traceback.print_exc()
            status = 1
    answer = {"status": status, "stdout": stdout.getvalue(), "stderr": stderr.getvalue()}
    print(json.dumps(answer), file=answers, flush=True)
