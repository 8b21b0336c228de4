"""Back-office and public forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from caremap.directory.models import Location, Visibility

from .models import AuditEvent, Correction
from .workflow import EDITABLE_FIELDS


class LocationEditForm(forms.ModelForm):
    """The editable fields of a service point, plus the version the edit is based on."""

    base_version = forms.IntegerField(widget=forms.HiddenInput)
    staff_only_fields = forms.MultipleChoiceField(
        label=_("Fields shown to staff only"), required=False,
        choices=[(f, f) for f in Location.FIELD_VISIBILITY_FIELDS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Location
        fields = [f for f in EDITABLE_FIELDS if f != "field_visibility"]
        widgets = {"last_verified": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and not self.is_bound:
            self.initial["staff_only_fields"] = [
                f for f, v in (self.instance.field_visibility or {}).items()
                if v != Visibility.PUBLIC
            ]

    def proposed_values(self) -> dict:
        values = {f: self.cleaned_data[f] for f in self._meta.fields}
        values["field_visibility"] = {
            f: Visibility.STAFF for f in self.cleaned_data["staff_only_fields"]
        }
        return values


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea)


class CorrectionForm(forms.ModelForm):
    """The public's report. `website` is a honeypot: people never see it, bots fill it in."""

    website = forms.CharField(required=False, label=_("Leave this empty"))

    class Meta:
        model = Correction
        fields = ["topic", "message", "contact"]
        labels = {"topic": _("What is wrong"), "message": _("What should it say"),
                  "contact": _("Your phone or e-mail (optional, never published)")}
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", "—"), *AuditEvent.Action.choices])
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def apply(self, queryset):
        data = self.cleaned_data
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("user"):
            queryset = queryset.filter(username__icontains=data["user"])
        if data.get("object_id"):
            queryset = queryset.filter(object_id=data["object_id"])
        if data.get("since"):
            queryset = queryset.filter(time__date__gte=data["since"])
        if data.get("until"):
            queryset = queryset.filter(time__date__lte=data["until"])
        return queryset


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        from .uploads import check_upload

        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload
