from django import forms

from arena.models import Vote


class VoteForm(forms.Form):
    battle_id = forms.UUIDField()
    choice = forms.ChoiceField(choices=Vote.Choice.choices)
