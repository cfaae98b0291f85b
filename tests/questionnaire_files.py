"""Helpers that write questionnaire files for tests."""

from pathlib import Path

from assessment.loader import load_file
from assessment.schema import Questionnaire

FIXTURES = Path(__file__).parent / "fixtures" / "questionnaires"
TINY = FIXTURES / "tiny" / "1.0.yaml"


def tiny_text() -> str:
    return TINY.read_text()


def write(root: Path, text: str, slug: str = "tiny", version: str = "1.0") -> Path:
    """Write ``text`` as questionnaires/<slug>/<version>.yaml under ``root``."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{version}.yaml"
    path.write_text(text)
    return path


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which ``needle`` first appears."""
    return text[: text.index(needle)].count("\n") + 1


def load(path: Path) -> Questionnaire:
    loaded = load_file(path)
    assert loaded.questionnaire is not None, [str(e) for e in loaded.errors]
    return loaded.questionnaire
