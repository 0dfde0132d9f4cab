#!/usr/bin/env python3
"""Short libFuzzer run of one target, for the test suite.

  short-run.py FUZZER SEED_CORPUS DICT ARTIFACT_DIR SECONDS

The seed corpus is read, never written: new inputs go to a temporary
directory that is removed afterwards. A crash, leak, timeout or violated
contract makes libFuzzer exit non-zero; the reproducer is kept in
ARTIFACT_DIR (run `FUZZER FILE` to replay it). FUZZ_SECONDS in the
environment overrides SECONDS.
"""
import os
import subprocess
import sys
import tempfile

fuzzer, seeds, dictionary, artifacts, seconds = sys.argv[1:6]
seconds = os.environ.get("FUZZ_SECONDS", seconds)
os.makedirs(artifacts, exist_ok=True)
with tempfile.TemporaryDirectory(prefix="aai-fuzz-") as work:
    cmd = [
        fuzzer,
        f"-max_total_time={seconds}",
        "-timeout=10",
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/",
    ]
    if os.path.exists(dictionary):
        cmd.append(f"-dict={dictionary}")
    # The first directory receives new inputs; the seeds are only read.
    cmd += [work, seeds]
    print(" ".join(cmd), flush=True)
    rc = subprocess.call(cmd)
print(f"libFuzzer exited with {rc}")
sys.exit(0 if rc == 0 else 1)
