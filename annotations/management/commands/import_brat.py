import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.exports.selectors import export_actors
from annotations.formats.brat import (
    MappingInvalid,
    brat_files_from_folder,
    brat_files_from_zip,
    brat_mapping_default,
    brat_mapping_parse,
)
from annotations.imports.services import brat_import, import_default_by, import_layer_user
from annotations.management.commands._import_report import run_and_report
from annotations.permissions import import_refusal
from core.uploads.limits import UploadRefused, import_limits
from core.uploads.zips import ZipUpload
from debate.models import Debate
from debate.selectors import debate_access


class Command(BaseCommand):
    help = (
        "Import brat standoff documents (<name>.txt beside <name>.ann, in a folder or a zip) "
        "with their spans into one layer of a debate. Labels go through --mapping (a JSON "
        "file; without it Debatemap's own brat export reads back as written). A document "
        "with any problem is rejected whole, named with file, line and reason."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("debate", help="slug of the debate")
        parser.add_argument("path", type=Path, help="a folder of brat files, or a zip of them")
        parser.add_argument(
            "--layer", default="gold", help="gold (default) or an annotator's username"
        )
        parser.add_argument("--mapping", type=Path, help="JSON label mapping")
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
        by = self._by(target, annotator, options["by"])
        actors = export_actors(debate=target)
        mapping = brat_mapping_default(scheme=target.scheme, actors=actors)
        if options["mapping"] is not None:
            try:
                data = json.loads(options["mapping"].read_text(encoding="utf-8"))
                mapping = brat_mapping_parse(data, scheme=target.scheme, actors=actors)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, MappingInvalid) as exc:
                raise CommandError(f"{options['mapping']}: {exc}") from None
        if path.is_dir():
            documents, ignored = brat_files_from_folder(path)
        elif path.is_file():
            try:
                with path.open("rb") as handle:
                    archive = ZipUpload(handle, limits=import_limits())
                    documents, ignored = brat_files_from_zip(archive)
            except UploadRefused as exc:
                raise CommandError(f"{path}: {exc}") from None
        else:
            raise CommandError(f"{path}: no such folder or file")
        if not documents:
            raise CommandError(f"{path}: no brat documents (.txt with .ann) found")
        if options["verbosity"] > 1:
            for name in ignored:
                self.stdout.write(f"passed over: {name}")
        run_and_report(
            self,
            lambda: brat_import(
                debate=target,
                documents=documents,
                annotator=annotator,
                by=by,
                mapping=mapping,
                origin=f"brat {path.name}",
            ),
        )

    def _by(self, debate: Debate, annotator, username: str | None):
        if username is None:
            by = import_default_by(debate=debate, annotator=annotator)
            if by is None:
                raise CommandError("Name the user the import acts as with --by.")
        else:
            by = get_user_model().objects.filter(username=username).first()
            if by is None:
                raise CommandError(f"No user {username!r}.")
        refusal = import_refusal(
            access=debate_access(user=by, debate=debate),
            annotator_id=None if annotator is None else annotator.pk,
        )
        if refusal:
            raise CommandError(f"{by.get_username()}: {refusal}")
        return by
