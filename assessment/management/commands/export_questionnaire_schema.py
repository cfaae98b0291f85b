import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from assessment.schema import Questionnaire


def schema_json() -> str:
    schema = Questionnaire.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Questionnaire"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write questionnaires/schema.json from the pydantic models."

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(settings.QUESTIONNAIRES_DIR) / "schema.json"
        target.write_text(schema_json())
        self.stdout.write(f"wrote {target.name}")
