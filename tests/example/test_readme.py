"""The README shows the example test exactly as it runs here."""

from pathlib import Path


def test_the_readme_shows_this_example_verbatim():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = (Path(__file__).with_name("test_onboarding.py")).read_text()
    assert example in readme, "README.md's 'Using phone-service in your test suite' differs from test_onboarding.py"
