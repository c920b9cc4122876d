"""templates/django/forms/widgets/select.html writes the options inline (no template include per
option, which cost a third of the ticket page's CPU time): the markup must be Django's own."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, TemplatesSetting


class _Form(forms.Form):
    single = forms.ChoiceField(
        choices=[("", "---"), ("x", "X <b>"), ("g", [("1", "一"), ("2", "two")])], initial="2"
    )
    multiple = forms.MultipleChoiceField(
        choices=[("1", "one"), ("2", "two"), ("3", "three")], initial=["1", "3"], required=False
    )
    typed = forms.TypedChoiceField(
        choices=[(1, "one")],
        coerce=int,
        widget=forms.Select(attrs={"class": "x", "disabled": True}),
    )


def _squeeze(html: str) -> str:
    return re.sub(r"\s*\n\s*", "\n", html).strip()


def test_the_project_renders_widgets_through_its_templates():
    assert settings.FORM_RENDERER == "django.forms.renderers.TemplatesSetting"


def test_inline_options_give_djangos_markup():
    for name in ("single", "multiple", "typed"):
        ours = _Form(renderer=TemplatesSetting())[name].as_widget()
        djangos = _Form(renderer=DjangoTemplates())[name].as_widget()
        assert _squeeze(ours) == _squeeze(djangos)
    html = _Form(renderer=TemplatesSetting())["single"].as_widget()
    assert '<option value="2" selected>two</option>' in html
    assert "X &lt;b&gt;" in html and '<optgroup label="g">' in html
