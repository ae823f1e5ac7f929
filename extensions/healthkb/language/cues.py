"""The cue words of :mod:`healthkb.language.scope`: what negates, avoids, moves off a place,
ends a clause, marks a mistake, a harm, a warning, a question or a suggestion.

Lemmas in lower case, kept apart from the scope logic so the lists can be read and tuned
on their own. Pure data: no imports of the project.
"""

from __future__ import annotations

#: Single lemmas that negate or avoid what follows them in their clause.
NEGATION_LEMMAS = frozenset(
    [
        "not",
        "never",
        "no",
        "nor",
        "without",
        "avoid",
        "stop",
        "skip",
        "refrain",
        "resist",
        "ban",
        "forbid",
        "nobody",
        "doubt",
        "spare",
        "bypass",
        "exclude",
        "except",
        "neither",
        "nothing",
        "shouldn't",
        "cannot",
        "than",
    ]
)
#: Lemma sequences that negate, avoid or contrast what follows them.
NEGATION_PHRASES: tuple[tuple[str, ...], ...] = (
    ("instead", "of"),
    ("rather", "than"),
    ("away", "from"),
    ("short", "of"),
    ("stay", "off"),
    ("keep", "off"),
    ("steer", "clear"),
    ("other", "than"),
    ("apart", "from"),
    ("as", "oppose", "to"),
    ("as", "opposed", "to"),
    ("leave", "out"),
    ("off", "limit"),
    ("off", "limits"),
    ("stay", "away"),
    ("keep", "away"),
    ("not", "directly"),
    ("hold", "off"),
    ("put", "off"),
    ("clear", "of"),
    ("nowhere", "near"),
)
#: Lemmas that put an action beside a place rather than on it (cover the next few words).
AROUND_LEMMAS = frozenset(
    [
        "around",
        "round",
        "beside",
        "besides",
        "near",
        "nearby",
        "next",
        "surround",
        "surrounding",
        "adjacent",
        "above",
        "below",
        "alongside",
        "either",
        "side",
        "sides",
        "indirectly",
        "behind",
        "toward",
        "towards",
        "between",
    ]
)
#: Words after a place that say the place itself is left alone ("... indirectly").
AFTER_PLACE = frozenset({"indirectly", "alone", "nowhere"})
#: Subordinators that open a clause which a comma closes.
SUBORDINATORS = frozenset(
    [
        "if",
        "when",
        "whenever",
        "while",
        "although",
        "though",
        "because",
        "since",
        "unless",
        "once",
        "after",
        "before",
        "as",
        "until",
        "whether",
    ]
)
#: Words that link a new statement, so an "around" cue before them does not reach a place
#: after them ("lie across it just above your hips so the lumbar spine arches").
LINKS = frozenset({"so", "and", ",", "then", "while", "with"})
BOUNDARY_WORDS = frozenset({"but", "whereas", "instead", "however", "otherwise", "yet"})
AFTER_COMMA = frozenset({"and", "but", "then", "so", "or", "which", "who", "because", "while"})
CLAUSE_STOPS = frozenset({";", ":", "(", ")", "[", "]", "--", "-", "—", "–", "?", "!", "."})

