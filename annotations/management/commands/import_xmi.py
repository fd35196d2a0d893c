from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.formats.xmi import xmi_files_from_zip
from annotations.imports.services import import_layer_user, xmi_import
from annotations.management.commands._import_report import acting_user, run_and_report
from core.uploads.limits import UploadRefused, import_limits
from core.uploads.zips import ZipUpload
from debate.models import Debate


class Command(BaseCommand):
    help = (
        "Import UIMA CAS XMI documents (a zip of .xmi files, each with the TypeSystem.xml of "
        "its folder or one above, as INCEpTION exports them) into one layer of a debate. "
        "Spans are webanno.custom.DebateSpan annotations, relations DebateRelation ones. A "
        "document with any problem is rejected whole, named with the annotation and reason."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("debate", help="slug of the debate")
        parser.add_argument("path", type=Path, help="a zip of XMI files")
        parser.add_argument(
            "--layer", default="gold", help="gold (default) or an annotator's username"
        )
        parser.add_argument(
            "--by", help="username the import acts as (default: the debate's first manager)"
        )

    def handle(self, *args, debate: str, path: Path, **options) -> None:
        target = Debate.objects.filter(slug=debate).first()
        if target is None:
            raise CommandError(f"No debate with slug {debate!r}.")
        try:
            annotator = import_layer_user(debate=target, layer=options["layer"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        by = acting_user(debate=target, annotator=annotator, username=options["by"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open("rb") as handle:
                documents, ignored = xmi_files_from_zip(ZipUpload(handle, limits=import_limits()))
        except UploadRefused as exc:
            raise CommandError(f"{path}: {exc}") from None
        if not documents:
            raise CommandError(f"{path}: no .xmi files found")
        if options["verbosity"] > 1:
            for name in ignored:
                self.stdout.write(f"passed over: {name}")
        run_and_report(
            self,
            lambda: xmi_import(
                debate=target,
                documents=documents,
                annotator=annotator,
                by=by,
                origin=f"XMI {path.name}",
            ),
        )
