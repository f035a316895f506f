"""Pydantic shapes of what the Fillout API returns, read leniently.

Fillout adds question types and fields over time, and forms are edited by people,
so parsing never fails on content: unknown question types are kept raw (the mapping
ignores them), missing optional fields are fine, and values of the wrong type are
recorded in `problems` instead of raising. Only a page whose envelope is wrong is a
protocol error (see client.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

_DATETIME = TypeAdapter(datetime)

# Question types documented by Fillout; others are kept raw and reported by the mapping
# only when a mapped field points at them.
KNOWN_QUESTION_TYPES = frozenset(
    {
        "Address",
        "AudioRecording",
        "Calcom",
        "Calendly",
        "Captcha",
        "Checkbox",
        "Checkboxes",
        "ColorPicker",
        "CurrencyInput",
        "DatePicker",
        "DateRange",
        "DateTimePicker",
        "Dropdown",
        "EmailInput",
        "FileUpload",
        "ImagePicker",
        "LocationCoordinates",
        "LongAnswer",
        "Matrix",
        "MultiSelect",
        "MultipleChoice",
        "NumberInput",
        "OpinionScale",
        "Password",
        "Payment",
        "PhoneNumber",
        "RankingOption",
        "RecordPicker",
        "ShortAnswer",
        "Signature",
        "Slider",
        "StarRating",
        "Subform",
        "Table",
        "TimePicker",
        "URLInput",
    }
)


class _Lenient(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=False)


class FilloutQuestion(_Lenient):
    """One answered question; `value` is whatever JSON Fillout sent."""

    id: str = ""
    name: str = ""
    type: str = ""
    value: Any = None


class FilloutCalculation(_Lenient):
    id: str = ""
    name: str = ""
    type: str = ""
    value: Any = None


class FilloutUrlParameter(_Lenient):
    id: str = ""
    name: str = ""
    value: Any = None


class FilloutSubmission(_Lenient):
    """One form submission as received, plus the problems met while reading it."""

    submission_id: str = Field("", alias="submissionId")
    submission_time: datetime | None = Field(None, alias="submissionTime")
    last_updated_at: datetime | None = Field(None, alias="lastUpdatedAt")
    questions: list[FilloutQuestion] = Field(default_factory=list)
    calculations: list[FilloutCalculation] = Field(default_factory=list)
    url_parameters: list[FilloutUrlParameter] = Field(default_factory=list, alias="urlParameters")
    scheduling: list[dict[str, Any]] = Field(default_factory=list)
    payments: list[dict[str, Any]] = Field(default_factory=list)
    quiz: dict[str, Any] | None = None
    login: dict[str, Any] | None = None
    edit_link: str | None = Field(None, alias="editLink")
    raw: dict[str, Any] = Field(default_factory=dict, exclude=True)  # the JSON as received
    problems: list[str] = Field(default_factory=list)

    @classmethod
    def from_api(cls, raw: Any) -> FilloutSubmission:
        """Read one element of `responses`; never raises, records problems instead."""
        problems: list[str] = []
        if not isinstance(raw, dict):
            return cls(problems=[f"submission is a {type(raw).__name__}, not an object"])
        sub_id = raw.get("submissionId")
        if isinstance(sub_id, int | float) and not isinstance(sub_id, bool):
            sub_id = str(sub_id)
        if not isinstance(sub_id, str) or not sub_id:
            problems.append("submissionId missing or not a string")
            sub_id = ""
        return cls(
            submission_id=sub_id,
            submission_time=_read_datetime(raw, "submissionTime", problems),
            last_updated_at=_read_datetime(raw, "lastUpdatedAt", problems),
            questions=_read_items(raw, "questions", FilloutQuestion, problems),
            calculations=_read_items(raw, "calculations", FilloutCalculation, problems),
            url_parameters=_read_items(raw, "urlParameters", FilloutUrlParameter, problems),
            scheduling=_read_dicts(raw, "scheduling", problems),
            payments=_read_dicts(raw, "payments", problems),
            quiz=_read_dict(raw, "quiz", problems),
            login=_read_dict(raw, "login", problems),
            edit_link=raw.get("editLink") if isinstance(raw.get("editLink"), str) else None,
            raw=raw,
            problems=problems,
        )

    def question(self, key: str) -> FilloutQuestion | None:
        """The question whose id equals `key` or whose name equals it, case-insensitively."""
        folded = key.strip().casefold()
        for q in self.questions:
            if q.id == key or q.name.strip().casefold() == folded:
                return q
        return None


class FilloutFormQuestion(_Lenient):
    id: str = ""
    name: str = ""
    type: str = ""


class FilloutForm(_Lenient):
    """Form metadata from GET /forms/{formId}."""

    id: str = ""
    name: str = ""
    questions: list[FilloutFormQuestion] = Field(default_factory=list)
    calculations: list[dict[str, Any]] = Field(default_factory=list)
    url_parameters: list[dict[str, Any]] = Field(default_factory=list, alias="urlParameters")


class FilloutFormSummary(_Lenient):
    """One element of GET /forms."""

    form_id: str = Field("", alias="formId")
    name: str = ""
    id: int | str | None = None


def _read_datetime(raw: dict[str, Any], key: str, problems: list[str]) -> datetime | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return _DATETIME.validate_python(value)
    except ValidationError:
        problems.append(f"{key}: not a date-time")
        return None


def _read_list(raw: dict[str, Any], key: str, problems: list[str]) -> list[Any]:
    """The list under `key`; anything else is a recorded problem and an empty list."""
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{key}: expected a list, got {type(value).__name__}")
        return []
    return value


def _read_items(raw: dict[str, Any], key: str, model: type[_Lenient], problems: list[str]) -> list[Any]:
    items = []
    for i, item in enumerate(_read_list(raw, key, problems)):
        if not isinstance(item, dict):
            problems.append(f"{key}[{i}]: expected an object, got {type(item).__name__}")
            continue
        cleaned = dict(item)
        for text_key in ("id", "name", "type"):
            text = cleaned.get(text_key)
            if text is not None and not isinstance(text, str):
                if isinstance(text, int | float) and not isinstance(text, bool):
                    cleaned[text_key] = str(text)
                else:
                    problems.append(f"{key}[{i}].{text_key}: not a string")
                    cleaned.pop(text_key)
        try:
            items.append(model.model_validate(cleaned))
        except ValidationError as exc:  # pragma: no cover - every field has a lenient type
            problems.append(f"{key}[{i}]: {exc.error_count()} invalid fields")
    return items


def _read_dicts(raw: dict[str, Any], key: str, problems: list[str]) -> list[dict[str, Any]]:
    return [item for item in _read_list(raw, key, problems) if isinstance(item, dict)]


def _read_dict(raw: dict[str, Any], key: str, problems: list[str]) -> dict[str, Any] | None:
    value = raw.get(key)
    if value is None or isinstance(value, dict):
        return value
    problems.append(f"{key}: expected an object, got {type(value).__name__}")
    return None
