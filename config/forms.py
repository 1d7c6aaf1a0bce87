"""Form rendering with GOV.UK Frontend markup for every field type the site uses."""

from django.forms.renderers import TemplatesSetting


class GOVUKFormRenderer(TemplatesSetting):
    """Renders `{{ form }}` and `{{ field.as_field_group }}` with GOV.UK components."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
