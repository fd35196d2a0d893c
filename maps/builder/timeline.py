"""Each actor's positions over time: the sources they voiced, by their documents' publication days.

A point is one source an actor voiced: the day its document was published, the side of the
argument it belongs to, the document and the argument. Points come in time order (day, then
document, then offsets); sources whose document has no known day are kept apart, in reading
order, since they cannot be placed in time. Sources with no speaker belong to no actor and are
left out. The same map gives the same timeline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from maps.builder.hashing import id_key
from maps.builder.model import ArgumentMap, SourceSpan


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One source an actor voiced, with the side of the argument it is part of."""

    published: str | None
    side: str
    argument: str
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class ActorTimeline:
    """An actor's overall position and the sources they voiced, dated and not."""

    actor_id: str
    name: str
    position: str
    points: tuple[TimelinePoint, ...]
    undated: tuple[TimelinePoint, ...]


def actor_timelines(argument_map: ArgumentMap) -> tuple[ActorTimeline, ...]:
    """Return every actor's points in time order and undated points apart, actors by id."""
    points: dict[str, list[TimelinePoint]] = defaultdict(list)
    for node in argument_map.arguments:
        for source in node.sources:
            if source.actor_id is not None:
                points[source.actor_id].append(
                    TimelinePoint(
                        published=source.published,
                        side=node.side,
                        argument=node.id,
                        source=source,
                    )
                )

    def reading(point: TimelinePoint) -> tuple:
        s = point.source
        return (id_key(s.document_id), s.start, s.end, id_key(s.span_id))

    timelines = []
    for actor in sorted(argument_map.actors, key=lambda a: id_key(a.actor_id)):
        voiced = points.get(actor.actor_id, [])
        timelines.append(
            ActorTimeline(
                actor_id=actor.actor_id,
                name=actor.name,
                position=actor.position,
                points=tuple(
                    sorted(
                        (p for p in voiced if p.published is not None),
                        key=lambda p: (p.published, *reading(p)),
                    )
                ),
                undated=tuple(sorted((p for p in voiced if p.published is None), key=reading)),
            )
        )
    return tuple(timelines)
