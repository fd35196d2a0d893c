"""Inter-annotator agreement: Krippendorff's alpha, span and relation F1, stance confusion.

Pure: plain dataclasses in, plain dataclasses out, no Django. Each module does one job:

- ``data``: what the figures are computed from (``AnnotatedDocument``, ``AnnotatedRelation``)
  and the ``F1Counts`` they are counted in;
- ``alpha``: Krippendorff's nominal alpha, of labels over aligned units and of boundaries;
- ``relations``: relations read as links between aligned units, their F1 and alpha values;
- ``report``: ``document_agreement`` and ``debate_agreement``, every figure of one document
  or of many pooled, overall and per annotator pair.

Choices made once and kept everywhere in this package (docs/AGREEMENT.md has them with
worked examples):

- **Not marking is a value, not a missing value.** Units come from ``align_spans``. In a unit
  that some annotators did not mark, each of them contributes the category "not marked" to the
  stance, role and actor alphas. Leaving a stretch of text untagged is a judgement the scheme
  asks for ("this is not an argument"), not a coder failing to code a unit, which is what
  Krippendorff reserves missing values for. Treated as missing, a unit only one annotator
  marked would have a single value and drop out of alpha altogether, and an annotator who
  tagged only the easy half of the arguments would lose nothing. So alpha here answers "do the
  annotators agree on whether this stretch is an argument and, if so, on its stance/role/actor".
  An annotator who marked a span but named no speaker contributes the actor value ``None``,
  a category of its own, distinct from "not marked".
- **Not linking is a value too.** Relation alpha is over the ordered pairs of units (source,
  target) that at least one annotator linked; every annotator gives each such pair the type
  of their relation between their spans in those units, or "not linked" (``NOT_LINKED``),
  also when they did not mark one of the two units at all. Pairs nobody linked are left out:
  counted, they would be almost every pair of units in a document, and "not linked"
  agreements there would drown every disagreement.
- **Relations agree through the alignment.** A relation matches another annotator's when it
  goes from the same unit to the same unit with the same type (``relations``), or in any
  type (``relations_untyped``, counting linked unit pairs). See ``relations``.
- **Boundaries use the character-level alpha, not the unitizing u-alpha.** See
  ``boundary_alpha``.
- **F1 is pairwise, micro-averaged.** See ``F1Counts`` and ``PairAgreement``.
- **Undefined is None.** Alpha is 0/0 when the pairable values show no variation (all in one
  category, or fewer than two values in every unit); F1 is 0/0 when neither annotator marked
  anything. Both are returned as ``None``, never guessed as 0 or 1.

Alpha pools units across documents: it depends only on the values within each unit, not on
who gave them, so documents coded by different annotators can share one reliability table.
"""

from annotations.review.agreement.alpha import (
    ALPHA_ATTRIBUTES,
    NOT_LINKED,
    NOT_MARKED,
    RELATION,
    AlphaFigure,
    attribute_alpha,
    boundary_alpha,
    krippendorff_alpha_nominal,
)
from annotations.review.agreement.data import AnnotatedDocument, AnnotatedRelation, F1Counts
from annotations.review.agreement.relations import link_f1, link_values, unit_links
from annotations.review.agreement.report import (
    LABEL_ATTRIBUTES,
    PAIR_ALPHA_DIMENSIONS,
    AgreementReport,
    ConfusionMatrix,
    LabelF1,
    PairAgreement,
    debate_agreement,
    document_agreement,
)

__all__ = [
    "ALPHA_ATTRIBUTES",
    "LABEL_ATTRIBUTES",
    "NOT_LINKED",
    "NOT_MARKED",
    "PAIR_ALPHA_DIMENSIONS",
    "RELATION",
    "AgreementReport",
    "AlphaFigure",
    "AnnotatedDocument",
    "AnnotatedRelation",
    "ConfusionMatrix",
    "F1Counts",
    "LabelF1",
    "PairAgreement",
    "attribute_alpha",
    "boundary_alpha",
    "debate_agreement",
    "document_agreement",
    "krippendorff_alpha_nominal",
    "link_f1",
    "link_values",
    "unit_links",
]
