from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.formats.jsonl import jsonl_drafts
from annotations.imports.services import (
    AS_EXPORTED,
    import_default_by,
    import_layer_user,
    spans_import,
)
from annotations.management.commands._import_report import run_and_report
from annotations.permissions import import_refusal
from debate.models import Debate
from debate.selectors import debate_access


class Command(BaseCommand):
    help = (
        "Import a JSON Lines span export into a debate: documents are matched by the SHA-256 "
        "of their text (created when new), actors by name (created when missing), and each "
        "document's spans and relations go into --layer, all or nothing per document."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("debate", help="slug of the debate")
        parser.add_argument("file", type=Path, help="a .jsonl file written by the export")
        parser.add_argument(
            "--layer",
            default="gold",
            help=f"gold (default), an annotator's username, or {AS_EXPORTED} (each span into "
            "the layer it was exported from)",
        )
        parser.add_argument("--source-layer", help="read only this layer of the file")
        parser.add_argument(
            "--by", help="username the import acts as (default: the debate's first manager)"
        )

    def handle(self, *args, debate: str, file: Path, **options) -> None:
        target = Debate.objects.filter(slug=debate).first()
        if target is None:
            raise CommandError(f"No debate with slug {debate!r}.")
        layer = options["layer"]
        annotator = None
        if layer != AS_EXPORTED:
            try:
                annotator = import_layer_user(debate=target, layer=layer)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        if options["by"] is None:
            by = import_default_by(debate=target, annotator=annotator)
            if by is None:
                raise CommandError("Name the user the import acts as with --by.")
        else:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user {options['by']!r}.")
        refusal = import_refusal(
            access=debate_access(user=by, debate=target),
            annotator_id=None if annotator is None else annotator.pk,
        )
        if refusal:
            raise CommandError(f"{by.get_username()}: {refusal}")
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        with handle:
            try:
                run_and_report(
                    self,
                    lambda: spans_import(
                        debate=target,
                        drafts=jsonl_drafts(
                            handle, file=file.name, source_layer=options["source_layer"]
                        ),
                        layer=layer,
                        by=by,
                        origin=f"JSON Lines {file.name}",
                    ),
                )
            except UnicodeDecodeError as exc:
                raise CommandError(f"{file}: not UTF-8 text ({exc.reason})") from None
