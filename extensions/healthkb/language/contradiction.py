"""Contradiction findings: a rule's action done to its place, injury or symptom in a clause
that recommends it (not negated, avoided, contrasted, placed "around" it, a mistake, a harm
or a question); an order after a heading label or an opening clause that names the place or
injury; a rule's regex; or a rule's symptom called normal or fine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from healthkb.language.cues import (
    HANDS,
    HARM_LEMMAS,
    LEAD_IN,
    MODAL_HARM,
    OPENERS,
    ROLLER_WORDS,
    SUBORDINATORS,
)
from healthkb.language.finding import Finding, Hit, finding_at, hits_of
from healthkb.language.objects import (
    ANAPHORS,
    PERSONS,
    TREAT,
    antecedents,
    describes,
    object_of,
)
from healthkb.language.permission import permitted, referred
from healthkb.language.rules import ConceptRule
from healthkb.language.scope import Scope, glued
from healthkb.language.text import Token

#: Most words before the colon of a heading label ("Sacrum and lumbar: 8-10 slow passes").
HEADING = 8
#: Modals before an injury verb make it what rolling may do ("can strain the joints").
_MODAL_WORDS = frozenset({"can", "could", "may", "might", "will", "would"})


def recommending(scope: Scope, index: int, target: Hit | None = None) -> bool:
    """True when the clause of token ``index`` can recommend (not a question, mistake or
    harm, nor advice reported and then corrected).

    Harm words inside ``target`` do not count: an injury named as the target ("roll the
    injured area") is not a warning that rolling injures."""
    skip = (target.start, target.end) if target is not None else (0, 0)
    return not (
        scope.asks(index)
        or scope.negated(index)
        or scope.mistake(index)
        or scope.harm(index, skip)
        or _corrected(scope, index)
    )


#: Verbs that report someone else's advice ("some trainers tell you to ...").
_REPORTING = frozenset(
    {"tell", "say", "read", "hear", "claim", "suggest", "insist", "swear", "advise", "reckon"}
)
#: Words after the report that correct it ("..., but 30 seconds is enough").
_CORRECTING = frozenset(
    {"otherwise", "enough", "plenty", "wrong", "myth", "outdated", "true", "actually", "evidence"}
    | {"leaflet", "doctor", "physio", "guideline", "guidelines", "booklet", "tell", "suggest"}
)
_BUT = frozenset({"but", "however", "though", "yet", ";", "reply"})
#: Words after "but" that correct what other people do ("..., but it's better to target
#: the hips"; the lookup lemma of "better" is "well").
_PREFERRING = frozenset({"better", "well", "instead", "rather", "prefer"})


def _corrected(scope: Scope, index: int) -> bool:
    """True when the action at ``index`` is advice the sentence reports from others, or
    what other people do or want, and then corrects ("Some trainers tell you to hold a knot
    for three minutes, but 30 seconds is enough", "You may have read that ...; the evidence
    says otherwise", "Many people roll the lumbar part, but my doctor explained ...")."""
    lemmas = scope.lemmas
    others = (
        "people" in lemmas[:index]
        or "want" in lemmas[:index]
        or not PERSONS.isdisjoint(lemmas[max(0, index - 3) : index])
    )
    if _REPORTING.isdisjoint(lemmas[:index]) and not others:
        return False
    turn = next((at for at in range(index + 1, len(lemmas)) if lemmas[at] in _BUT), None)
    if turn is None and lemmas[:1] in (["although"], ["though"], ["while"], ["whilst"]):
        # "Although gym posters show people rolling the small of the back, physios say ..."
        turn = scope.clause_end(index) + 1 if scope.clause_start(index) == 0 else None
    correcting = _CORRECTING | _PREFERRING if others else _CORRECTING
    return turn is not None and not correcting.isdisjoint(lemmas[turn + 1 :])


def finding(
    rule: ConceptRule,
    text: str,
    tokens: Sequence[Token],
    hits: Sequence[Hit],
    scope: Scope,
    referents: Sequence[Hit] = (),
) -> Finding | None:
    """The contradiction of ``rule`` in a sentence, or None. ``referents``: places named
    only as a complaint, which a later pronoun can stand for."""
    # An action word joined by a hyphen to the next is part of a compound ("lower-back").
    actions = [
        a
        for a in hits_of(hits, rule.keys("actions"))
        if not (a.end < len(tokens) and glued(tokens, a.end) and not _rolled_out(tokens, a.end))
    ]
    targets = hits_of(hits, rule.targets)
    # a word of a place is no action ("lower" in "lower back")
    places = [h for h in hits if h.key.startswith("places.")]
    named = [*places, *(h for h in referents if h.key.startswith("places."))]
    actions = [a for a in actions if not any(p.start <= a.start and a.end <= p.end for p in named)]
    # "after work", "at work": the noun, not the verb
    actions = [a for a in actions if not _at_work(tokens, a)]
    told = hits_of(referents, rule.targets)
    targets = targets + antecedents(actions, targets, tokens, told, places)
    for action in actions:
        for target in targets:
            inside = action.start < target.start and target.end < action.end
            if target.start < action.end and action.start < target.end and not inside:
                continue  # one phrase cannot be both ("roll ... ankle" as an injury)
            # A target in the gap of an action's phrase is its object: "rest your kneecap on".
            if not scope.same_clause(action.start, target.start):
                continue
            if not object_of(action, target, tokens):
                continue
            # a noun of rolling right after the place is no verb ("small-of-back rolls x 12")
            compound = target.end == action.start
            if not compound and describes(action, tokens, scope, actions):
                continue
            if target.start > 0 and tokens[target.start - 1].lemma in _MODAL_WORDS:
                continue  # "can strain the joints": an injury verb, what rolling may do
            if _HEALS.intersection(t.lower for t in tokens[target.end : target.end + 3]):
                continue  # "roll the other leg while the injured one heals"
            last = max(action.start, target.start)
            if not recommending(scope, action.start, target) or scope.negated(last):
                continue
            if noticed(action, tokens, scope) or _harm_first(action, tokens, scope):
                continue
            if _by_hand(action, tokens):
                continue  # "use your hands to massage the muscles there"
            if _kept_beyond(action, target, tokens):
                continue  # "keep the roller above your waistband"
            if _set_right(scope, action.start, hits):
                continue  # "I'd been rolling my lower back until my physio showed me ..."
            if target.key.startswith(("places.", "injuries.")):
                # "roll around the lower back", "the muscles above and below a bruise"
                if scope.around(target.start, action.start, end=target.end):
                    continue
                if scope.left_alone(target.start, target.end):
                    continue  # "lower back nowhere near it"
                if _short_of(tokens, action, target):
                    continue  # "come off the roller before you reach your lower back"
            elif scope.left_alone(target.start, target.end):
                continue  # "leave the sprained one alone"
            if target.key.startswith("injuries.") and _deferred(action, tokens, scope, target):
                continue  # "wait until the swelling has gone down", "once it has healed"
            begin, finish = min(action.begin, target.begin), max(action.finish, target.finish)
            return finding_at(rule, "contradiction", text, begin, finish)
    headed = _heading(actions, targets, tokens, scope)
    if headed is not None:
        action, target = headed
        begin, finish = min(action.begin, target.begin), max(action.finish, target.finish)
        return finding_at(rule, "contradiction", text, begin, finish)
    framed = (
        _framed_injury(actions, targets, tokens, scope, hits)
        or _framed_symptom(actions, targets, tokens, scope)
        or _impatient(actions, targets, tokens, scope)
        or _answered_where(actions, [*targets, *told], tokens, scope)
    )
    if framed is not None:
        action, target = framed
        begin, finish = min(action.begin, target.begin), max(action.finish, target.finish)
        return finding_at(rule, "contradiction", text, begin, finish)
    for pattern in rule.patterns:
        for match in pattern.finditer(text):
            if _LIMITED.search(match.group()) or _AFTERWARDS.match(text, match.end()):
                continue  # "keep the session under ten minutes", "lie flat for minutes after"
            index = _token_at(tokens, match.start())
            if recommending(scope, index):
                return finding_at(rule, "contradiction", text, match.start(), match.end())
    # "numbness is normal": a rule's symptom called normal or fine, unless the reader is
    # sent to a professional.
    symptoms = hits_of(hits, rule.keys("symptoms"))
    allowed = permitted(hits, scope)
    if (
        symptoms
        and allowed is not None
        and not referred(hits, scope)
        and not scope.asks(allowed.start)
    ):
        symptom = symptoms[0]
        if scope.same_clause(symptom.start, allowed.start) and not scope.mistake(symptom.start):
            begin = min(symptom.begin, allowed.begin)
            return finding_at(
                rule, "contradiction", text, begin, max(symptom.finish, allowed.finish)
            )
    return None


def _kept_beyond(action: Hit, target: Hit, tokens: Sequence[Token]) -> bool:
    """True when the roller is kept on the far side of a place named as a boundary ("keep
    the roller above your waistband", "stay below the kneecap"): the place phrase opens with
    "above" or "below" and "keep" or "stay" comes before the action."""
    opens = tokens[target.start].lemma in {"above", "below", "beyond"}
    before = {t.lemma for t in tokens[max(0, action.start - 4) : action.start + 1]}
    return opens and not before.isdisjoint({"keep", "stay"})


def _by_hand(action: Hit, tokens: Sequence[Token]) -> bool:
    """True when hands do the action, not the roller ("use your hands to massage"; not
    "can't reach it with your hands, the roller can get it")."""
    before = {t.lemma for t in tokens[max(0, action.start - 4) : action.end]}
    return not before.isdisjoint(HANDS) and before.isdisjoint(ROLLER_WORDS)


#: Words after which a story turns to the right way ("..., until my GP showed me ...").
_TURNS = _BUT | {"until", "till", "when"}
#: Verbs of a professional putting the reader right.
_PUT_RIGHT = frozenset({"say", "tell", "show", "explain", "correct", "advise", "warn", "teach"})


def _set_right(scope: Scope, index: int, hits: Sequence[Hit]) -> bool:
    """True when the practice at ``index`` is set right later in the sentence: a turn
    followed by a professional who said or showed otherwise, by "instead" (not "instead
    of"), or by "should have" ("I'd been rolling the small of my back when I should have
    been doing my glutes"); or when a professional "corrected" the writer before it."""
    lemmas = scope.lemmas
    if "correct" in lemmas[:index]:
        return True
    turn = next((at for at in range(index + 1, len(lemmas)) if lemmas[at] in _TURNS), None)
    if turn is None:
        return False
    rest = lemmas[turn + 1 :]
    if any(w == "instead" and rest[at + 1 : at + 2] != ["of"] for at, w in enumerate(rest)):
        return True
    if "should" in rest and "have" in rest:
        return True
    told = any(h.key.startswith("referral.") and h.start > turn for h in hits)
    return told and not _PUT_RIGHT.isdisjoint(rest)


#: Words that put an action off till later ("before you bring out the roller").
_DEFERRING = frozenset({"before", "until", "till", "wait", "later", "once"})


#: Words after a heading's order that move it off the label's place.
_ELSEWHERE = frozenset(
    [
        "instead",
        "around",
        "glute",
        "glutes",
        "hip",
        "hips",
        "upper",
        "mid",
        "thoracic",
        "hamstring",
        "quad",
        "calf",
        "side",
        "muscle",
    ]
)


def _heading(
    actions: Sequence[Hit], targets: Sequence[Hit], tokens: Sequence[Token], scope: Scope
) -> tuple[Hit, Hit] | None:
    """An order after a heading label that names the place or injury ("Low back: ten slow
    passes straight over the spine", "New injuries: roll twice daily"): the label is what
    the order is done to, unless the order names somewhere else."""
    # The label ends at a colon or a dash between words ("Injured calf - roll over it").
    colon = next(
        (
            at
            for at, t in enumerate(tokens[:HEADING])
            if t.text == ":" or (t.text == "-" and at > 0 and not glued(tokens, at))
        ),
        None,
    )
    if colon is None:
        return None
    labels = [t for t in targets if t.end <= colon]
    if not labels:
        return None
    for action in actions:
        if action.start <= colon or action.start > colon + 6:
            continue
        end = scope.clause_end(action.start)
        # up to the first comma after the order: "roll up and down, let your hips drop"
        # tells how to lie, not where to roll
        comma = next((at for at in range(action.end, end + 1) if tokens[at].text == ","), end + 1)
        rest = {t.lemma for t in tokens[colon + 1 : min(end + 1, comma)]}
        treated = {at + 1 for at, t in enumerate(tokens) if t.lemma in TREAT}
        named = [t for t in targets if t.start > colon and t.start not in treated]
        if rest & _ELSEWHERE or named:
            continue  # "Lower back: roll the glutes", but "... to reduce swelling" is no place
        if tokens[action.start].lemma in _SKIPPING:
            continue  # "Lower back: skip."
        if recommending(scope, action.start) and not scope.negated(action.start):
            return action, labels[0]
    dose = _dose(tokens, colon)
    if dose is not None and recommending(scope, dose.start):
        return dose, labels[0]
    return None


def _at_work(tokens: Sequence[Token], action: Hit) -> bool:
    """True when the action word is the noun "work" after a preposition ("after work")."""
    before = tokens[action.start - 1].lemma if action.start > 0 else ""
    return tokens[action.start].lower == "work" and before in {"after", "at", "from", "before"}


#: Orders after a heading label that leave the place out.
_SKIPPING = frozenset({"skip", "avoid", "miss", "leave", "omit"})
#: Words that turn a question where to roll into one where not to.
_NOT_QUESTION = frozenset({"not", "never", "avoid", "skip"})
#: Words that count what an order does ("3 slow passes", "30 seconds of small circles").
_DOSES = frozenset(
    {"pass", "roll", "sweep", "rep", "circle", "stroke", "set", "minute", "second", "sec", "min"}
)


def _dose(tokens: Sequence[Token], colon: int) -> Hit | None:
    """A dose just after a heading label, standing for an order with no verb ("Low back
    (L1-L5): 3 slow passes", "Lumbar spine - 45 sec", "Kneecaps: 30 seconds of small
    circles"): a number and, within three words, what it counts."""
    after = tokens[colon + 1 : colon + 3]
    for at, token in enumerate(after, colon + 1):
        if token.lower.isdigit() or token.lower in _NUMBER_WORDS:
            for end in range(at + 1, min(at + 4, len(tokens))):
                if tokens[end].lemma in _DOSES or tokens[end].lower in _DOSES:
                    return Hit("actions.roll", at, end + 1, token.start, tokens[end].end)
    return None


_NUMBER_WORDS = frozenset(
    {"one", "two", "three", "four", "five", "six", "eight", "ten", "twenty", "thirty", "a", "few"}
)


def _framed_injury(
    actions: Sequence[Hit],
    targets: Sequence[Hit],
    tokens: Sequence[Token],
    scope: Scope,
    hits: Sequence[Hit] = (),
) -> tuple[Hit, Hit] | None:
    """An order to roll, or rolling allowed, after an opening clause or lead-in question
    that names a fresh injury ("If you just pulled a muscle in your back, get on the roller
    right away", "Tweaked your hamstring today? Roll it tonight", "Even if it is still red
    and swollen, a gentle roll won't hurt"), or after the writer's injury told without a
    subject ("Pulled both glutes yesterday, roll them today"): the injury is what the order
    is about even when the order names no place."""
    opening = 1 if tokens and tokens[0].lemma == "even" else 0  # "even if", "even when"
    if len(tokens) <= opening:
        return None
    framed = tokens[opening].lemma in SUBORDINATORS or _lead_in(tokens)
    told = not framed and _told_injury(tokens, targets)
    if not framed and not told:
        return None
    permissions = [h for h in hits if h.key.startswith("permission.")]
    allowed = [h.start for h in permissions]
    # "won't hurt" is a permission, not a caution
    reassured = {at for h in permissions for at in range(h.start, h.end)}
    # "once a strain has healed, gentle rolling can help"; not a purpose ("... to settle it")
    if any(t.lower in _WAITING and tokens[at - 1].lower != "to" for at, t in enumerate(tokens)):
        return None
    if _gone_down(tokens):
        return None  # "when the swelling has gone down completely, ease back into rolling"
    if any(t.lower in _SOMEWHERE_ELSE for t in tokens):
        return None  # "Bruised your thigh? Roll the other leg and leave the bruised one alone"
    injuries = [t for t in targets if t.key.startswith("injuries.") and scope.clause[t.start] == 0]
    if not injuries:
        return None
    # a story's comma splice is one clause to the scope: its order starts after the comma
    spliced = _spliced_order(tokens, injuries[0]) if told else None
    for action in actions:
        if action.start == spliced:
            start, end = spliced, scope.clause_end(action.start)
        elif scope.clause[action.start] == 0:
            continue
        else:
            start, end = scope.clause_start(action.start), scope.clause_end(action.start)
        clause = [t.lemma for t in tokens[start : end + 1]]
        permits = any(start <= at <= end and not scope.asks(at) for at in allowed)
        ordered = action.start == spliced or scope.imperative(action.start)
        if told and not ordered:
            continue  # the story goes on ("..., waited two weeks, and now I roll it")
        if not ordered and not _urged(clause) and not permits:
            continue
        if _DEFERRING.intersection(clause):
            continue
        # a purpose is no caution ("get on the roller to stop it tightening up")
        cues = [
            *(c for c in scope.negations if not _purpose(tokens, c) and c not in reassured),
            *scope.arounds,
        ]
        if any(start <= cue <= end for cue in cues):
            continue  # "roll muscles well away from it", "roll around it"
        if recommending(scope, action.start):
            return action, injuries[0]
    return None


#: Words that praise an action as the way to go ("the best move is to roll", "the roller
#: will sort it", "a soft roller can calm it down").
_URGING = frozenset({"best", "fastest", "quickest", "sort", "fix", "calm", "soothe", "heal"})
_URGING |= frozenset({"help", "settle", "wonder", "loosen"})


def _urged(clause: Sequence[str]) -> bool:
    """True when a clause that is not an order still urges the action (it praises it)."""
    return not _URGING.isdisjoint(clause)


def _purpose(tokens: Sequence[Token], cue: int) -> bool:
    """True when the negation at ``cue`` is inside a purpose ("to stop it tightening up",
    "so it doesn't seize up")."""
    before = [t.lower for t in tokens[max(0, cue - 3) : cue]]
    return "to" in before[-1:] or "so" in before


#: Words that send the roller away from the injury the sentence opens with.
_SOMEWHERE_ELSE = frozenset({"alone", "other", "else", "elsewhere", "instead", "opposite"})
# the roller put away ("leave it in the cupboard"), the muscles further off ("roll the
# muscles further away"; not "away", which is when in "right away")
_SOMEWHERE_ELSE |= {"cupboard", "drawer", "wardrobe", "shelf", "further", "higher"}


def _told_injury(tokens: Sequence[Token], targets: Sequence[Hit]) -> bool:
    """True when the sentence opens on the writer's injury, told without a subject ("Pulled
    both glutes yesterday, roll them today", "Just tweaked my calf, so roll it out?"): its
    first word, or the one after "just", is an injury verb in the past."""
    at = 1 if tokens[0].lemma == "just" else 0
    if at >= len(tokens):
        return False
    word = tokens[at].lower
    past = word != tokens[at].lemma and (word.endswith("ed") or word in _PAST_FORMS)
    return past and any(t.start == at and t.key.startswith("injuries.") for t in targets)


#: Past forms of injury verbs that do not end in "ed".
_PAST_FORMS = frozenset({"tore", "torn", "broke", "broken", "hurt", "bust", "split"})


def _spliced_order(tokens: Sequence[Token], injury: Hit) -> int | None:
    """The index of a verb in its base form right after the first comma after ``injury``
    ("Pulled both glutes yesterday, roll them today"), or None."""
    comma = next((at for at in range(injury.end, len(tokens)) if tokens[at].text == ","), None)
    if comma is None:
        return None
    verb = comma + 1
    while verb < len(tokens) and tokens[verb].lower in OPENERS:
        verb += 1
    if verb < len(tokens) and tokens[verb].lower == tokens[verb].lemma:
        return verb
    return None


def _lead_in(tokens: Sequence[Token]) -> bool:
    """True when the sentence opens with a short question that an order answers: a "?"
    among its first words, with words after it that do not say no ("A: No; rest it")."""
    for at, token in enumerate(tokens[:LEAD_IN]):
        if token.text == "?" and at + 1 < len(tokens):
            answer = {t.lower for t in tokens[at + 1 : at + 4]}
            return answer.isdisjoint(_ANSWERED_NO)
    return False


#: Words at the start of an answer that say no to what the question asked.
_ANSWERED_NO = frozenset({"no", "not", "never", "nope", "n't"})


def _framed_symptom(
    actions: Sequence[Hit], targets: Sequence[Hit], tokens: Sequence[Token], scope: Scope
) -> tuple[Hit, Hit] | None:
    """An order to carry on or wait after an opening clause that names a rule's symptom
    ("If you lose bladder control, wait and see", "When your toes go numb, keep going"):
    the symptom is what the order is about."""
    if not tokens or tokens[0].lemma not in SUBORDINATORS:
        return None
    symptoms = [t for t in targets if t.key.startswith("symptoms.") and scope.clause[t.start] == 0]
    if not symptoms:
        return None
    for action in actions:
        if scope.clause[action.start] == 0 or not scope.imperative(action.start):
            continue
        if any(t.lemma in _PUTTING_OFF for t in tokens[max(0, action.start - 3) : action.start]):
            continue  # "... book an appointment before you carry on"
        if recommending(scope, action.start) and not scope.negated(action.start):
            return action, symptoms[0]
    return None


#: Words inside a pattern's match that make its duration a ceiling, not an order.
_LIMITED = re.compile(
    r"\b(?:under|within|less\s+than|no\s+longer\s+than)\s+(?:\d|one|two|three|four|five|ten|a\s+few)",
    re.IGNORECASE,
)
#: A duration of something done before or after rolling, not pressure on a spot.
_AFTERWARDS = re.compile(r"\s+(?:after|before|between)\b", re.IGNORECASE)


#: Verbs whose subject is the injury healing, not what is rolled.
_HEALS = frozenset({"heals", "recovers", "mends", "heal", "recover", "mend"})
#: Words that put rolling an injury off till it has settled ("the roller can wait", "once
#: it has healed").
_WAITING = frozenset({"wait", "healed", "settle", "settled", "faded", "yet", "subside", "subsided"})
#: Words that put off what follows them ("before you put a roller on it", "until").
_PUTTING_OFF = frozenset({"before", "until", "till", "once"})


def _deferred(
    action: Hit, tokens: Sequence[Token], scope: Scope, target: Hit | None = None
) -> bool:
    """True when the sentence puts rolling off until an injury has settled: a word of
    waiting that is not negated ("don't wait" urges), or "before", "until" or "once" just
    before the action ("give it time before you put a roller on it"). Not a wait that ends
    the rolling of the injury ("roll directly on the bruise until it has healed")."""
    last = max(action.end, target.end if target is not None else 0)
    until = next((at for at in range(last, len(tokens)) if tokens[at].lemma in _UNTIL), None)
    if until is not None and not scope.negated(action.start):
        tokens = tokens[:until]  # what comes after "until" is how long the rolling goes on
    if not scope.suggestion:  # "why wait for a sprain to settle?" urges
        # "don't wait for it to settle" urges too: a waiting word after a denied wait
        denied_wait = [
            at for at, t in enumerate(tokens) if t.lemma == "wait" and scope.negated(at, window=3)
        ]
        for at, token in enumerate(tokens):
            after_denied = any(w <= at <= w + 6 for w in denied_wait)
            if token.lower in _WAITING and not scope.negated(at, window=2) and not after_denied:
                return True
    start = max(scope.clause_start(action.start), action.start - 4)
    for at in range(start, action.start):
        # "once you roll over it" is the rolling itself, not a wait before it
        yours = tokens[at].lemma == "once" and [t.lower for t in tokens[at + 1 : action.start]] in (
            ["you"],
            ["you", "'ve"],
        )
        if tokens[at].lemma in _PUTTING_OFF and not yours:
            return True
    # "roll only once the swelling has gone", "roll it once it has settled"
    after = [t.lemma for t in tokens[action.end : action.end + 6]]
    if "once" in after:
        following = after[after.index("once") + 1 : after.index("once") + 2]
        if following not in (["a"], ["per"], ["or"], ["daily"], ["every"]):
            return True  # not "once a day"
    return _gone_down(tokens) or _long_past(tokens)


def _long_past(tokens: Sequence[Token]) -> bool:
    """True when the injury is weeks old and settled ("first time since the sprain 3 weeks
    ago, no swelling now"): weeks, months or years "ago", or no swelling left, and nothing
    "still" swollen."""
    lemmas = [t.lemma for t in tokens]
    if "still" in lemmas:
        return False
    ago = any(
        lemma in {"week", "month", "year"} and lemmas[at + 1 : at + 2] == ["ago"]
        for at, lemma in enumerate(lemmas)
    )
    gone = any(
        lemma == "no" and lemmas[at + 1 : at + 2] in (["swelling"], ["swell"], ["bruise"])
        for at, lemma in enumerate(lemmas)
    )
    return ago or gone


#: Words of putting rolling off that, denied or called a mistake, urge it.
_WAITS = frozenset({"wait", "delay"})


def _impatient(
    actions: Sequence[Hit], targets: Sequence[Hit], tokens: Sequence[Token], scope: Scope
) -> tuple[Hit, Hit] | None:
    """An injury rolled without waiting: waiting denied ("you don't need to wait for the
    swelling to go down before rolling it", "no point waiting: get the roller on it now")
    or called a mistake ("waiting days to roll a new strain is a mistake", "people wait
    too long after a tear"), then an action done to the injury. Not both at once ("it's a
    mistake not to wait"), nor an asked or negated action after it."""
    injuries = [t for t in targets if t.key.startswith("injuries.")]
    for at, token in enumerate(tokens):
        if token.lemma not in _WAITS:
            continue
        start = scope.clause_start(at)
        denied = any(max(start, at - 4) <= cue < at for cue in scope.negations)
        # "people wait too long after a tear" calls the waiting a mistake
        too_long = [t.lower for t in tokens[at + 1 : at + 3]] == ["too", "long"]
        if denied == (scope.mistake(at) or too_long):
            continue
        for action in actions:
            if action.start <= at or scope.asks(action.start):
                continue
            # the action's own negation is not the waiting's ("don't wait ... before rolling")
            if any(at < cue < action.start for cue in scope.negations):
                continue
            for target in injuries:
                if target.start >= action.end and object_of(action, target, tokens):
                    return action, target
    return None


def _answered_where(
    actions: Sequence[Hit], targets: Sequence[Hit], tokens: Sequence[Token], scope: Scope
) -> tuple[Hit, Hit] | None:
    """A question where to put the roller answered with the place ("Where should the roller
    go for back ache? Right under the painful bit of your lower back"), or with a word that
    stands for the place the question named ("... for a stiff lower back? Straight under
    the stiff bit"). Not an answer that keeps it off the place."""
    mark = next((at for at, t in enumerate(tokens) if t.text == "?"), None)
    if mark is None or not any(t.lemma == "where" for t in tokens[:mark]):
        return None
    if any(t.lemma in _NOT_QUESTION for t in tokens[:mark]):
        return None  # "Where should a roller never go? The lumbar spine ..."
    asked = [a for a in actions if a.start < mark]
    if not asked:
        return None
    for target in targets:
        if target.start <= mark:
            continue
        if scope.negated(target.start) or scope.around(target.start, mark, end=target.end):
            continue
        if any(t.lemma in {"but", "except", "not"} for t in tokens[mark : target.start]):
            continue  # "Anywhere but the lower back"
        return asked[0], target
    named = [t for t in targets if t.end <= mark]
    for at in range(mark + 1, min(mark + 6, len(tokens))):
        before = {t.lower for t in tokens[max(mark + 1, at - 2) : at]}
        pointing = tokens[at].lemma in ANAPHORS and before & {"the", "that", "this"}
        if pointing and named and not scope.negated(at):
            place = named[-1]
            return asked[0], Hit(place.key, at, at + 1, tokens[at].start, tokens[at].end)
    return None


def _short_of(tokens: Sequence[Token], action: Hit, target: Hit) -> bool:
    """True when the place is where rolling stops: "before" or "until" and a verb of
    arriving between the action and the place ("... before you reach your lower back")."""
    between = {t.lemma for t in tokens[action.end : target.start]}
    return not _UNTIL.isdisjoint(between) and not _ARRIVING.isdisjoint(between)


#: Words that end a stretch of rolling ("before you reach", "until it has healed").
_UNTIL = frozenset({"before", "until", "till"})
#: Verbs of arriving at a place ("before you reach your lower back").
_ARRIVING = frozenset({"reach", "hit", "get", "touch"})


def _rolled_out(tokens: Sequence[Token], hyphen: int) -> bool:
    """True when the hyphen at ``hyphen`` makes the action a noun of rolling ("roll-out")."""
    return hyphen + 1 < len(tokens) and tokens[hyphen + 1].lower == "out"


def _gone_down(tokens: Sequence[Token]) -> bool:
    """True when the sentence says the injury has gone down ("once the swelling has gone
    down", "had gone down"): a perfect "has gone down", not "it's gone purple"."""
    words = [t.lower for t in tokens]
    return any(
        words[at : at + 2] == ["gone", "down"]
        and not {"has", "have", "'s", "had"}.isdisjoint(words[at - 2 : at])
        for at in range(2, len(words))
    )


#: Verbs of noticing: "if you feel the roller drifting into your lower back" tells what the
#: reader may notice, not what to do.
_NOTICING = frozenset({"feel", "notice", "sense", "find", "catch", "see", "spot"})
_IF = frozenset({"if", "when", "whenever", "once"})


def noticed(action: Hit, tokens: Sequence[Token], scope: Scope) -> bool:
    """True when the action stands in an "if"/"when" clause after a verb of noticing, or
    with the roller moving by itself ("if the roller slides under your lower back, ...")."""
    before = scope.lemmas[scope.clause_start(action.start) : action.start]
    if not before or before[0] not in _IF:
        return False
    lemma = scope.lemmas[action.start]
    following = scope.lemmas[action.end] if action.end < len(tokens) else ""
    drifting = (lemma in ROLLER_WORDS and following in _DRIFTING) or (
        lemma in _DRIFTING and before[-1] in ROLLER_WORDS
    )
    return drifting or not _NOTICING.isdisjoint(before)


#: What the roller does by itself.
_DRIFTING = frozenset({"slide", "slip", "drift", "creep", "wander", "roll", "end", "land", "start"})


#: Words of harm after a modal ("can bleed", "could tear").
_HARMS = HARM_LEMMAS | MODAL_HARM


def _harm_first(action: Hit, tokens: Sequence[Token], scope: Scope) -> bool:
    """True when the action is the condition of a harm told before it ("a bruised area can
    bleed more if you roll it"): "if" or "when" just before the action, and a harm word
    after a modal before that."""
    opener = next(
        (
            at
            for at in range(action.start - 1, max(action.start - 4, -1), -1)
            if tokens[at].lemma in _IF
        ),
        None,
    )
    if not opener:
        return False
    # "can bleed", "can make it swell": a harm word within three words after a modal.
    return any(
        t.lemma in _MODAL_WORDS and _HARMS.intersection(x.lemma for x in tokens[at + 1 : at + 4])
        for at, t in enumerate(tokens[:opener])
    )


def _token_at(tokens: Sequence[Token], offset: int) -> int:
    for index, token in enumerate(tokens):
        if token.end > offset:
            return index
    return max(len(tokens) - 1, 0)
