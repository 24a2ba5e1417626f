from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ax_catalog import mapping as mappings
from ax_catalog.readers import ReadError
from ax_catalog.transfer import import_file
from core import roles
from core.errors import Forbidden


class Command(BaseCommand):
    help = (
        "Import use cases from a CSV (UTF-8 or CP949/EUC-KR) or XLSX file through a mapping: the portal's "
        "own template (`--mapping portal`, the default; see ax_catalog/data/usecases_template.csv), a "
        "shipped register mapping (`us-federal-2025`) or a mapping file's path. Every row is validated "
        "first: if any is wrong nothing is imported and every error is printed, by row and column. "
        "Records already in the catalogue are updated (matched by agency and the agency's own id). "
        "Imported records arrive as drafts unless an administrator publishes them with --publish --as NAME."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--mapping", default="portal", help="a shipped mapping's name or a mapping file")
        parser.add_argument("--encoding", default="auto", help="auto (default), utf-8 or cp949 (EUC-KR)")
        parser.add_argument(
            "--publish", action="store_true", help="publish the records (administrators only)"
        )
        parser.add_argument("--as", dest="actor", help="the portal user the import is recorded as")

    def handle(self, *args, **options):
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(_("사용자가 없습니다: %(u)s") % {"u": options["actor"]})
        if options["publish"] and not (actor and roles.has_role(actor, roles.ADMINISTRATOR)):
            raise CommandError(_("--publish는 관리자만 쓸 수 있습니다: --as 에 관리자 계정을 적어 주세요."))
        try:
            mapping = mappings.load(options["mapping"])
            report = import_file(
                options["file"],
                mapping,
                publish=options["publish"],
                actor=actor,
                encoding=options["encoding"],
            )
        except (mappings.MappingError, ReadError, Forbidden) as error:
            raise CommandError(f"{options['file']}: {error}") from None
        if report.encoding:
            self.stdout.write(_("파일 인코딩: %(e)s") % {"e": report.encoding})
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(rows)s행에서 오류 %(n)s건: 아무것도 가져오지 않았습니다.")
                % {"rows": report.rows, "n": len(report.errors)}
            )
        self.stdout.write(
            _(
                "%(rows)s행을 '%(mapping)s' 매핑으로 가져왔습니다: 새 사례 %(created)s, 갱신 %(updated)s, 변경 없음 "
                "%(unchanged)s, 공개 %(published)s, 다시 검토로 %(review)s, 새 기관 %(agencies)s."
            )
            % {
                "rows": report.rows,
                "mapping": mapping.name,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "published": report.published,
                "review": report.to_review,
                "agencies": report.agencies_created,
            }
        )
