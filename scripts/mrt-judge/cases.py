"""
Expected values for test/core/mrt-is-equiv.test.ts: runs MRT's own grader.py (CMU-AIRe/MRT
analysis/code/grader.py at 1815a8c5, read from a checkout given as the first argument) on hand-picked pairs
and on seeded random pairs built from the pieces its rules look at, and writes
[[a, b, is_equiv(a, b), _strip_string(a) or null when it raises], ...] as JSON to stdout.

  python3 scripts/mrt-judge/cases.py /path/to/MRT/analysis/code > test/data/mrt-is-equiv-cases.json
"""
import json, random, sys

sys.path.insert(0, sys.argv[1])
from grader import is_equiv, _strip_string  # noqa: E402

HAND = [
    ("\\frac{2}{4}", "\\frac{1}{2}"), ("0.5", "\\frac{1}{2}"), ("1/2", "\\frac{1}{2}"), ("\\frac12", "\\frac{1}{2}"),
    ("\\dfrac{1}{2}", "\\frac{1}{2}"), ("\\tfrac{3}{4}", "\\frac34"), (".5", "0.5"), ("x = 5", "5"), ("abc = 5", "5"),
    ("10\\%", "10"), ("\\$5", "5"), ("90^\\circ", "90"), ("90^{\\circ}", "90"), ("5\\text{ cm}", "5"),
    ("5\\text{ cm}\\text{ m}", "5"), ("\\sqrt3", "\\sqrt{3}"), ("\\sqrt", "\\sqrt"), ("2\\sqrt", "2\\sqrt{}"),
    ("\\frac", "\\frac"), ("\\frac1", "\\frac{1}"), ("\\frac1{72}", "\\frac{1}{72}"), ("\\left( 1, 2 \\right)", "(1,2)"),
    ("-3/4", "\\frac{-3}{4}"), ("03/4", "\\frac{3}{4}"), ("+3/4", "\\frac{3}{4}"), ("-0/4", "\\frac{0}{4}"),
    ("1 000", "1000"), ("1,000", "1000"), ("", ""), ("", "0"), ("\\!5", "5"), ("a\\\\b", "a\\b"), ("{.5}", "{0.5}"),
    ("x=y=z", "y=z"), ("é=3", "3"), ("😀=3", "3"), ("\\frac😀2", "\\frac{😀}{2}"), ("\\sqrt😀", "\\sqrt{😀}"),
    ("k = \\frac{1}{2}", "0.5"), ("\n12\n", "12"), ("1/2/3", "1/2/3"), ("١/٢", "\\frac{1}{2}"),
]

PIECES = ["\\frac", "\\dfrac", "\\sqrt", "{", "}", "1", "2", "0", "5", ".", " ", "/", "=", "x", "-", "\\%", "%",
          "\\$", "^\\circ", "\\text{ ", "\\left(", "\\right)", "\\!", "\\\\", "ab", "\n", "9", "+"]

rng = random.Random(20261202)
pairs = list(HAND)
for _ in range(600):
    a = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))
    b = a if rng.random() < 0.2 else "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))
    if rng.random() < 0.3:
        b = a.replace(" ", "").replace("\\dfrac", "\\frac")
    pairs.append((a, b))

out = []
for a, b in pairs:
    try:
        stripped = _strip_string(a)
    except Exception:
        stripped = None
    out.append([a, b, bool(is_equiv(a, b)), stripped])
json.dump(out, sys.stdout, ensure_ascii=False, indent=0)
sys.stdout.write("\n")
