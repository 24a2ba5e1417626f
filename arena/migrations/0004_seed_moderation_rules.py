from django.db import migrations

# Seed rules, Korean and English. Staff edit them in the admin; this only fills an empty table.
RULES = [
    ("self_harm", "crisis", "prompt", "ko", r"자살|죽고\s*싶|스스로\s*목숨|목숨을\s*끊|자해|삶을\s*끝내|살고\s*싶지\s*않"),
    ("self_harm", "crisis", "prompt", "en", r"kill\s+myself|suicid|end\s+my\s+life|self[-\s]?harm|want\s+to\s+die"),
    ("self_harm_instructions", "block", "response", "ko", r"(자살|자해)\s*(하는\s*)?방법"),
    ("weapons", "block", "both", "ko", r"(폭탄|폭발물|사제\s*총|화학\s*무기|신경\s*가스|생물\s*무기).{0,12}(만드는|제조|만들|합성)"),
    ("weapons", "block", "both", "en", r"how\s+to\s+(make|build|synthesi[sz]e)\s+(a\s+)?(bomb|explosive|nerve\s+agent|bioweapon)"),
    ("sexual_minors", "block", "both", "ko", r"(아동|미성년|초등학생|중학생|고등학생).{0,12}(성적|음란|야한|성관계|나체)"),
    ("sexual_minors", "block", "both", "en", r"child\s+(porn|sexual)|\bcsam\b|sexual\s+.{0,12}\bminors?\b"),
    ("drugs_trade", "block", "prompt", "ko", r"(마약|필로폰|대마|코카인|헤로인).{0,12}(구매|구입|파는\s*곳|판매처|사는\s*법)"),
    ("drugs_trade", "block", "prompt", "en", r"(buy|purchase)\s+(meth|cocaine|heroin|fentanyl)"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("arena", "ModerationRule")
    if Rule.objects.exists():
        return
    Rule.objects.bulk_create(
        [Rule(category=c, action=a, target=t, language=lang, pattern=p) for c, a, t, lang, p in RULES]
    )


class Migration(migrations.Migration):
    dependencies = [("arena", "0003_moderation_rules_and_counts")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
