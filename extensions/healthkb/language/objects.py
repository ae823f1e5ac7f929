"""What an action is done to: whether a place or injury is the object of an action word
("roll the lumbar spine", "rest the roller on your lower back"), whether the action word
describes rather than orders ("the first exercise rolls over ..."), and the earlier place a
pronoun stands for ("roll right across it"). Used by the contradiction finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from healthkb.language.cues import HANDS, ROLLER_WORDS
from healthkb.language.finding import Hit
from healthkb.language.scope import Scope
from healthkb.language.text import Token

#: How many tokens may stand between an action and the place it is done to ("roll gently up
#: and down from the lumbar spine").
OBJECT_REACH = 8
#: How far the place may be when the words just before it end a path to it ("all the way
#: down to", "straight into the middle of").
PATH_REACH = 12
_PATH_ENDS = frozenset({"into", "onto", "under", "along", "over", "across"})


#: Nouns of a bony place that a place after "at" or "of" says where it is.
_BONY_NOUNS = frozenset({"knob", "bump", "bit", "ridge", "point", "tip", "bone", "lump"})


def _path_to(tokens: Sequence[Token], start: int, end: int) -> bool:
    """True when the words from ``start`` to ``end`` end a path: a preposition of place, or
    "to" after "down", "up", "way" or "right" (not the "to" of a verb: "to keep it down")."""
    for at in range(start, end):
        lemma = tokens[at].lemma
        if lemma in _PATH_ENDS and tokens[at - 1].lemma != "just":
            return True  # not "up to just under the knee": near it, not on it
        if lemma == "to" and at > 0 and tokens[at - 1].lemma in {"down", "up", "way", "right"}:
            return True
        if lemma in {"at", "of"} and at > 0 and tokens[at - 1].lemma in _BONY_NOUNS:
            return True  # "on the bony knobs at the back of your neck"
    return False


#: Prepositions that put a body place onto the roller ("drape your lower back over the roller").
_ONTO = frozenset({"on", "onto", "over", "across", "against", "into", "along"})
#: Pronouns that can stand for the place of an earlier clause ("don't skip the kneecap; roll
#: right across it").
PRONOUNS = frozenset({"it", "them"})
#: Nouns that, after "the", "that" or "this", stand for an injury or place named before
#: ("Banged your thigh and it's puffy? Roll right over the lump.").
ANAPHORS = frozenset({"spot", "area", "lump", "injury", "place", "bit", "part", "patch", "mark"})
_DEMONSTRATIVES = frozenset({"the", "that", "this"})
#: Verbs done to the roller itself ("move it back up").
_MOVES = frozenset({"move", "shift", "reposition", "lift", "take", "slide"})
#: Prepositions after a pronoun that put it (the roller) somewhere named next, and the
#: areas it is put on instead ("put it under your upper back").
_PUT_TO = frozenset({"under", "beneath", "on", "onto", "into", "against", "across", "up", "down"})
_OTHER_AREAS = frozenset(
    """upper mid thoracic glute glutes hip hips hamstring hamstrings quad quads calf
    calves thigh thighs shoulder shoulders bottom bum buttock buttocks""".split()  # noqa: SIM905 (a list of words, read as prose)
)
#: Words that start another clause between an action and a pronoun.
_NEW_CLAUSE = frozenset({"and", "so", "but", ",", ";", "then", "while"})
#: Words that open that clause ("and let it", "and it's").
_CLAUSE_OPENERS = frozenset({"let", "it", "i", "you", "we", "they", "he", "she"})


def object_of(action: Hit, target: Hit, tokens: Sequence[Token]) -> bool:
    """True when ``target`` can be what ``action`` is done to: its object or a place phrase
    after it ("roll the lumbar spine", "rest the roller on your lower back"), or the subject
    of the action in the passive ("the elbow is best rolled on ..."). A place before an
    active verb is its subject ("tight lats create stress on ...", "the lower back becomes a
    fulcrum with the roller"), not where the roller goes. A target in the gap of the
    action's phrase is its object ("give it a gentle roll")."""
    if action.start < target.start and target.end < action.end:
        return True
    if target.start >= action.end:
        return _object_after(action, target, tokens)
    if _given(action, target, tokens):
        return True  # "give the lumbar region a quick roll"
    if target.end == action.start:
        # A compound ("lumbar rolling", "neck roll"), not the place as the subject of a
        # verb ("let the lumbar region rest").
        word = tokens[action.start].lower
        return word.endswith("ing") or word in _COMPOUND_ACTIONS
    if tokens[action.start].lemma == "roller" and action.start - target.end <= 3:
        between = {t.lemma for t in tokens[target.end : action.start]}
        if between & _ONTO:
            return True  # the place put onto the roller
    between = {t.lemma for t in tokens[target.end : action.start]}
    # "start at the tailbone", "start at the base of your spine"
    starts_at = tokens[target.start].lemma in {"at", "from"} or any(
        t.lemma in {"at", "from"} for t in tokens[max(0, target.start - 2) : target.start]
    )
    if starts_at and action.start - target.end <= 2 and between <= {"and", "then", ","}:
        return True  # the place the rolling starts from: "start at the tailbone and roll up"
    if between & _BENEFIT:
        # the place as the subject that gains: "the low back responds best to"; not when
        # the rolling names its own muscles ("your lower back will thank you for rolling
        # your glutes")
        return _OTHER_MUSCLES.isdisjoint(t.lemma for t in tokens[action.end : action.end + 4])
    be = max((at for at in range(target.end, action.start) if tokens[at].lemma == "be"), default=-1)
    if {"be", "where"} <= between and action.start - be <= 5:
        # "the swollen spot is exactly where the roller should go", not "shouldn't go"
        denied = {t.lemma for t in tokens[action.end : action.end + 3]} & {"not", "never", "n't"}
        return not denied
    if "be" in between and "to" in between and between & _ALLOWED:
        return True  # the place allowed: "the arch behind your belly button is fine to roll"
    if between & _SPOTS and between & _PRAISED:
        return True  # the place praised as a spot for it: "the best place to foam roll"
    spot_after = {t.lemma for t in tokens[action.end : action.end + 2]} & _SPOTS
    if "be" in between and between & _PRAISED and spot_after:
        return True  # "the small of the back is a great rolling zone"
    after = [t.lemma for t in tokens[action.end : action.end + 5]]
    if not ROLLER_WORDS.isdisjoint(after) and _ONTO.intersection(after):
        return True  # the place goes onto the roller: "a strained calf can go back on the roller"
    # "the lower spine is skipped": a place skipped is not rolled
    return _passive(action, tokens) and tokens[action.start].lemma != "skip"


def _object_after(action: Hit, target: Hit, tokens: Sequence[Token]) -> bool:
    """True when ``target``, after ``action``, is what it is done to: near enough (further
    at the end of a path), and nothing between them makes it another verb's or another
    clause's."""
    reach = OBJECT_REACH
    if _path_to(tokens, max(action.end, target.start - 3), target.start):
        reach = PATH_REACH  # "roll from your shoulder blades all the way down to it"
    if target.start - action.end > reach:
        return False
    gap = tokens[action.end : target.start]
    pronoun = tokens[target.start].lower in PRONOUNS
    place = target.key.startswith("places.") and not pronoun
    if not place and gap and gap[-1].lemma in _NEW_SUBJECT:
        return False  # "roll the other leg till it fades": "it" is the next verb's subject
    if tokens[action.start].lemma == "do" and _names_exercise(tokens, target.end):
        return False  # "do neck stretches" names an exercise, not a place to roll
    # a place after "see if" is what the rolling may change, not what is rolled ("try
    # rolling your glutes and see if the lower back eases"); "even if" keeps it the object
    opened = [at for at, t in enumerate(gap) if t.lemma in {"if", "whether"}]
    if place and any(at == 0 or gap[at - 1].lemma != "even" for at in opened):
        return False
    # a relative clause's verb takes the pronoun after it ("work the muscles that attach
    # to it")
    if pronoun and any(t.lemma in _RELATIVES and at + 1 < len(gap) for at, t in enumerate(gap)):
        return False
    # Another verb between them takes the place as its own object ("foam rolling lessened
    # soreness in the lower back", "roll ... to reduce inflammation"), and so does a thing
    # other than the roller ("put a heat pack on your lower back").
    return not any(
        t.lemma in TREAT
        or t.lemma in _NOT_ROLLERS
        or (t.lemma in _OWN_OBJECT and not pronoun)
        or (t.lower.endswith("ed") and t.lemma != t.lower)
        for t in gap
    )


#: Words after which a pronoun is the subject of a new clause ("till it fades").
_NEW_SUBJECT = frozenset({"till", "until", "while", "when", "as", "because", "once"})
#: Nouns after a place that make it an exercise's name ("neck stretches").
_EXERCISES = frozenset({"stretch", "stretches", "exercise", "exercises", "drill", "drills"})


def _names_exercise(tokens: Sequence[Token], after: int) -> bool:
    """True when the word after a place names an exercise ("neck stretches")."""
    return after < len(tokens) and tokens[after].lower in _EXERCISES


#: Muscles rolled instead of the place ("... for rolling your glutes").
_OTHER_MUSCLES = _OTHER_AREAS | {"flexor", "flexors", "lat", "lats"}
#: Words that open a relative clause.
_RELATIVES = frozenset({"that", "which", "who"})


def _given(action: Hit, target: Hit, tokens: Sequence[Token]) -> bool:
    """True when the place is what a noun of rolling is given to ("give the lumbar region a
    quick roll", "gave my kneecap a good going-over")."""
    if not (target.end <= action.start <= target.end + 3):
        return False
    before = {t.lemma for t in tokens[max(0, target.start - 3) : target.start]}
    between = {t.lemma for t in tokens[target.end : action.start]}
    return "give" in before and "a" in between


#: Things put on a place that are not the roller ("a heat pack", "a folded towel").
_NOT_ROLLERS = HANDS | frozenset(
    """heat ice pack towel pillow cushion blanket brace tape bottle cream gel
    wheat""".split()  # noqa: SIM905 (a list of words, read as prose)
)
#: Action nouns after a place that name rolling it ("lumbar rolls", "a lumbar glide").
_COMPOUND_ACTIONS = frozenset(
    {"roll", "rolls", "massage", "release", "glide", "glides", "sweep", "sweeps", "rock", "fr"}
)
#: Verbs that take the place after them as their own object ("roll the glutes and let the
#: lumbar region rest").
_OWN_OBJECT = frozenset({"let", "leave", "allow", "spare", "protect"})
#: Verbs whose object is a complaint treated, not a place rolled.
TREAT = frozenset({"reduce", "relieve", "ease", "lessen", "prevent", "treat", "soothe", "calm"})


def describes(
    action: Hit, tokens: Sequence[Token], scope: Scope, actions: Sequence[Hit] = ()
) -> bool:
    """True when the action is a third-person verb after its subject ("the first exercise
    rolls over the lumbar spine"): what something does, not what the reader is told to do.
    The roller as the subject describes the practice ("the roller sits directly on it")."""
    token = tokens[action.start]
    if _abbreviation(tokens, action.start):
        return False  # a clinician's abbreviation is an order ("FR to injured area")
    previous = tokens[action.start - 1].lower if action.start > 0 else ""
    if token.lower.endswith("s") and (previous in _COUNTS or previous.isdigit()):
        return False  # a count of strokes, as in a routine: "ten slow passes", "gentle rolls"
    after_determiner = action.start > 0 and tokens[action.start - 1].lemma in _NOUN_MAKERS
    if token.lemma != "roller" and after_determiner:
        return True  # a noun, not an order: "compressive load on the lumbar region"
    start = scope.clause_start(action.start)
    if start == action.start:
        return False
    before = [t.lemma for t in tokens[start : action.start]]
    if (
        token.lower == token.lemma
        and before[0] not in _PEOPLE
        and _ANATOMY.intersection(before[:3])
        and not _PEOPLE.intersection(before)
        and not any(other.start == start for other in actions)
    ):
        return True  # anatomy as the subject: "tight glutes pull the pelvis and load the discs"
    if not (token.lower.endswith("s") and token.lemma != token.lower and token.lemma != "roller"):
        return False
    if _person_does(tokens, start, action.start):
        return False  # someone's practice told: "my mum rolls the bottom of her back"
    if tokens[action.end : action.end + 1] and tokens[action.end].lower == "you":
        return False  # an app or class that "rolls you up and down the back of your neck"
    return not any(t.lemma == "roller" for t in tokens[max(start, action.start - 3) : action.start])


def _person_does(tokens: Sequence[Token], start: int, action: int) -> bool:
    """True when the subject just before the verb at ``action`` is a person ("she", "my
    physio friend", "Jess"): a practice told of someone, which recommends it as much as an
    order does, not what an exercise or a body part does."""
    first = max(start, action - _SUBJECT_REACH)
    return any(is_person(tokens, at) for at in range(first, action))


def is_person(tokens: Sequence[Token], at: int) -> bool:
    """True when the word at ``at`` names someone who can roll: a word for a person ("my
    sister", "our class") or a name, capitalised inside the sentence and not after a
    heading's colon or dash ("In the clip, Priya rolls ..."; not "Massage - See a ...")."""
    token = tokens[at]
    if token.lemma in PERSONS:
        return True
    named = token.text[:1].isupper() and token.text[1:].islower()
    return named and at > 0 and tokens[at - 1].text not in _LABEL_MARKS


#: Marks after which a capital opens a new line of text, not a name.
_LABEL_MARKS = frozenset({":", "-", "—", "–", ";", ".", "!", "?", '"', "("})


#: Most words of a subject before its verb ("the guy at my gym rolls ...").
_SUBJECT_REACH = 6


def _abbreviation(tokens: Sequence[Token], at: int) -> bool:
    """True when the word at ``at`` is a short abbreviation in capitals ("FR", "SMR") in a
    sentence that is not itself written in capitals."""
    text = tokens[at].text
    if not (text.isupper() and 1 < len(text) <= 4):
        return False
    return any(t.text.isalpha() and not t.text.isupper() for t in tokens)


#: Words for a person who can roll ("she", "my mum", "our guest").
PERSONS = frozenset(
    """she he mum mom dad friend husband wife partner daughter son guest sister brother
    grandad grandpa gran grandma nan neighbour colleague client patient coach physio trainer
    teacher instructor boyfriend girlfriend mate guy man woman lady girl boy kid influencer
    athlete runner lifter dancer player teammate member student granny class group
    team squad club""".split()  # noqa: SIM905 (a list of words, read as prose)
)


#: Words before a plural action noun that count strokes ("ten slow passes", "a few rolls").
_COUNTS = frozenset(
    [
        "thirty",
        "forty",
        "sixty",
        "ninety",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "twelve",
        "fifteen",
        "twenty",
        "few",
        "several",
        "some",
        "slow",
        "gentle",
        "firm",
        "light",
        "quick",
        "long",
        "short",
        "small",
        "couple",
        "more",
    ]
)
#: Body parts and tissues that, as a clause's subject, make it a statement about anatomy.
_ANATOMY = frozenset(
    {
        "glute",
        "glutes",
        "muscle",
        "lat",
        "lats",
        "psoas",
        "hamstring",
        "quad",
        "quads",
        "flexor",
        "flexors",
        "pelvis",
        "fascia",
        "tissue",
        "spine",
        "disc",
        "joint",
        "tendon",
    }
)
#: Subjects that make a clause about what people do (a practice, perhaps recommended).
_PEOPLE = frozenset({"you", "your", "people", "we", "i", "they", "everyone", "anyone", "many"})


#: Words before an action word that make it a noun ("the load", "compressive load").
_NOUN_MAKERS = frozenset(
    {"the", "a", "an", "this", "that", "compressive", "extra", "heavy", "uneven", "more", "less"}
)


#: Verbs that say a place gains from what follows ("the lumbar spine responds well to ...").
_BENEFIT = frozenset(
    {"respond", "benefit", "love", "enjoy", "welcome", "thank", "crave", "deserve"}
)
#: Words that allow the action on the place before them ("is fine to roll", "safe to").
_ALLOWED = frozenset({"fine", "safe", "ok", "okay", "alright"})
#: Words that name a place as a spot for the action, and words that praise it ("one of the
#: best places to roll", "the obvious spot for a roller", "the sweet spot"; "best" is "well").
_SPOTS = frozenset({"place", "spot", "area", "target", "zone"})
_PRAISED = frozenset(
    {"best", "good", "obvious", "ideal", "perfect", "great", "favourite", "favorite", "sweet"}
    | {"top", "key", "main", "right", "prime", "well"}
)


def antecedents(
    actions: Sequence[Hit],
    targets: Sequence[Hit],
    tokens: Sequence[Token],
    referents: Sequence[Hit] = (),
    places: Sequence[Hit] = (),
) -> list[Hit]:
    """Pronouns after an action that stand for the last target before it ("roll right
    across it", "park the roller there"), as hits of that target's concept at the pronoun.
    ``referents`` are places named only as a complaint, which a pronoun can still stand
    for ("If your lower back feels stiff, roll it out"); ``places`` are all the places
    named, so that "there" after another one stands for that one."""
    out = []
    starts = {a.start for a in actions}
    known = (*targets, *referents)
    names_roller = any(t.lemma in ROLLER_WORDS for t in tokens)
    for action in actions:
        earlier = [t for t in known if t.end <= action.start]
        if not earlier:
            continue
        last = max(earlier, key=lambda t: t.start)
        # a pronoun inside the action's phrase ("give it a gentle roll") is its object,
        # unless the roller is used on another area ("use it on my hips")
        inner = [
            at for at in range(action.start + 1, action.end - 1) if tokens[at].lower in PRONOUNS
        ]
        after = (t.lower for t in tokens[action.end : action.end + 3])
        if inner and _OTHER_AREAS.isdisjoint(after):
            out.append(_standing_for(last, tokens, inner[0]))
            continue
        # "move it", "reposition it" in a sentence that names the roller: "it" is the roller
        if names_roller and tokens[action.start].lemma in _MOVES:
            continue
        at = _pronoun_after(action, tokens, starts)
        if at is None or _put_elsewhere(tokens, at):
            continue
        if tokens[at].lower == "there" and _other_place_since(last, tokens, at, places, known):
            continue
        out.append(_standing_for(last, tokens, at))
    return out


def _standing_for(target: Hit, tokens: Sequence[Token], at: int) -> Hit:
    """A hit of ``target``'s concept at the pronoun or anaphor at ``at``."""
    return Hit(target.key, at, at + 1, tokens[at].start, tokens[at].end)


def _pronoun_after(action: Hit, tokens: Sequence[Token], starts: set[int]) -> int | None:
    """The first pronoun, "there" or anaphor ("the lump", "that spot", "the sore lump")
    within six words after ``action``, unless another action or clause comes first ("sit up
    and move it", "roll your other leg and let it calm down")."""
    for at in range(action.end, min(action.end + 6, len(tokens))):
        if at in starts and tokens[at].lemma not in ANAPHORS:
            return None
        following = tokens[at + 1].lower if at + 1 < len(tokens) else ""
        if tokens[at].lower in _NEW_CLAUSE and following in _CLAUSE_OPENERS:
            return None
        if tokens[at].lower in PRONOUNS or _there(tokens, at) or _anaphor(action, tokens, at):
            return at
    return None


def _anaphor(action: Hit, tokens: Sequence[Token], at: int) -> bool:
    """True when the word at ``at`` is an anaphor after "the", "that" or "this", perhaps
    with one word between ("the sore lump")."""
    if tokens[at].lemma not in ANAPHORS:
        return False
    return tokens[at - 1].lower in _DEMONSTRATIVES or (
        at >= 2 and tokens[at - 2].lower in _DEMONSTRATIVES and at - 1 >= action.end
    )


def _put_elsewhere(tokens: Sequence[Token], at: int) -> bool:
    """True when the pronoun at ``at`` is the roller put somewhere else: "move it (up) to
    the mid back", "put it under your upper back" (not for an anaphor: "the lump on my
    quad" is the injury)."""
    after = [t.lower for t in tokens[at + 1 : at + 4]]
    moved = any(
        word == "to" and after[n + 1 : n + 2] in (["the"], ["your"], ["my"])
        for n, word in enumerate(after[:2])
    )
    if moved:
        return True
    pronoun = tokens[at].lower in PRONOUNS or tokens[at].lower == "there"
    further = [t.lower for t in tokens[at + 1 : at + 6]]
    return pronoun and not _PUT_TO.isdisjoint(after[:2]) and not _OTHER_AREAS.isdisjoint(further)


def _other_place_since(
    last: Hit, tokens: Sequence[Token], at: int, places: Sequence[Hit], known: Sequence[Hit]
) -> bool:
    """True when another area is named between the target ``last`` and "there" at ``at``
    ("put it under the glutes and roll there": "there" is the glutes)."""
    if any(t.lower in _OTHER_AREAS for t in tokens[last.end : at]):
        return True
    other = [
        p.start
        for p in places
        if p.end <= at and not any(t.start <= p.start and p.end <= t.end for t in known)
    ]
    return max(other, default=-1) > last.start


def _there(tokens: Sequence[Token], at: int) -> bool:
    """True when "there" at ``at`` is a place ("park the roller there"), not "there is"."""
    if tokens[at].lower != "there":
        return False
    return at + 1 >= len(tokens) or tokens[at + 1].lemma not in {"be", "'s", "'re"}


def _passive(action: Hit, tokens: Sequence[Token]) -> bool:
    """True when ``action`` is a participle after a form of "be" ("is rolled", "can be
    best worked")."""
    word = tokens[action.start].lower
    if not (word.endswith(("ed", "en")) or word in {"put", "set", "laid", "hit"}):
        return False
    return any(t.lemma == "be" for t in tokens[max(0, action.start - 3) : action.start])
