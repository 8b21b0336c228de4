from django import template

register = template.Library()


@register.simple_tag
def correction_form_or_new(form=None):
    """The bound form when re-showing errors, else an empty one (the point page has none)."""
    from caremap.backoffice.forms import CorrectionForm

    return form if form is not None and form != "" else CorrectionForm()
