"""testing.FileCheck: the same checks pass or fail as torch.testing.FileCheck's on the same text."""

import pytest

from retrograd.testing import FileCheck

TEXT = "a b\nc d\na e\nf"

# each case: a list of (method, args); run on TEXT
CASES = [
    [("check", ("a",)), ("check", ("d",))],
    [("check", ("d",)), ("check", ("b",))],
    [("check_not", ("z",))],
    [("check_not", ("c",))],
    [("check_not", ("c",)), ("check", ("a",))],
    [("check_not", ("a",)), ("check", ("a",))],
    [("check", ("c",)), ("check_not", ("a",))],
    [("check", ("b",)), ("check_not", ("c",)), ("check", ("d",))],
    [("check_count", ("a", 2))],
    [("check_count", ("a", 3))],
    [("check_count", ("a", 1, True))],
    [("check_count", ("a", 2, True))],
    [("check_count", ("a", 0, True))],
    [("check_count", ("z", 0, True))],
    [("check", ("a",)), ("check_next", ("c",))],
    [("check", ("a",)), ("check_next", ("a",))],
    [("check", ("d",)), ("check_next", ("f",))],
    [("check_next", ("a",))],
    [("check", ("a",)), ("check_same", ("b",))],
    [("check", ("a",)), ("check_same", ("c",))],
    [("check_same", ("b",))],
    [("check_same", ("c",))],
    [("check", ("b",)), ("check_next", ("d",)), ("check_same", ("b",))],
    [("check_dag", ("e",)), ("check_dag", ("d",)), ("check", ("f",))],
    [("check_dag", ("e",)), ("check_not", ("c",)), ("check_dag", ("d",))],
    [("check_dag", ("e",)), ("check_dag", ("d",)), ("check_not", ("b",))],
    [("check_dag", ("a",)), ("check_dag", ("a",)), ("check_dag", ("a",))],
    [("check_dag", ("d",)), ("check_next", ("a",))],
    [("check", ("a",)), ("check_count", ("a", 1)), ("check_next", ("f",))],
    [("check_not", ("x",)), ("check_not", ("y",)), ("check", ("a",)), ("check_not", ("b",))],
    [("check_regex", ("a.e",)), ("check_next", ("f",))],
    [("check_regex", ("^c",))],
    [("check_regex", ("^a",))],
    [("check_regex", ("a|e",)), ("check_next", ("a",))],
    [("check", ("",))],
]


def _outcome(module, case):
    checker = module.FileCheck()
    try:
        for method, args in case:
            checker = getattr(checker, method)(*args)
        checker.run(TEXT)
    except RuntimeError as e:
        return str(e).split("\n")[0]
    return "ok"


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_filecheck_vs_torch(case):
    torch = pytest.importorskip("torch")
    import retrograd

    assert _outcome(retrograd.testing, case) == _outcome(torch.testing, case)


CHECK_FILES = [
    "# CHECK: b\n# CHECK-NEXT: c\n#CHECK-NOT: zz\n# CHECK-COUNT-2: a\n# CHECK-SAME: e",
    "# CHECK-COUNT-EXACTLY-2: a\n# CHECK-DAG: f\n# CHECK-REGEX: [a-z]",
    "x # CHECK: a e\n",
    "#   CHECK: a",
    "# CHECK: a  \n",
    "# CHECK-DAG: a\n# CHECK-DAG: d\n# CHECK: e",
    "# CHECK: a # CHECK: e",
    "nothing here",
    "// CHECK: a",
    "# CHECK-FOO: a",
    "# CHECK:a",
]


@pytest.mark.parametrize("checks", CHECK_FILES)
def test_filecheck_checks_file_vs_torch(checks):
    torch = pytest.importorskip("torch")

    def outcome(fc):
        try:
            fc().run(checks, TEXT)
        except RuntimeError as e:
            return str(e).split("\n")[0]
        return "ok"

    assert outcome(FileCheck) == outcome(torch.testing.FileCheck)


def test_filecheck_messages_and_errors():
    with pytest.raises(RuntimeError, match='Expected to find "zz" but did not find it'):
        FileCheck().check("zz").run(TEXT)
    with pytest.raises(RuntimeError, match="No checks have been added"):
        FileCheck().run(TEXT)
    with pytest.raises(RuntimeError, match="doesn't do anything"):
        FileCheck().check_count("a", 0)
    with pytest.raises(TypeError):
        FileCheck().check(3)
    checker = FileCheck().check("a")
    checker.run(TEXT)
    checker.run("a again")  # a FileCheck runs again
