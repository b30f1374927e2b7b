# nbgrader's configuration of the journeylab course: this folder is the course directory (README.md).
# nbgrader reads it from the folder where its commands run.
c = get_config()  # noqa: F821 (nbgrader defines get_config when it reads this file)

c.CourseDirectory.course_id = "journeylab"
# source/<lesson>/<lesson>.ipynb is the teacher's notebook (solutions and hidden tests); its jupytext-paired
# <lesson>.py holds the same solutions, so it never goes to the students; texts.yaml does (the lesson's words)
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE / JOUW CODE HIER\nraise NotImplementedError()"}
# a lesson runs in well under a minute; a kernel that hangs fails the notebook instead of the grading run
c.Execute.timeout = 300
