"""GOV.UK Design System classes for plain Django forms rendered with includes/_field.html, and service errors
put on a form."""

from django import forms
from django.core.exceptions import ValidationError

WIDGET_CLASSES = [
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input"),
    (forms.RadioSelect, "govuk-radios__input"),
    (forms.Select, "govuk-select"),
    (forms.Textarea, "govuk-textarea"),
    (forms.FileInput, "govuk-file-upload"),
    (forms.CheckboxInput, "govuk-checkboxes__input"),
    (forms.widgets.Input, "govuk-input"),
]


class GovukFormMixin:
    """Adds govuk-* classes, error classes and aria-describedby (hint and error) to every widget.

    The ids are the ones includes/_field.html gives the hint and the error: `<auto_id>-hint`, `<auto_id>-error`
    (e.g. `id_period-hint`), on a form first shown as well as on one sent back with errors.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            for widget_type, css in WIDGET_CLASSES:
                if isinstance(widget, widget_type):
                    classes = widget.attrs.get("class", "").split()
                    if css not in classes:
                        widget.attrs["class"] = " ".join([css, *classes])
                    break
            self._describe(name)

    def _describe(self, name: str) -> None:
        field = self.fields[name]
        # BoundField.auto_id's rule, without making (and caching) the bound field before subclasses are done.
        html_name = self.add_prefix(name)
        auto_id = str(self.auto_id or "")
        auto_id = auto_id % html_name if "%s" in auto_id else (html_name if auto_id else "")
        described = []
        if field.help_text and auto_id:
            described.append(f"{auto_id}-hint")
        if self._errors and name in self._errors and auto_id:
            described.append(f"{auto_id}-error")
        if described:
            field.widget.attrs["aria-describedby"] = " ".join(described)
        else:
            field.widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            self._describe(name)
            if name in self.errors:
                css = field.widget.attrs.get("class", "")
                for base in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                    if base in css.split() and f"{base}--error" not in css:
                        field.widget.attrs["class"] = f"{css} {base}--error"


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where it names one, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
