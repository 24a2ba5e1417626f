"""Give each team the code its endpoints' key variables already use (TEAM_<code>_KEY), so endpoints
registered before team codes existed keep their keys. Teams whose endpoints disagree, or whose code
another team already took, are left without one (their keys stop being read until staff set it)."""

from django.db import migrations

from arena.validators import KEY_ENV


def codes_from_key_names(apps, schema_editor):
    Team = apps.get_model("arena", "Team")
    ModelEndpoint = apps.get_model("arena", "ModelEndpoint")
    wanted: dict[int, set[str]] = {}
    for team_id, name in ModelEndpoint.objects.exclude(api_key_env="").values_list("team_id", "api_key_env"):
        match = KEY_ENV.fullmatch(name)
        wanted.setdefault(team_id, set()).add(match["code"] if match else "")
    taken = set(Team.objects.exclude(code="").values_list("code", flat=True))
    for team_id, codes in wanted.items():
        (code,) = codes if len(codes) == 1 else ("",)
        if code and code not in taken:
            Team.objects.filter(pk=team_id, code="").update(code=code)
            taken.add(code)


class Migration(migrations.Migration):
    dependencies = [("arena", "0014_team_code_and_internal_endpoints")]

    operations = [migrations.RunPython(codes_from_key_names, migrations.RunPython.noop)]
