"""Scores of the independent question sets (tests/independent), per set and language.

    python benchmarks/independent_sets.py [--failures heldout] [--repo OTHER_CHECKOUT]

The engine answers on the frozen two-wave knowledge of the tests (tests/fixtures), as the
sets were written for it, so a new wave in knowledge/ changes no score; the sets named
wave3* were written for the three waves once 2024-10 landed and answer on those
(tests/fixtures/figures_2024_10). Prints figures;
asserts nothing (tests/test_independent.py holds the floors). --failures lists every
failing case of the sets named (comma-separated). --repo scores another checkout's
engine (its bot/ and frozen knowledge) on these sets and rules: the "before" figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _checkout() -> Path:
    for i, arg in enumerate(sys.argv):
        if arg == "--repo" and i + 1 < len(sys.argv):
            return Path(sys.argv[i + 1]).resolve()
    return HERE


REPO = _checkout()
sys.path.insert(0, str(REPO))

from bot.ask import as_json  # noqa: E402
from bot.build import build  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.conftest import FIGURES, frozen_knowledge, lexicon_of  # noqa: E402

try:  # (a checkout from before the three-wave figures scores the two-wave sets only)
    from tests.conftest import FIGURES_2024_10
except ImportError:
    FIGURES_2024_10 = FIGURES


def _cases_module():
    """This checkout's sets and rules, whichever engine answers."""
    path = HERE / "tests" / "independent_cases.py"
    spec = importlib.util.spec_from_file_location("independent_cases", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["independent_cases"] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


cases_module = _cases_module()
ROOT, judge, load = cases_module.ROOT, cases_module.judge, cases_module.load

SETS = (
    *(f"dev{n}" for n in range(1, 15)),
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "wave3a",
    "wave3b",
)
# Sets written for the three waves once 2024-10 landed (FORMAT3.md): their own store
THREE_WAVES = ("wave3",)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--failures", default="", help="sets whose failures to list")
    parser.add_argument("--repo", default=str(HERE), help="the checkout whose engine answers")
    parser.add_argument("--sets", default=",".join(SETS), help="the sets to score")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engines: dict[Path, Engine] = {}

        def engine_for(name: str) -> Engine:
            figures = FIGURES_2024_10 if name.startswith(THREE_WAVES) else FIGURES
            if figures not in engines:
                where = Path(tmp) / figures.name
                if figures == FIGURES:  # (as every checkout's frozen_knowledge has it)
                    knowledge = frozen_knowledge(where / "knowledge")
                else:
                    knowledge = frozen_knowledge(where / "knowledge", figures=figures)
                result = build(knowledge, where / "store.sqlite3")
                assert result.ok, result.problems
                store = Store(where / "store.sqlite3")
                engines[figures] = Engine(store, lexicon_of(store), "SenimBenchBot")
            return engines[figures]

        for name in args.sets.split(","):
            engine = engine_for(name)
            cases = load(ROOT / name)
            chats: dict[str, Conversation] = {}
            total, correct, wrong = Counter(), Counter(), Counter()
            failures = []
            for case in cases:
                chat = chats.setdefault(case.session, Conversation())
                reply = engine.ask(case.q, context=chat.context, lang_hint=chat.lang)
                chat.remember(reply)
                problems, is_wrong = judge(case, as_json(engine, reply))
                lang = case.id.split("#")[0]
                total[lang] += 1
                correct[lang] += not problems
                wrong[lang] += is_wrong
                if problems:
                    failures.append((case, problems, reply, is_wrong))
            n, ok, bad = sum(total.values()), sum(correct.values()), sum(wrong.values())
            print(f"{name}: {ok}/{n} = {100 * ok / n:.1f}% correct; {bad} replies state a "
                  "figure for another question")  # fmt: skip
            for lang in total:
                share = 100 * correct[lang] / total[lang]
                print(f"  {lang}: {correct[lang]}/{total[lang]} = {share:.1f}%, "
                      f"{wrong[lang]} wrong-figure")  # fmt: skip
            if name in args.failures.split(","):
                for case, problems, reply, is_wrong in failures:
                    text = reply.text.replace("\n", " / ")[:160]
                    mark = " [another question]" if is_wrong else ""
                    print(f"    {case.id}{mark} {case.q!r}: {'; '.join(problems)[:300]}\n"
                          f"      -> {text}")  # fmt: skip


if __name__ == "__main__":
    main()
