from django import forms

from arena.models import Vote


class VoteForm(forms.Form):
    battle_id = forms.UUIDField()
    choice = forms.ChoiceField(choices=Vote.Choice.choices)


class VoteTagForm(forms.Form):
    battle_id = forms.UUIDField()
    tag = forms.SlugField(max_length=40)