#: Words that say a sentence describes a mistake.
MISTAKE_LEMMAS = frozenset(
    [
        "mistake",
        "error",
        "wrong",
        "wrongly",
        "myth",
        "misconception",
        "misguided",
        "pitfall",
        "rookie",
        "mistaken",
        "bad",
        "idea",
        "trap",
        # "it's tempting to hold the pressure until ..." tells a temptation, not an order
        "tempting",
        "tempt",
        "temptation",
        # "if you feel the urge to roll your lower back" tells a temptation too
        "urge",
        "regret",
    ]
)
#: Lemmas of harm: after the action, they make the clause a warning.
HARM_LEMMAS = frozenset(
    [
        "cause",
        "worsen",
        "irritate",
        "irritation",
        "aggravate",
        "hurt",
        "damage",
        "injure",
        "compress",
        "compression",
        "overstretch",
        "overextend",
        "hyperextend",
        "harm",
        "risk",
        "risky",
        "dangerous",
        "unsafe",
        "harmful",
        "destabilise",
        "destabilize",
        "instability",
        "inflame",
        "stress",
        "jeopardize",
        "jeopardise",
        "overload",
        "hyperextend",
        "hyperextension",
        "pinch",
        "backfire",
        "worse",
        "danger",
        "hazard",
        "inadvisable",
        "counterproductive",
        "crush",
        "crunch",
        "create",
        "increase",
        "lack",
        "painful",
        "bleed",
        "bleeding",
    ]
)
#: Injury verbs that warn after a modal ("rolling there can strain the joints").
MODAL_HARM = frozenset(
    {"strain", "tear", "bruise", "injure", "pinch", "sprain", "inflame", "press", "squash", "swell"}
)
#: Words of use that warn when negated ("it isn't helping").
USELESS_LEMMAS = frozenset({"help", "necessary", "useful", "worth", "needed", "effective"})
#: Words before a harm word that avoid the harm rather than warn of it.
AVOIDED = frozenset({"avoid", "without", "prevent", "reduce", "skip"})
#: Verbs of treating just before a harm word: the harm is what the order mends ("to break
#: up the damage", "to ease the strain").
TREATING = frozenset({"break", "ease", "fix", "heal", "repair", "clear", "calm", "relieve"})
TREATING |= frozenset({"soothe", "release", "flush", "shift", "loosen"})
#: Words that deny the mistake word after them ("nothing wrong with ...", "a good idea").
DENIED = frozenset({"nothing", "not", "no", "good", "great", "fine", "smart", "wise"})
MODALS = [["can"], ["could"], ["may"], ["might"], ["will"], ["would"]]
NOT_WORDS = frozenset({"not", "never", "no", "n't"})
#: Words that may come before the verb of an order ("so roll it", "and then give it ...").
OPENERS = frozenset({"so", "then", "and", "just", "instead", ",", "now", "simply"})
#: Base-form words that open a statement, not an order.
NOT_VERBS = frozenset(
    {
        "it",
        "you",
        "i",
        "we",
        "they",
        "he",
        "she",
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "people",
        "most",
        "many",
        "some",
        "there",
        "what",
        "which",
        "who",
        "your",
        "my",
        "if",
        "when",
        "while",
        "because",
        "as",
        "but",
        "or",
        "not",
        "no",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "after",
        "before",
        "until",
        "one",
        "each",
        "every",
        "all",
        "any",
    }
)
INVERTING = frozenset({"can", "could", "should", "do", "will", "would", "may"})
ASKED = frozenset({"you", "i", "we"})
#: First words of an answer that make the question before it a recommendation ("Should you
#: roll ...? Of course", "Would it hurt to ...? Not if you keep it gentle").
YES = frozenset({"yes", "sure", "absolutely", "definitely", "of", "yep", "yeah", "totally"})
ADVISE = frozenset({"recommend", "advise", "suggest"})
#: Words that make what follows a condition ("if it hurts", "unless", "as long as").
CONDITION = frozenset({"if", "unless", "long", "until", "till"})
#: Words that make an uncertain or forbidding clause (the reader is warned, not told to).
WARNING_LEMMAS = frozenset({"warn", "warning", "caution", "careful", "beware", "danger"})
QUESTION_WORDS = frozenset(
    [
        "can",
        "could",
        "should",
        "is",
        "are",
        "do",
        "does",
        "did",
        "will",
        "would",
        "may",
        "might",
        "what",
        "how",
        "why",
        "when",
        "where",
        "which",
        "who",
    ]
)


#: Words whose negation encourages ("don't be afraid to", "never hesitate to").
RELUCTANCE_LEMMAS = frozenset(
    {"afraid", "hesitate", "scared", "shy", "worry", "forget", "wrong", "harm"}
    # the lookup lemmas of "scared", "frightened"; "nervous", "wary" and "neglect" as they are
    | {"scare", "frighten", "nervous", "wary", "neglect"}
)
#: Hands, which can do the work instead of the roller ("use your hands to massage it").
HANDS = frozenset({"hand", "hands", "finger", "fingers", "thumb", "thumbs", "palm", "palms"})
#: Words for the roller itself (what "it" may stand for, what moves by itself).
ROLLER_WORDS = frozenset({"roller", "ball", "foam"})
#: Most words of a lead-in question ("Tweaked your hamstring in today's game? Roll it").
LEAD_IN = 16
#: Openings of questions that suggest doing something.
SUGGESTIONS = frozenset(
    {("why", "not"), ("ever", "try"), ("why", "wait"), ("how", "about"), ("what", "about")}
    # a rhetorical "why" says the opposite: "Why stop just because your foot goes numb?"
    | {("why", "stop"), ("why", "bother"), ("why", "rush"), ("why", "make"), ("why", "would")}
    | {("why", "avoid"), ("why", "skip"), ("ever", "think"), ("ever", "just")}
)


#: Words so common in prose about back pain that a phrase's slot holding one of them says
#: little about whether the phrase is there ("the longer", "where ... belt", "pain ... leg"):
#: the screen looks for a phrase by another of its words when it has one.
COMMON_WORDS = frozenset(
    """a an the and or of to in into on onto at from by for with as than that this it its
    you your i my we our they their he she his her be is are was do does can could not no
    never will would should may might must just so too very more most all some any each
    where when while if until till what which who how why there here then up down out off
    over under above below between through along around about after before back pain ache upper
    roll rolling roller foam muscle body feel feeling feelings go run move keep hold get put
    time day week area spot bit part side top bottom base point tip need make give
    second full deep help itself yourself - ' , can't n't""".split()  # noqa: SIM905 (a list of words, read as prose)
)
