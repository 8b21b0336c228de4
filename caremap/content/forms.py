from django import forms
from django.utils.translation import gettext_lazy as _

from caremap.directory.models import TaxonomyTerm
from caremap.regions.models import Division, Level

from .models import Policy


class PolicySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=[("", _("All levels")), *Policy.Level.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("In force or not")), *Policy.Status.choices])
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    category = forms.ChoiceField(label=_("Children covered"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        themes = Policy.objects.exclude(theme="").order_by("theme").values_list("theme", flat=True)
        self.fields["theme"].choices = [("", _("All themes")),
                                        *[(t, t) for t in dict.fromkeys(themes)]]
        groups = TaxonomyTerm.objects.filter(taxonomy__code="target-group")
        self.fields["category"].choices = [("", _("All children")),
                                           *[(t.code, t.name) for t in groups]]


class NavigatorForm(forms.Form):
    age = forms.IntegerField(label=_("Child's age in years"), min_value=0, max_value=25)
    local_hukou = forms.TypedChoiceField(
        label=_("Is the child's household registration (户籍) in this city?"),
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    orphan = forms.BooleanField(label=_("Both parents have died or are missing (orphan)"), required=False)
    de_facto_unsupported = forms.BooleanField(
        label=_("Parents cannot care for the child (severe disability, serious illness, prison, "
                "lost contact) and no one else does"), required=False)
    disability = forms.BooleanField(label=_("The child has a disability"), required=False)
    serious_illness = forms.BooleanField(label=_("The child has a serious illness"), required=False)
    migrant = forms.BooleanField(label=_("The child moved here with the family from elsewhere"),
                                 required=False)
    left_behind = forms.BooleanField(label=_("The parents work away and the child stays behind"),
                                     required=False)
    family_difficulty = forms.BooleanField(label=_("The family is in financial difficulty"),
                                           required=False)
    street = forms.ChoiceField(label=_("Where do you live? (to find the nearest service points)"),
                               required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        streets = (Division.objects.public().filter(level=Level.STREET)
                   .select_related("public_district").order_by("public_district__code", "code"))
        grouped: dict[str, list] = {}
        for street in streets:
            grouped.setdefault(street.public_district.name, []).append((street.code, street.name))
        self.fields["street"].choices = [("", _("Not given")), *grouped.items()]
