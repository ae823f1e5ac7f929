"""Sustained-pressure findings: pressure on one spot recommended for longer than a rule's
``longest`` ("hold it there for five minutes", "rest on the knot for a couple of minutes",
"roll one thigh for ten minutes", "Calves: 4 minutes each side") or for one of its
open-ended ``time`` concepts ("stay there until it lets go", "camp out for ages").

Not a finding: a duration within the limit, or a ceiling up to twice it ("no more than two
minutes"; a ceiling far above it still allows too long: "five minutes at most"), a negated,
asked, mistaken or cautioned one, and the length of a whole session rather than of one spot
("a ten-minute routine", "five minutes in total", "twenty minutes a day").
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from healthkb.language.contradiction import noticed, recommending
from healthkb.language.duration import Duration, durations
from healthkb.language.finding import Finding, Hit, finding_at, hits_of
from healthkb.language.rules import ConceptRule
from healthkb.language.scope import Scope
from healthkb.language.text import Token

#: How far above a limit a ceiling may go and still be within it: "up to two minutes" on a
#: spot is a ceiling near a one-minute limit; "a few minutes at most" is not.
_CEILING_SLACK = 2.0
#: Longer than this is no pressure on a spot but rest ("rest for 24 hours").
_LONGEST_HOLD = 4 * 3600

#: Words that name where pressure goes: a spot, or a muscle rolled as one area.
_SPOTS = frozenset(
    """spot spots knot knots point points area areas muscle muscles place trigger tender it back
    there them that one side leg legs calf calves quad quads glute glutes hamstring
    hamstrings thigh thighs hip hips shin shins arch foot feet band shoulder shoulders lat
    lats pec pecs bum buttock buttocks piriformis flexor flexors adductor adductors achilles
    forearm forearms tissue patch yourself""".split()  # noqa: SIM905 (a list of words, read as prose)
)
#: Words after "each", "every" or "per" that make a duration a session's ("every day").
_PER_SESSION = frozenset(
    {"day", "evening", "morning", "night", "week", "session", "time", "workout", "class"}
)
#: Words after a duration that make it a whole session's length, not one spot's.
_SESSION_AFTER = frozenset(
    {
        "session",
        "routine",
        "workout",
        "warm",
        "warm-up",
        "cool",
        "total",
        "day",
        "daily",
        "week",
        "program",
        "programme",
        "before",
        "after",
        "between",
        "break",
        "walk",
        "stretch",
        "stretching",
        "of",
        "ago",
        "later",
    }
)
#: Pairs of words after a duration that make it a session's ("twenty minutes a day").
_SESSION_PAIRS = frozenset(
    {("a", "day"), ("a", "week"), ("per", "day"), ("per", "session"), ("in", "total")}
    | {("a", "session"), ("a", "night"), ("an", "evening"), ("a", "morning")}
)
#: Words just before a duration that make it a total or a moment, not a hold.
_NOT_A_HOLD_BEFORE = frozenset(
    {"total", "session", "routine", "last", "lasts", "after", "within"} | {"in", "every", "between"}
)
#: Words that keep the roller moving from place to place: no spot is held.
_MOVING = frozenset({"moving", "alternate", "alternating"})
#: Words before a moving word that put it after the hold ("hold ... before moving").
_AFTER_HOLD = frozenset({"before", "until", "till", "then"})
#: Words before a moving word that deny it ("without moving the roller", "no moving").
_STILL = frozenset({"without", "no", "not", "n't", "stop", "never", "than"})
#: Words that name what presses on a spot.
_PRESSING_ON = frozenset(
    """roller rollers ball balls peanut foam pressure knot knots spot spots trigger point
    points tender weight it""".split()  # noqa: SIM905 (a list of words, read as prose)
)
#: Words of another activity or of a resting surface: without anything that presses, a
#: hold there is a stretch or a rest ("hold the stretch for two minutes", "lie on the floor
#: for a few minutes").
_ELSEWHERE = frozenset(
    """stretch stretches stretching pose position plank walk walking breathe breathing ice heat
    bath shower floor mat chair bed sofa couch ground sets""".split()  # noqa: SIM905 (a list of words, read as prose)
)
#: Where a roller is kept or left.
_STORED = frozenset({"sun", "car", "cupboard", "boot", "garage", "wardrobe", "shelf", "pack"})
#: Muscles and areas named in a list make a session over several areas ("rolling your
#: calves, quads and glutes takes about five minutes"), not a hold on one.
_AREAS = frozenset(
    """calf calve quad glute hamstring thigh hip shin shoulder lat pec leg arm foot feet
    forearm adductor trap piriformis band""".split()  # noqa: SIM905 (a list of words, read as prose)
)

#: Words that name a whole area rolled, not a spot held.
_WHOLE_AREAS = frozenset({"area", "areas", "muscle", "muscles", "group", "groups"})
#: Nouns after a compound duration that make it a hold ("10-minute sustained holds").
_HOLDS = frozenset({"hold", "holds", "pressure", "compression"})
#: Words that make a clause about a whole session ("the whole routine takes ...").
_SESSION_WORDS = frozenset(
    {"routine", "session", "workout", "warm-up", "total", "class", "overall"}
)
#: Words that put a clause's time on one spot even in a session ("the same knot").
_SINGLE = frozenset({"same", "single", "one"})
#: Words after "of" that make a duration pressure on a spot ("five minutes of steady
#: pressure"): the duration is a hold even with no verb.
_OF_PRESSURE = frozenset({"pressure", "hold", "holding", "steady", "constant", "sustained"})
_OF_PRESSURE |= frozenset({"unbroken", "direct", "firm", "deep"})


def finding(
    rule: ConceptRule, text: str, tokens: Sequence[Token], hits: Sequence[Hit], scope: Scope
) -> Finding | None:
    """The sustained-pressure finding of ``rule`` in a sentence, or None."""
    if not rule.longest and not rule.time:
        return None
    words = [token.lower for token in tokens]
    # asleep on the roller: the night on one spot ("I fall asleep on the foam roller")
    for time in hits_of(hits, rule.keys("time")):
        if _asleep_on(words, time) and recommending(scope, time.start) and not _judged(words):
            return _at(rule, text, tokens, time.start, time.end)
    places = {hit.start for hit in hits if hit.key.startswith(("places.", "injuries."))}
    if not places and _SPOTS.isdisjoint(words):
        return None  # "a few minutes on the roller" times a session, not a spot
    if not _STORED.isdisjoint(words):
        return None  # "leave it in the sun for an hour" is about the roller, not a body
    if _judged(words):
        return None  # "five minutes on one spot is far too long", "... can leave a bruise"
    if any(_moving(words, at) for at in range(len(words))):
        return None  # "moving from muscle to muscle": no spot is held
    limits = dict(rule.longest)
    open_ended = rule.keys("actions") if rule.time else ()
    # "the roller" names no action, nor "do" ("let gravity do the work for two minutes").
    actions = [
        hit
        for hit in hits_of(hits, {*limits, *open_ended})
        if tokens[hit.start].lemma != "roller"
        and not _done(tokens, hit)
        and not _no_hold(tokens, hit)
    ]
    times = durations(words)
    for duration in times:
        if duration.seconds > _LONGEST_HOLD:
            continue
        if _whole_session(words, duration, scope):
            continue
        # A ceiling near the limit is within it ("keep each area under two minutes").
        seconds = duration.seconds / _CEILING_SLACK if duration.ceiling else duration.seconds
        implied = _implied_limit(words, duration, limits)
        if (
            implied is not None
            and seconds > implied
            and _ELSEWHERE.isdisjoint(words)
            and recommending(scope, duration.start)
            and not scope.negated(duration.start)
            and not _denied_after(scope, words, duration.end)
        ):
            return _at(rule, text, tokens, duration.start, duration.end)
        for action in _governing(actions, duration, scope, words):
            if not _presses(tokens, action, words):
                continue
            limit = _limit(limits, action, duration, words)
            if limit is not None and seconds > limit:
                found = _joined(rule, text, words, scope, action, duration.start, duration.end)
                if found is not None:
                    return found
    answered = _answered_how_long(rule, text, tokens, words, hits, actions, times, limits, scope)
    if answered is not None:
        return answered
    # "as long as it takes to count to twenty": a short time just after bounds the open one
    short = [d.start for d in times if d.seconds <= min(limits.values(), default=0)]
    for time in hits_of(hits, rule.keys("time")):
        if _bounded(words, time, short):
            continue
        for action in actions:
            inside = time.start <= action.start < time.end  # "until it settles"
            # "leave the roller until the bruise has faded" waits; it holds nothing
            until = tokens[time.start].lower in {"until", "till", "til"}
            waits = tokens[action.start].lemma == "leave" and until
            # rolling one muscle for an open-ended time is as long as holding it ("roll
            # your quads for a whole album"); rolling for one around the body is a session
            one_muscle = (
                action.key == "actions.roll"
                and words[time.start] in {"whole", "entire", "full", "length", "ages", "hours"}
                and _one_area(words)
            )
            if (action.key in open_ended or one_muscle) and not inside and not waits:
                found = _joined(rule, text, words, scope, action, time.start, time.end)
                if found is not None:
                    return found
    return None


def _joined(
    rule: ConceptRule,
    text: str,
    words: Sequence[str],
    scope: Scope,
    action: Hit,
    start: int,
    end: int,
) -> Finding | None:
    """A finding when ``action`` governs the time at tokens ``[start, end)``: in its clause,
    before it or just after it, and recommended."""
    if action.start >= start and action.start - end > 3:
        return None
    stay = _stay_until(words, action.start)
    if not scope.same_clause(action.start, start):
        return None
    if not stay and not recommending(scope, action.start):
        return None
    if noticed(action, scope.tokens, scope):
        return None  # "if you find yourself lying on the roller for minutes, move on"
    if scope.tokens[scope.clause_start(action.start)].lemma in _IF:
        return None  # a condition, not an order: "if you need to hold a spot for minutes, ..."
    if not scope.imperative(action.start) and _denied_after(scope, words, end):
        return None  # "holding a knot for five minutes won't release it any sooner"
    # A negation inside the action is its own ("don't come off until it lets go").
    # "Without moving" keeps the hold still and the "no" of a ceiling ("no more than three
    # minutes") limits: neither denies it; nor does a denied leaving before "until".
    clause = scope.clause_start(start)
    denied = any(
        clause <= cue < start
        and not action.start <= cue < action.end
        and words[cue + 1 : cue + 2] not in (["moving"], ["move"], ["more"], ["longer"])
        and words[cue - 1 : cue + 1] not in (["more", "than"], ["longer", "than"])
        for cue in scope.negations
    )
    if denied and not stay:
        return None
    return _at(rule, text, scope.tokens, min(action.start, start), max(action.end, end))


def _stay_until(words: Sequence[str], action: int) -> bool:
    """True when the action follows "until" after a denied leaving ("don't come off a tight
    spot until you've held it for three minutes"): not leaving until then is staying on."""
    before = list(words[max(0, action - 10) : action])
    if "until" not in before and "till" not in before:
        return False
    turn = max(at for at, w in enumerate(before) if w in {"until", "till"})
    opening = before[:turn]
    denied = not {"don't", "dont", "never", "not", "n't"}.isdisjoint(opening)
    return denied and not _LEAVING_WORDS.isdisjoint(opening)


#: Verbs of leaving a spot ("come off", "move on", "lift off").
_LEAVING_WORDS = frozenset({"come", "move", "lift", "leave", "get", "shift", "stop"})
#: Words after a time that deny the practice any value ("... does nothing extra").
_NOTHING = frozenset({"nothing", "nowhere", "pointless", "useless"})


def _denied_after(scope: Scope, words: Sequence[str], end: int) -> bool:
    """True when the words after the time, in its clause, deny what it does: "not" or
    "nothing" in the predicate of a sentence whose subject is the practice ("holding a knot for five
    minutes won't release it any sooner", "five minutes on one knot is not what the
    roller is for")."""
    last = scope.clause_end(end - 1)
    predicate = words[end : last + 1]
    return not _NOTHING.isdisjoint(predicate) or not {"n't", "not", "never"}.isdisjoint(predicate)


def _at(rule: ConceptRule, text: str, tokens: Sequence[Token], start: int, end: int) -> Finding:
    return finding_at(rule, "contradiction", text, tokens[start].start, tokens[end - 1].end)


def _implied_limit(
    words: Sequence[str], duration: Duration, limits: dict[str, float]
) -> float | None:
    """The limit a duration answers to with no verb: one of pressure or on a knot ("five
    minutes of steady pressure", "two minutes under the ball", "2 minutes straight on the
    calf knot") is a hold's; one per spot or area ("4 minutes each side", "3 mins a side",
    "ten minutes on each quad", "a quarter of an hour on the quads", "Lats: 4 min") a
    roll's. None when the words around it say neither."""
    after = list(words[duration.end : duration.end + 5])
    if after[:1] in (["straight"], ["solid"], ["flat"]):
        after = after[1:]  # "15 minutes straight on my hamstrings"
    hold, roll = limits.get("actions.hold"), limits.get("actions.roll")
    rolling = not {"rolling", "roll", "passes"}.isdisjoint(after[1:4])  # "60 s of steady rolling"
    if after[:1] == ["of"] and not _OF_PRESSURE.isdisjoint(after[1:3]) and not rolling:
        return hold
    if after[:1] == ["under"] and not {"ball", "roller"}.isdisjoint(after[1:3]):
        return hold
    if after[:1] == ["on"] and not _KNOTS.isdisjoint(after[1:4]):
        return hold
    if after[:1] in (["each"], ["per"], [","]) and not _KNOTS.isdisjoint(after[1:3]):
        return hold  # "two minutes per knot", "3 min, one spot"
    if after[:1] in (["each"], ["per"], ["every"], ["a"]) and (
        len(after) < 2 or after[1] not in _PER_SESSION
    ):
        return roll if after[:1] != ["a"] or after[1:2] == ["side"] else None
    if after[:1] in (["on"], ["for"]) and not _ONE_AREA.isdisjoint(after[1:4]):
        return roll
    if after[:1] == ["on"] and _named_area(after[1:3]):
        return roll
    # one muscle given the time before it ("give your quads ten minutes on the roller")
    earlier = words[: duration.start]
    on_roller = after[:2] == ["on", "the"] and after[2:3] in (["roller"], ["ball"], ["foam"])
    if on_roller and _one_area(earlier) and _named_area(earlier):
        return roll
    before = words[max(0, duration.start - 2) : duration.start]
    if before and before[-1] in {":", "-", ",", "(", "—", "–"}:
        if not _KNOTS.isdisjoint(words[: duration.start]):
            return hold  # "Step 6 — Hold on the sorest point: 3 min"
        if _named_area(words[: duration.start]):
            return roll  # a heading or list item: "Upper back (between the shoulder blades): 4 min"
    return None


#: Words after "on" that make a time one knot's ("two minutes on the calf knot").
_KNOTS = frozenset({"knot", "knots", "trigger", "point", "spot", "tender"})
#: Words after "on" or "for" that make a time one area's ("ten minutes on each quad").
_ONE_AREA = frozenset({"one", "each", "every", "same", "single"})


def _named_area(words: Sequence[str]) -> bool:
    """True when ``words`` name a muscle or an area of the body."""
    return any(word.rstrip("s") in _AREAS or word in {"back", "spine", "neck"} for word in words)


#: Verbs that hold pressure after "keep" ("keep pressing into that spot").
_PRESSING = frozenset({"press", "hold", "push", "lean", "lie", "sit", "rest", "sink", "dig"})


#: Words and word pairs that judge a time too long, or tell what it does ("far too long",
#: "overkill", "cuts off blood flow").
_TOO_LONG = frozenset({"overdo", "overdoing", "excessive", "starve", "starves", "overkill"})
_TOO_LONG |= frozenset({"unnecessary", "pointless", "waste"})
_TOO_LONG_PAIRS = frozenset({("too", "long"), ("too", "much"), ("cut", "off"), ("cuts", "off")})
_TOO_LONG_PAIRS |= frozenset({("recipe", "for"), ("no", "benefit"), ("no", "extra")})
#: What too long a hold does, after a modal, "end up", "how" or "why" ("can leave you sore",
#: "may starve the tissue", "often end up bruised", "is how people bruise themselves").
_CONSEQUENCES = frozenset(
    """sore soreness tender bruise bruised bruising numb numbness starve starves cut cuts
    restrict restricts irritate irritated damage damaged injure injured inflame inflamed
    worse harm hurt ache swell swollen pain painful""".split()  # noqa: SIM905 (a list of words, read as prose)
)
_MODAL_WORDS = frozenset({"can", "could", "may", "might", "will", "often", "up"})


def _judged(words: Sequence[str]) -> bool:
    """True when the sentence judges the time too long, or tells what it does to the body:
    a consequence word within six words after a modal or "end up"."""
    if not _TOO_LONG.isdisjoint(words) or not _TOO_LONG_PAIRS.isdisjoint(pairwise(words)):
        return True
    return any(
        (word in _MODAL_WORDS or (word in {"how", "why"} and words[at - 1 : at] == ["is"]))
        and not _CONSEQUENCES.isdisjoint(words[at + 1 : at + 7])
        for at, word in enumerate(words)
    )


def _bounded(words: Sequence[str], time: Hit, short: Sequence[int]) -> bool:
    """True when an open-ended time is bounded: "only as long as it takes to breathe out",
    "as long as it takes to count to twenty" (a short time just after it)."""
    if any(time.end <= at <= time.end + 6 for at in short):
        return True
    return time.start > 0 and words[time.start - 1] in {"only", "just"}


def _presses(tokens: Sequence[Token], action: Hit, words: Sequence[str]) -> bool:
    """True when the action presses on a spot: rolling does, and a hold or a rest unless
    the sentence names another activity or a resting surface and nothing that presses
    ("lie on the floor for two minutes", "hold the stretch")."""
    if tokens[action.start].lemma in {"roll", "foam"} or not _PRESSING_ON.isdisjoint(words):
        return True
    return _ELSEWHERE.isdisjoint(words)


_IF = frozenset({"if", "when", "whenever", "unless"})
#: Words before an action word that make it a noun ("per hold", "the hold"); not before a
#: verb in -ing ("you may find that resting on one spot ...").
_NOUN_BEFORE = frozenset({"per", "each", "every", "the", "a", "your", "that", "this", "one"})


def _moving(words: Sequence[str], at: int) -> bool:
    """True when the word at ``at`` keeps the roller moving: not denied ("without moving")
    nor leaving the spot ("moving on too soon", "moving too soon")."""
    if words[at] not in _MOVING or (at > 0 and words[at - 1] in _STILL | _AFTER_HOLD):
        return False
    return words[at + 1 : at + 2] not in (["on"], ["off"], ["too"], ["away"])


def _no_hold(tokens: Sequence[Token], hit: Hit) -> bool:
    """True when the action holds nothing: a noun ("per hold"), "keep" before a verb in
    -ing that is not one of pressing ("keep moving"), "leave ... alone"."""
    lemma = tokens[hit.start].lemma
    before = tokens[hit.start - 1].lower if hit.start > 0 else ""
    gerund = before == "that" and tokens[hit.start].lower.endswith("ing")
    if before in _NOUN_BEFORE and not gerund:
        return True  # "per hold", "each hold": a noun, not an order
    if lemma == "keep" and any(t.lemma in {"off", "away"} for t in tokens[hit.end : hit.end + 5]):
        return True  # "keep the foam roller off it until the swelling settles"
    if lemma == "keep" and hit.end < len(tokens):
        going = tokens[hit.end].lower
        return going.endswith("ing") and tokens[hit.end].lemma not in _PRESSING
    return lemma == "leave" and any(t.lower == "alone" for t in tokens[hit.end : hit.end + 4])


def _whole_session(words: Sequence[str], duration: Duration, scope: Scope) -> bool:
    """True when the words around ``duration`` make it a whole session's length ("a
    ten-minute routine", "five minutes of rolling", "twenty minutes a day", "the whole
    routine takes about eight minutes"), unless the clause puts it on one spot ("five
    minutes on the same knot")."""
    start = scope.clause_start(duration.start)
    if duration.end - duration.start >= 3 and words[duration.end - 2] == "-":
        # "a 5-minute forearm roll" names a session; "10-minute sustained holds" a hold, and
        # so does a timer for one ("set a 3-minute timer and keep the pressure on")
        named = words[duration.end : duration.end + 3]
        return _HOLDS.isdisjoint(named) and "timer" not in named
    areas = {word.rstrip("s") for word in words} & _AREAS
    if len(areas) > 1 and _SINGLE.isdisjoint(words) and not {"each", "per"} & set(words):
        return True
    after_it = words[duration.end : duration.end + 5]
    held = not (_SINGLE | _KNOTS).isdisjoint(words[start : duration.start])  # "each trigger point"
    if (
        not _SESSION_WORDS.isdisjoint(words[start : duration.start])
        and _SINGLE.isdisjoint(after_it)
        and not held
    ):
        return True
    if "overall" in after_it[:2]:
        return True
    after = words[duration.end : duration.end + 2]
    if after[:1] not in (["after"], ["ago"], ["later"]) and _one_spot(words, scope, duration):
        return False  # "roll your quads for ten minutes every evening": one area, daily
    if tuple(after) in _SESSION_PAIRS:
        return True
    if len(after) == 2 and after[0] in {"each", "every", "per", "a"} and after[1] in _PER_SESSION:
        return True  # "every morning"
    if after and after[0] in _SESSION_AFTER:
        return not (after[0] == "of" and len(after) > 1 and after[1] in _OF_PRESSURE)
    before = words[max(0, duration.start - 2) : duration.start]
    # "takes about five minutes" is a total; "after a few minutes" says when, not how long
    return bool(before) and before[-1] in _NOT_A_HOLD_BEFORE


def _one_spot(words: Sequence[str], scope: Scope, duration: Duration) -> bool:
    """True when the clause of ``duration`` puts it on one spot or one muscle, so that how
    often ("every evening") or what it is ("ten minutes of rolling") leaves it a hold:
    "the same thigh", "the knot", "your quads"."""
    start = scope.clause_start(duration.start)
    end = scope.clause_end(duration.end - 1) + 1
    around = [*words[start : duration.start], *words[duration.end : end]]
    if not (_SINGLE | _KNOTS).isdisjoint(around):
        return True
    named = {word.rstrip("s") for word in around} & _AREAS
    if named:
        return len(named) == 1
    # the muscle may stand in the clause before ("sink into the hip flexor and hold for
    # four minutes"): one area or spot in the sentence, none other
    return _one_area(words)


def _governing(
    actions: Sequence[Hit], duration: Duration, scope: Scope, words: Sequence[str]
) -> list[Hit]:
    """The actions a duration belongs to: the nearest before it in its clause ("roll each
    calf for a minute, pausing on the sore bit for 20 seconds": the minute is the roll's),
    or else the nearest after it ("two minutes, then hold"). Not the duration itself ("two
    minutes on")."""
    # "without moving" is part of the hold, not an action of its own
    outside = [
        a
        for a in actions
        if not duration.start <= a.start < duration.end and not _kept_still(words, a)
    ]
    before = [
        a
        for a in outside
        if a.start < duration.start and scope.same_clause(a.start, duration.start)
    ]
    if before:
        nearest = max(a.start for a in before)
        return [a for a in before if a.start == nearest]  # "stay on": a roll and a hold
    return sorted((a for a in outside if a.start >= duration.end), key=lambda a: a.start)[:1]


def _limit(
    limits: dict[str, float], action: Hit, duration: Duration, words: Sequence[str]
) -> float | None:
    """The limit of ``action`` for ``duration``: a ceiling on an area is a roll's ("keep each
    area under two minutes"), pressure on a spot is a hold's whatever the verb ("press into
    the knot for a full minute")."""
    if duration.ceiling and not _WHOLE_AREAS.isdisjoint(words):
        return limits.get("actions.roll")
    limit = limits.get(action.key)
    named = words[action.start : duration.end + 4]
    if "actions.hold" in limits and not _KNOTS.isdisjoint(named) and _WHOLE_AREAS.isdisjoint(named):
        return min(limits["actions.hold"], limit or limits["actions.hold"])
    return limit


def _kept_still(words: Sequence[str], action: Hit) -> bool:
    """True when ``action`` is a moving word denied ("without moving", "not moving")."""
    at = action.start
    return words[at] in _MOVING | {"move"} and at > 0 and words[at - 1] in _STILL


def _done(tokens: Sequence[Token], hit: Hit) -> bool:
    """True when the action is "do the ..." or "do your ...", which holds nothing of its own
    ("let gravity do the work for two minutes"); "don't come off" is a hold."""
    last = tokens[hit.end - 1].lower
    return tokens[hit.start].lower == "do" and last in {"the", "your", "my", "ur"}


#: Words that press on a spot after "asleep on" or "asleep with" ("asleep on the roller").
_UNDER_YOU = frozenset({"roller", "ball", "it", "this", "peanut", "foam"})


def _asleep_on(words: Sequence[str], time: Hit) -> bool:
    """True when the open-ended time is falling asleep on the roller ("fall asleep on the
    foam roller", "I fall asleep with the roller under my shoulder blade"): the whole night
    on one spot, with no verb of holding."""
    if not {"asleep", "doze", "dozing", "nap"} & set(words[time.start : time.end]):
        return False
    after = words[time.end : time.end + 4]
    return after[:1] in (["on"], ["with"], ["under"]) and not _UNDER_YOU.isdisjoint(after)


def _answered_how_long(
    rule: ConceptRule,
    text: str,
    tokens: Sequence[Token],
    words: Sequence[str],
    hits: Sequence[Hit],
    actions: Sequence[Hit],
    times: Sequence[Duration],
    limits: dict[str, float],
    scope: Scope,
) -> Finding | None:
    """A question how long to hold or roll, answered with too long a time ("Q: How long
    should I hold a trigger point? A: Around two minutes", "... ? Until it stops hurting")."""
    mark = list(words).index("?") if "?" in words else -1
    if mark < 0 or not any(words[at : at + 2] == ["how", "long"] for at in range(mark)):
        return None
    if not _SESSION_WORDS.isdisjoint(words[:mark]):
        return None  # "How long should a rolling session last?" asks about a session
    asked = [a for a in actions if a.start < mark]
    if not asked:
        return None
    action = asked[0]
    for duration in times:
        if duration.start <= mark or duration.ceiling or scope.negated(duration.start):
            continue
        limit = _limit(limits, action, duration, words)
        if limit is not None and duration.seconds > limit:
            return _at(rule, text, tokens, action.start, duration.end)
    for time in hits_of(hits, rule.keys("time")):
        if time.start > mark and not scope.negated(time.start):
            return _at(rule, text, tokens, action.start, time.end)
    return None


def _one_area(words: Sequence[str]) -> bool:
    """True when the sentence names exactly one muscle or area to roll, or one spot."""
    if not (_SINGLE | _KNOTS).isdisjoint(words):
        return True
    return len({word.rstrip("s") for word in words} & _AREAS) == 1
