"""GOV.UK Design System classes for plain Django forms rendered with includes/_field.html."""

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
    """Adds govuk-* classes, error classes and aria-describedby (hint and error) to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _name, field in self.fields.items():
            widget = field.widget
            for widget_type, css in WIDGET_CLASSES:
                if isinstance(widget, widget_type):
                    widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
                    break

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.id_for_label}-hint")
            if name in self.errors:
                described.append(f"{bound.id_for_label}-error")
                css = field.widget.attrs.get("class", "")
                for base in ("govuk-input", "govuk-select", "govuk-textarea", "govuk-file-upload"):
                    if base in css.split() and f"{base}--error" not in css:
                        field.widget.attrs["class"] = f"{css} {base}--error"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where it names one, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
