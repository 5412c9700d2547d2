"""Score predictions (or the shipped model) against a gold JSONL.

    python eval/evaluate.py eval/gold/seed.jsonl                 # run the shipped model
    python eval/evaluate.py GOLD.jsonl --pred PRED.jsonl --json  # score saved predictions

Same as `kr-event eval`; this file only forwards to the library's command.
"""
import sys

from kr_event.cli.eval_cmd import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
