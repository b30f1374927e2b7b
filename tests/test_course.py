"""The course (notebooks/teaching/, an nbgrader course directory) works as a teacher uses it (issue 17).

One run of nbgrader's own flow in a copy of the course: ``generate_assignment`` writes every lesson's
student release, then ``autograde`` grades two submissions per lesson, made from that release as a
student would: ``reference`` answers every exercise with the teacher's solution (full marks), ``wrong``
answers in Dutch (its ``language = "nl"``) with the plausible mistakes in ``WRONG`` (exactly those
exercises lose their points). Autograding executes each lesson twice, so every lesson and every solution
runs here in both languages; nbval does not run the course notebooks again (conftest.py).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "notebooks" / "teaching"
# nbgrader's gradebook session warns about its own autoflush; nothing of the course's
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

LESSONS = sorted(p.name for p in (COURSE / "source").iterdir() if (p / f"{p.name}.ipynb").exists())

# A typical mistake per exercise (solution cell's grade_id -> the student's code); exercises left out
# here are answered correctly, so the wrong submission must lose exactly the points of these.
WRONG = {
    "journey": {
        "journey_ex1": 'answer_1 = float((both["found"] == "purchase").mean())\n',  # the share of one phase
        "journey_ex2": 'answer_2 = float(table[(table["group"] == "low") & (table["step"] == "purchase")]'
                       '["overall_conversion"].iloc[0])\n',  # the low-involvement group
    },
    "rfm": {
        "rfm_ex1": "answer_1 = table.index[0]\n",  # the table's first row, as if it were sorted by revenue
        "rfm_ex2": 'answer_2 = float(summary.loc[rfm["segment"] == "lost", "alive_at_end"].mean())\n',  # alive
    },
    "funnels": {
        "funnels_ex1": 'answer_1 = float(1 - table[(table["group"] == "high") & (table["step"] == "purchase")]'
                       '["overall_conversion"].iloc[0])\n',  # lost since the product view, not in checkout
        "funnels_ex2": 'answer_2 = float(consideration.loc[consideration["involvement"] == "high", '
                       '"days_from_first_visit"].mean())\n',  # the mean, pulled up by the long searches
        "funnels_ex3": 'answer_3 = str(channels.table.query("step == \'purchase\'").set_index("group")["units"]'
                       '.idxmax())\n',  # the channel with the most buyers, not the highest conversion
    },
    "attribution": {
        "attribution_ex1": 'answer_1 = float((jl.consideration(shop)["channels"] > 1).mean())\n',  # channels
        "attribution_ex2": 'answer_2 = str(high.set_index("channel")["first_touch"].idxmax())\n',  # first touch
        "attribution_ex3": 'answer_3 = float(credit.set_index("channel").loc["direct", "markov"] / conversions)\n',
        # ^ Markov's share of the conversions, not the removal effect
    },
    "btyd": {
        "btyd_ex1": 'answer_1 = float(CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(summary)'
                    '.params_.set_index("parameter").loc["r", "estimate"])\n',  # all buyers, not the high ones
        "btyd_ex2": 'answer_2 = float(low["alive_at_end"].mean())\n',  # the truth instead of the model
        "btyd_ex3": "answer_3 = 1.0\n",  # BG/NBD's P(alive) of a one-time buyer
    },
    "clv": {
        "clv_ex1": 'answer_1 = float(low.loc[low["frequency"] == 1, "monetary_value"].mean())\n',  # the naive mean
        "clv_ex2": 'answer_2 = float(model.predict(12, unit="months", discount_rate=annual_to_monthly(0.10))'
                   '["clv"].sum())\n',  # the monthly rate given where the yearly one is asked
        "clv_ex3": 'answer_3 = float(model.predict(36, unit="months", discount_rate=0.10)["clv"].sum()'
                   ' / model.predict(36, unit="months", discount_rate=0.0)["clv"].sum())\n',  # the share kept
    },
    "checking": {
        "checking_ex1": 'answer_1 = float(comparison.metrics.loc["paretonbd", "rmse"])\n',  # the RMSE, not the MAE
        "checking_ex2": 'answer_2 = str(compare_models(split[level == "high"]).metrics["log_likelihood"].idxmax())\n',
        # ^ the best fit to the calibration period, not the best forecast of the holdout
        "checking_ex3": 'answer_3 = float(flat_params.loc["a", "estimate"] / flat_params.loc["b", "estimate"])\n',  # a / b
    },
    "lowhigh": {
        "lowhigh_ex1": 'answer_1 = float(comparison.set_index("metric").loc["consideration_days", "ratio"])\n',  # means
        "lowhigh_ex2": 'answer_2 = {lv: float((g["n_orders"] - 1).sum() / g["n_orders"].sum())'
                       ' for lv, g in summary.groupby("involvement")}\n',  # the share of orders that are repeats
        "lowhigh_ex3": 'answer_3 = summary.groupby("involvement")["total_revenue"].mean().idxmax()\n',  # past revenue
    },
    "privacy": {
        "privacy_ex1": 'answer_1 = {"newsletter_list", "orders"}\n',  # pseudonyms and cookie ids taken as anonymous
        "privacy_ex2": 'answer_2 = len(first.assign(euro=first["revenue"].round(0))[["date", "euro"]]'
                       '.drop_duplicates()) / len(first)\n',  # distinct combinations, not unique customers
        "privacy_ex3": "answer_3 = int((segments <= k).sum())\n",  # groups of exactly k counted as too small
    },
}


def _source(cell) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _nbgrader(cell) -> dict:
    return cell["metadata"].get("nbgrader", {})


def _solution_code(cell) -> str:
    """A source solution cell as the student would write it: without the solution markers."""
    return "".join(line for line in _source(cell).splitlines(True) if not line.strip().startswith("### "))


def _submit(course: Path, student: str, lesson: str, answers: dict[str, str], language: str) -> None:
    release = course / "release" / lesson
    nb = json.loads((release / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = re.sub(r'language = "\w+"', f'language = "{language}"', _source(cell))
        grade_id = _nbgrader(cell).get("grade_id")
        if _nbgrader(cell).get("solution") and grade_id in answers:
            cell["source"] = answers[grade_id]
    folder = course / "submitted" / student / lesson
    shutil.copytree(release, folder)
    (folder / f"{lesson}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course copied to a temporary course directory, released, submitted twice and autograded;
    returns (course directory, {(lesson, student): {grade_id: (score, max_score)}})."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    course = tmp_path_factory.mktemp("course")
    shutil.copytree(COURSE / "source", course / "source")
    shutil.copy(COURSE / "nbgrader_config.py", course)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    path = os.environ["PATH"]
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + path  # nbgrader runs alembic
    try:
        api = NbGraderAPI(config=config)
        for lesson in LESSONS:
            result = api.generate_assignment(lesson, force=True)
            assert result["success"], result["log"] + result.get("error", "")
            source = json.loads((course / "source" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
            reference = {_nbgrader(c)["grade_id"]: _solution_code(c) for c in source["cells"]
                         if _nbgrader(c).get("solution")}
            _submit(course, "reference", lesson, reference, "en")
            _submit(course, "wrong", lesson, {**reference, **WRONG.get(lesson, {})}, "nl")
            result = api.autograde(lesson, "*", force=True, create=True)
            assert result["success"], result["log"] + result.get("error", "")
    finally:
        os.environ["PATH"] = path
    grades = {}
    with Gradebook(api.coursedir.db_url) as gb:
        for lesson in LESSONS:
            for student in ("reference", "wrong"):
                notebook = gb.find_submission_notebook(lesson, lesson, student)
                grades[lesson, student] = {g.name: (g.score, g.max_score) for g in notebook.grades}
    return course, grades


def test_every_lesson_has_exercises_and_a_plausible_mistake():
    assert len(LESSONS) >= 1
    for lesson in LESSONS:
        nb = json.loads((COURSE / "source" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
        solutions = {_nbgrader(c)["grade_id"] for c in nb["cells"] if _nbgrader(c).get("solution")}
        assert solutions and set(WRONG[lesson]) <= solutions, lesson


@pytest.mark.parametrize("lesson", LESSONS)
def test_release_has_no_answers(graded, lesson):
    course, _ = graded
    folder = course / "release" / lesson
    assert sorted(p.name for p in folder.iterdir()) == [f"{lesson}.ipynb", "texts.yaml"]
    release = json.loads((folder / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    source = json.loads((course / "source" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join(_source(c) for c in release["cells"])
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"{lesson}: {marker} in the student's notebook"
    hidden = re.compile(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", re.S)
    secret = [line.strip() for c in source["cells"] for block in hidden.findall(_source(c))
              for line in block.splitlines() if line.strip()]
    assert secret, lesson
    lines = {line.strip() for line in text.splitlines()}
    leaked = [line for line in secret if line in lines]
    assert not leaked, f"{lesson}: solution or hidden-test lines in the student's notebook: {leaked}"
    stubs = [_source(c) for c in release["cells"] if _nbgrader(c).get("solution")]
    assert stubs and all("raise NotImplementedError()" in s for s in stubs)
    assert not any(c.get("outputs") for c in release["cells"])


@pytest.mark.parametrize("lesson", LESSONS)
def test_reference_solution_gets_full_marks(graded, lesson):
    _, grades = graded
    marks = grades[lesson, "reference"]
    assert marks and all(score == most for score, most in marks.values()), marks


@pytest.mark.parametrize("lesson", LESSONS)
def test_wrong_answers_lose_their_marks(graded, lesson):
    _, grades = graded
    marks = grades[lesson, "wrong"]
    lost = {grade_id for grade_id, (score, most) in marks.items() if score < most}
    assert lost == {f"{grade_id}_test" for grade_id in WRONG[lesson]}, marks
    assert all(marks[g][0] == 0 for g in lost), marks


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_text_is_in_both_languages(lesson):
    from journeylab.report.teaching import read_texts

    texts = read_texts(COURSE / "source" / lesson / "texts.yaml")
    code = (COURSE / "source" / lesson / f"{lesson}.py").read_text(encoding="utf-8")
    used = set(re.findall(r"""\b(?:say|texts)\(\s*["'](\w+)["']""", code))
    assert used and used <= set(texts), f"{lesson}: texts used but not in texts.yaml: {used - set(texts)}"
    unused = {key for key in texts if f'"{key}"' not in code}  # also keys chosen in code: say("a" if x else "b")
    assert not unused, f"{lesson}: texts never shown: {unused}"


def test_syllabus_lists_every_lesson():
    syllabus = (COURSE / "syllabus.md").read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert f"source/{lesson}/{lesson}.ipynb" in syllabus, lesson


def test_course_book(graded, tmp_path):
    """The course book (journeylab.report.course_book) built from the notebooks autograding executed:
    ``reference`` in English, ``wrong`` in Dutch. Its Dutch pages come from the wrong answers, so they also
    show that the book never shows an answer: every exercise is in its student form."""
    import html

    pytest.importorskip("material")  # mkdocs-material: the docs extra
    from journeylab.report.course_book import build_book, syllabus_lessons
    from journeylab.report.teaching import read_texts

    course, _ = graded
    lessons = [row.lesson for row in syllabus_lessons(COURSE / "syllabus.md")]
    assert sorted(lessons) == LESSONS
    executed = {(lesson, lang): course / "autograded" / student / lesson / f"{lesson}.ipynb"
                for lesson in lessons for lang, student in (("en", "reference"), ("nl", "wrong"))}
    index = build_book(COURSE, executed, tmp_path / "src", tmp_path / "book")  # mkdocs build --strict
    site, docs = index.parent, tmp_path / "src" / "docs"

    def text(page: Path) -> str:  # what the reader sees of the page's article (not the nav), without tags
        article = re.search(r"<article.*?</article>", page.read_text(encoding="utf-8"), re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", article[0]))

    # a page per lesson and language, in the syllabus's order (the nav, on every page)
    home = index.read_text(encoding="utf-8")
    nav = home[home.index('class="md-nav'):]
    for lang in ("en", "nl"):
        assert all((site / lang / f"{lesson}.html").exists() for lesson in lessons), lang
        where = [nav.index(f'href="{lang}/{lesson}.html"') for lesson in lessons]
        assert where == sorted(where), f"{lang}: lessons not in the syllabus's order"
    # the syllabus: each lesson's row (title, time) and learning goals
    syllabus = text(site / "syllabus.html")
    goals = syllabus[syllabus.index("Learning goals"):]
    goal_lists = (site / "syllabus.html").read_text(encoding="utf-8").split("Learning goals", 1)[1].count("<ul>")
    assert goal_lists >= len(lessons), "the learning goals are not shown as lists"
    for row in syllabus_lessons(COURSE / "syllabus.md"):
        assert row.title in syllabus and row.time in syllabus, row
        assert f"{row.number} · " in goals, f"no learning goals for lesson {row.number}"

    hidden = re.compile(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", re.S)
    figures = 0
    for lesson in lessons:
        source = json.loads((COURSE / "source" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
        secret = {line.strip() for c in source["cells"] for block in hidden.findall(_source(c))
                  for line in block.splitlines() if line.strip()}
        secret |= {line.strip() for code in WRONG[lesson].values() for line in code.splitlines() if line.strip()}
        nl_words = {w for v in read_texts(COURSE / "source" / lesson / "texts.yaml").values()
                    for w in re.findall(r"[a-zë]{6,}", v["nl"])}
        en_words = {w for v in read_texts(COURSE / "source" / lesson / "texts.yaml").values()
                    for w in re.findall(r"[a-zë]{6,}", v["en"])}
        cells = {w for c in source["cells"] for w in re.findall(r"[a-zë]{6,}", _source(c))}  # bilingual title, code
        dutch = nl_words - en_words
        for lang in ("en", "nl"):
            page, markdown = text(site / lang / f"{lesson}.html"), (docs / lang / f"{lesson}.md").read_text(encoding="utf-8")
            for shown in (page, markdown):
                lines = {line.strip() for line in shown.splitlines()}
                assert not secret & lines, f"{lang}/{lesson}: solution, hidden-test or wrong lines: {secret & lines}"
                for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "Traceback"):
                    assert marker not in shown, f"{lang}/{lesson}: {marker}"
            stubs = sum(1 for c in source["cells"] if _nbgrader(c).get("solution"))
            assert page.count("raise NotImplementedError()") == stubs, f"{lang}/{lesson}: not every exercise as a stub"
            # the figures as computed: every image output is a file the page shows
            notebook = json.loads(executed[lesson, lang].read_text(encoding="utf-8"))
            images = sum(1 for c in notebook["cells"] if not _nbgrader(c) for o in c.get("outputs", [])
                         if {"image/png", "image/svg+xml", "image/jpeg"} & set(o.get("data", {})))
            shown_images = re.findall(r'<img[^>]* src="([^"]+)"', (site / lang / f"{lesson}.html").read_text(encoding="utf-8"))
            assert len(shown_images) == images, f"{lang}/{lesson}: {images} figures computed, {shown_images} shown"
            assert all((site / lang / src).stat().st_size > 1000 for src in shown_images), shown_images
            figures += images
            # Dutch pages carry the lesson's Dutch words; English pages only those of the cells (the title, code)
            found = {w for w in dutch if re.search(rf"\b{w}\b", page)}
            if lang == "nl":
                assert len(found) >= min(10, len(dutch)), f"{lesson}: too few Dutch words on the Dutch page: {found}"
            else:
                assert found <= cells, f"{lesson}: Dutch words on the English page: {found - cells}"
    assert figures > 0
