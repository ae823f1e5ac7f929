"""Permission findings: a rule's condition with a permission ("fine", "safe", "as usual")
or a recommended action, and no referral to a professional; or a referral waved away ("no
need to see a doctor").
"""

from __future__ import annotations

from collections.abc import Sequence

from healthkb.language.cues import NOT_VERBS
from healthkb.language.finding import Finding, Hit, finding_at, hits_of
from healthkb.language.objects import is_person
from healthkb.language.rules import ConceptRule
from healthkb.language.scope import Scope
from healthkb.language.text import Token

#: Words that wave a referral away ("no need to see a doctor", "an overreaction").
WAVING = frozenset(
    ["need", "skip", "bother", "sign", "unnecessary", "overreaction", "overkill", "pointless"]
)


#: Waving words that wave a referral away only when negated ("no need to", "no reason to").
_NEGATED_WAVING = frozenset({"need", "skip", "bother", "sign"})


def permitted(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """The first permission phrase that is not negated ("not safe", "never fine")."""
    for hit in hits_of(hits, [h.key for h in hits if h.key.startswith("permission.")]):
        if not scope.negated(hit.start, window=3):
            return hit
    return None


def referred(hits: Sequence[Hit], scope: Scope) -> bool:
    """True when the sentence sends the reader to a professional (not waved away): a
    referral that is not negated, or one that lifts a negation ("don't start rolling
    after surgery until your surgeon says it's OK"); not a professional who only
    diagnosed or has an opinion, nor a hospital one has left (:func:`_told_only`)."""
    # A referral inside a described mistake is waved away ("my mistake was asking my doctor
    # first"; "a common mistake is waiting for the doctor's go-ahead").
    return any(
        hit.key.startswith("referral.")
        and (not scope.negated(hit.start) or _lifts(hit.start, scope) or _unless_seen(hit, scope))
        and not _told_only(hit, scope)
        and not scope.names_mistake(hit.start)
        for hit in hits
    )


def _unless_seen(hit: Hit, scope: Scope) -> bool:
    """True when a referral not yet made is the condition ("if you haven't checked with
    your midwife, sit this part out"): the sentence still sends the reader to one."""
    opening = scope.lemmas[scope.clause_start(hit.start) : hit.start]
    return "if" in opening[:2] or "if" in scope.lemmas[: hit.start][:3]


#: Words after a professional that make them the one who diagnosed or reckons, not one the
#: reader is sent to ("your physio diagnosed stenosis", "my physio friend reckons").
_TELLING = frozenset(
    {"diagnose", "diagnosed", "reckon", "reckons", "friend", "mate", "mention", "mentioned"}
    | {"never"}  # "surgeon never said anything about rolling", "would never know"
)
#: Words before a place of care that say the reader has left it ("fresh out of hospital").
_LEAVING = frozenset({"out", "leave", "left", "discharge", "discharged"})


def _told_only(hit: Hit, scope: Scope) -> bool:
    """True when the referral ``hit`` names a professional as the one who told or diagnosed
    ("If your physio diagnosed stenosis ...") or a hospital one has left."""
    tokens = scope.tokens
    after = {t.lemma for t in tokens[hit.end : hit.end + 2]} | {
        t.lower for t in tokens[hit.end : hit.end + 2]
    }
    before = {t.lemma for t in tokens[max(0, hit.start - 2) : hit.start]}
    # "we get asked this a lot": the writer is asked, nobody is sent anywhere
    asked = (
        tokens[hit.start].lemma == "ask"
        and hit.start > 0
        and tokens[hit.start - 1].lemma in {"get", "be"}
    )
    return bool(after & _TELLING) or bool(before & _LEAVING) or asked or _diagnosed(hit, scope)


def _diagnosed(hit: Hit, scope: Scope) -> bool:
    """True when what the professional said is a diagnosis, not a go-ahead or a wait
    ("my doctor says my bones are thin like paper", "bone density's low, doctor said, but
    ..."): "says" or "said" just after them, then no word of permission, waiting or
    checking before the clause ends."""
    lemmas = scope.lemmas
    verb = next(
        (at for at in range(hit.end, min(hit.end + 2, len(lemmas))) if lemmas[at] == "say"), None
    )
    if verb is None:
        return False
    said = lemmas[verb + 1 : max(verb + 2, scope.clause_end(verb) + 1)]
    if said[:1] in ([","], ["."], []):
        return True  # "bone density's low, doctor said, but ..."
    return _VERDICTS.isdisjoint(said) and not _TOLD_OF.isdisjoint(said[:4])


#: Words that open a diagnosis after "says" ("my doctor says my bones are thin").
_TOLD_OF = frozenset({"my", "your", "his", "her", "the", "i", "it"})
#: Words that make what was said a go-ahead, a wait or a referral.
_VERDICTS = frozenset(
    """ok okay fine yes no not stop wait when check ask until safe alright can cannot
    avoid let go should must need only allow gentle careful otherwise so""".split()  # noqa: SIM905 (a list of words, read as prose)
)


def _lifts(index: int, scope: Scope) -> bool:
    """True when "until" or "unless" stands just before token ``index``."""
    start = max(scope.clause_start(index), index - 4)
    return any(t.lemma in {"until", "unless", "till"} for t in scope.tokens[start:index])


def _waved_away(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """A referral negated: "no need to see a doctor", "skip the physio"."""
    for hit in hits:
        if not hit.key.startswith("referral."):
            continue
        if _answered_no(hit, scope) or _myth(hit, scope):
            return hit  # "Do I need to ask my doctor first? Not really", a referral as a myth
        if scope.asks(hit.start):
            continue
        start, end = scope.clause_start(hit.start), scope.clause_end(hit.start)
        cue = {t.lemma for t in scope.tokens[start : end + 1]}
        negated = any(start <= at <= end for at in scope.negations)
        # the waving word is the referral's ("skip the physio"), not an order's ("skip
        # rolling it and get it looked at")
        near = {t.lemma for t in scope.tokens[max(start, hit.start - 3) : hit.start]}
        if not _CALLED_WRONG.isdisjoint(cue):
            continue  # "a common mistake is skipping the doctor's check"
        if negated and cue & _NEGATED_WAVING and (near & _NEGATED_WAVING or "need" in cue):
            return hit
        if cue & WAVING - _NEGATED_WAVING:
            return hit
    return None


def _myth(hit: Hit, scope: Scope) -> bool:
    """True when the referral is called a myth ("a common myth is that you need to check
    with a doctor before rolling when pregnant"), not the skipping of one."""
    start, end = scope.clause_start(hit.start), scope.clause_end(hit.start)
    clause = set(scope.lemmas[start : end + 1])
    # "need" belongs to the myth ("... that you need to check"); "skip" would reverse it
    return not clause.isdisjoint(_MYTHS) and clause.isdisjoint(WAVING - {"need"})


_MYTHS = frozenset({"myth", "misconception"})


#: Words that call skipping a referral wrong ("a common mistake is skipping the doctor").
_CALLED_WRONG = frozenset({"mistake", "error", "wrong", "wrongly"})


def _answered_no(hit: Hit, scope: Scope) -> bool:
    """True when a question whether a referral is needed is answered no ("Do I need to
    ask anyone before rolling with a pinched nerve? No, just start slow")."""
    lemmas = scope.lemmas
    mark = next((at for at in range(hit.end, len(lemmas)) if lemmas[at] == "?"), None)
    if mark is None or _OBLIGED.isdisjoint(lemmas[max(0, hit.start - 4) : hit.start]):
        return False
    return lemmas[mark + 1 : mark + 2] in (["no"], ["nope"], ["nah"], ["not"])


#: Words that ask whether a referral is needed ("do I need to ask", "should I see").
_OBLIGED = frozenset({"need", "have", "should", "must"})


def _without(hit: Hit, scope: Scope) -> bool:
    """True when "without" waives the referral ("without asking a doctor"), and no other
    negation in the clause makes it a rule ("never start without asking your doctor")."""
    tokens = scope.tokens
    start = scope.clause_start(hit.start)
    near = [t.lower for t in tokens[max(start, hit.start - 3) : hit.start]]
    if "without" not in near:
        return False
    cue = max(start, hit.start - 3) + near.index("without")
    earlier = [t.lower for t in tokens[start:cue]]
    return not {"never", "not", "n't", "no", "don't"} & set(earlier)


def _plainly_referred(hits: Sequence[Hit], scope: Scope) -> bool:
    """True when some referral of the sentence stands un-negated ("needs emergency care
    today, not a GP appointment next week")."""
    for hit in hits:
        if not hit.key.startswith("referral.") or _answered_no(hit, scope) or _myth(hit, scope):
            continue
        start, end = scope.clause_start(hit.start), scope.clause_end(hit.start)
        clause = {t.lemma for t in scope.tokens[start : end + 1]}
        negated = any(start <= at <= end for at in scope.negations)
        if not negated and not clause & (WAVING - _NEGATED_WAVING):
            return True
    return False


def finding(rule: ConceptRule, text: str, hits: Sequence[Hit], scope: Scope) -> Finding | None:
    """The permission finding of ``rule`` in a sentence, or None."""
    if not rule.conditions:
        return None
    # A referral waved away over a symptom, with none of the rule's conditions named, is the
    # red-flag rules' ("rushing to A&E over a bit of numbness is an overreaction").
    symptom_only = any(h.key.startswith("symptoms.") for h in hits) and not hits_of(
        hits, rule.keys("conditions")
    )
    waved = None if symptom_only else _waved_away(hits, scope)
    if waved is not None and not _plainly_referred(hits, scope):
        return finding_at(rule, "permission", text, waved.begin, waved.finish)
    conditions = [
        hit for hit in hits_of(hits, rule.keys("conditions")) if not _excepted(hit, scope, hits)
    ]
    if not conditions:
        return None
    # "with a slipped disc you can roll without asking a doctor" waives the referral
    waived = next(
        (
            h
            for h in hits
            if h.key.startswith("referral.") and _without(h, scope) and not scope.mistake(h.start)
        ),
        None,
    )
    if waived is not None:
        begin = min(conditions[0].begin, waived.begin)
        return finding_at(rule, "permission", text, begin, max(conditions[0].finish, waived.finish))
    if referred(hits, scope):
        return None
    condition = conditions[0]
    allowed = _granted(hits, scope, conditions)
    if allowed is not None:
        begin = min(condition.begin, allowed.begin)
        return finding_at(rule, "permission", text, begin, max(condition.finish, allowed.finish))
    # A symptom named beside it makes the order the red-flag rules' ("numb and weak? Probably
    # a trapped nerve, roll it out").
    symptom = any(hit.key.startswith("symptoms.") for hit in hits)
    ordered = (
        None
        if symptom
        else _ordered(hits, scope, condition) or _practised(hits, scope) or _praised(hits, scope)
    )
    if ordered is not None:
        begin = min(condition.begin, ordered.begin)
        return finding_at(rule, "permission", text, begin, max(condition.finish, ordered.finish))
    return None


#: Words after "not" or "except" that make what follows an exception ("but not after
#: recent surgery", "not for anyone with brittle bones").
_EXCEPTING = frozenset({"for", "after", "with", "if", "during", "in", "while", "when", "around"})


#: Verbs that make the condition after them what rolling may do ("may aggravate disc problems").
_WORSENS = frozenset({"aggravate", "worsen", "cause", "trigger", "irritate", "flare"})


def _excepted(condition: Hit, scope: Scope, hits: Sequence[Hit] = ()) -> bool:
    """True when the condition is an exception to the permission ("fine for most people,
    but not after recent surgery"): "not" or "except" before it, then a preposition; or
    what rolling may do, not the reader's ("may aggravate disc or joint problems"); or
    its absence ("sciatica-free"); or "scar tissue", "a month along with", the clot of a
    bruise."""
    tokens = scope.tokens
    if any(t.lemma in _WORSENS for t in tokens[max(0, condition.start - 3) : condition.start]):
        return True
    after = [t.lower for t in tokens[condition.end : condition.end + 2]]
    if not {"free", "ish"}.isdisjoint(after) or after[:1] == ["tissue"]:
        return True  # "sciatica-free mornings", "sciatica-ish"; "scar tissue" is no scar
    if tokens[condition.end - 1].lower == "along" and after[:1] == ["with"]:
        return True  # "once a month along with ..." is no pregnancy
    clot = [t.lower for t in tokens[condition.start : condition.end]] == ["clot"]
    if clot and any(h.key.startswith("injuries.") for h in hits):
        return True  # "break up the clot" of a fresh bruise is no blood clot
    for at in range(max(0, condition.start - 4), condition.start):
        word = tokens[at].lower
        if word in {"except", "excluding"}:
            return True
        if word == "not" and at + 1 < len(tokens) and tokens[at + 1].lower in _EXCEPTING:
            return True
    return False


def _granted(hits: Sequence[Hit], scope: Scope, conditions: Sequence[Hit]) -> Hit | None:
    """The first permission that grants something: not negated, asked, a mistake or a harm,
    and not a word of the condition itself ("Expecting a baby? Rolling is perfectly okay":
    the question asks about the condition, the answer permits)."""
    for hit in hits_of(hits, [h.key for h in hits if h.key.startswith("permission.")]):
        if any(c.start < hit.end and hit.start < c.end for c in conditions):
            continue
        if scope.negated(hit.start, window=3) or scope.asks(hit.start):
            continue
        if scope.mistake(hit.start) or scope.harm(hit.start):
            continue
        # a condition grants nothing ("if you're expecting and haven't checked"); "even if"
        # concedes and grants ("even if you're in your third trimester, ... is safe")
        opening = scope.lemmas[scope.clause_start(hit.start) : hit.start]
        if any(
            w in {"if", "unless"} and opening[at - 1 : at] != ["even"]
            for at, w in enumerate(opening[:3])
        ):
            continue
        return hit
    return None


def _addressed(hit: Hit, scope: Scope, condition: Hit) -> bool:
    """True when the reader is addressed by the condition and then told what to do
    ("Pregnant mums, lie on the roller ..."): a comma after the condition's words, then
    a verb in its base form, the action or the word before it."""
    tokens = scope.tokens
    commas = [at for at in range(condition.end, hit.start) if tokens[at].text == ","]
    if len(commas) != 1 or commas[0] > condition.end + 2 or hit.start - commas[0] > 2:
        return False
    verb = tokens[commas[0] + 1]
    return verb.lower == verb.lemma and verb.lower.isalpha() and verb.lower not in NOT_VERBS


def _ordered(hits: Sequence[Hit], scope: Scope, condition: Hit) -> Hit | None:
    """An order to roll in another clause than the condition's, after it ("After your hip
    replacement, start rolling the thigh", "Got a herniated disc? Get on the roller"): the
    condition frames the order, which tells the reader to go ahead without checking first.
    Not when the order is negated, asked, a mistake or a harm."""
    for hit in hits:
        if not hit.key.startswith("actions.") or condition.start <= hit.start < condition.end:
            continue
        after = hit.start > condition.end and not scope.same_clause(hit.start, condition.start)
        addressed = hit.start > condition.end and _addressed(hit, scope, condition)
        if not addressed and not scope.imperative(hit.start):
            continue
        # an order in the condition's own clause, or before it, opens its clause ("Roll
        # your upper back every evening if you've got a herniated disc", "Keep rolling
        # through the first trimester")
        if not (after or addressed or _opens_clause(hit, scope)):
            continue
        if hit.start in scope.negations:
            continue  # "keep the roller away from ..."
        if not _plain(scope, hit.start):
            continue
        return hit
    return None


#: Words that may stand before an order at the start of its clause.
_BEFORE_ORDER = frozenset(
    {"just", "keep", "start", "then", "and", "so", "now", "please", "gently", "-", "*", "."}
)


def _opens_clause(hit: Hit, scope: Scope) -> bool:
    """True when the action opens its clause (after a list mark or "keep", "just" ...)."""
    start = scope.clause_start(hit.start)
    return all(
        t.lower in _BEFORE_ORDER or t.lower.isdigit() for t in scope.tokens[start : hit.start]
    )


#: Most words between the teller ("I", "my sister", "Kate") and the action of their story.
_STORY_REACH = 6


def _practised(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """Rolling with the condition told as the writer's or someone's own story or habit
    ("Since my back surgery last month I roll the lower spine every day", "I'm 38 weeks and
    still rolling", "a week after my op I got back to rolling", "Kate, seven months along,
    joined the roller session"): a teller shortly before the action in its clause, and the
    action not negated, asked, a mistake or a harm."""
    tokens = scope.tokens
    for hit in hits:
        if not hit.key.startswith("actions."):
            continue
        start = max(scope.clause_start(hit.start), hit.start - _STORY_REACH)
        if not any(_teller(tokens, at) for at in range(start, hit.start)):
            continue
        if _plain(scope, hit.start):
            return hit
    return None


def _plain(scope: Scope, at: int) -> bool:
    """True when the word at ``at`` is stated plainly: not negated, asked, a mistake or a
    harm."""
    return not (scope.asks(at) or scope.negated(at) or scope.mistake(at) or scope.harm(at))


def _teller(tokens: Sequence[Token], at: int) -> bool:
    """True when the word at ``at`` can tell a story of rolling: "I", "we", a person, but
    not a patient (a patient's rolling is a clinician's protocol)."""
    token = tokens[at]
    return token.lower in {"i", "we"} or (is_person(tokens, at) and token.lemma != "patient")


#: Words that praise rolling ("a great time to start rolling", "ideal for anyone with
#: osteoporosis", "the roller has been my best friend"; the lookup lemma of "best" is "well").
PRAISE = frozenset(
    """great ideal perfect good well brilliant fab amazing wonderful help benefit recommend
    love lifesaver godsend important essential vital""".split()  # noqa: SIM905 (a list of words, read as prose)
)


def _praised(hits: Sequence[Hit], scope: Scope) -> Hit | None:
    """Rolling praised beside the condition ("Pregnancy is a great time to start foam
    rolling", "Our clients with stenosis do well on the roller"): an action and a word of
    praise, neither negated, asked, a mistake or a harm, and no "if" before the praise."""
    praised = any(
        lemma in PRAISE
        and not scope.negated(at, window=3)
        and _plain(scope, at)
        and "if" not in scope.lemmas[scope.clause_start(at) : at]
        for at, lemma in enumerate(scope.lemmas)
    )
    if not praised or any(h.key.startswith("injuries.") for h in hits):
        return None  # praise for rolling an injury is the acute rule's ("scar tissue")
    return next((h for h in hits if h.key.startswith("actions.") and _plain(scope, h.start)), None)
