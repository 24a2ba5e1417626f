from django.db import migrations


def create(apps, schema_editor):
    from evaluation import stage1

    Round = apps.get_model("evaluation", "Round")
    if Round.objects.filter(slug=stage1.ROUND["slug"]).exists():
        return
    round_obj = Round.objects.create(
        **stage1.ROUND, note="2026-01-15 발표 기준 배점. 참가팀과 근거는 관리자가 입력합니다."
    )
    stage1.build(round_obj, apps.get_model("evaluation", "Block"), apps.get_model("evaluation", "SubItem"))


def drop(apps, schema_editor):
    apps.get_model("evaluation", "Round").objects.filter(slug="stage-1").delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_rounds_and_evidence")]

    operations = [migrations.RunPython(create, drop)]
