"""Clause boundaries, the scope of negation, avoidance and contrast, and a sentence's mode.

Works on the tokens of one sentence (:func:`healthkb.language.text.tokens`), word lemmas in
lower case. The rules are deliberately local and explainable:

- **Clauses** end at ``;`` ``:`` a dash between words, a bracket, ``but``/``whereas``/
  ``instead``, a comma before ``and``/``but``/``then``/``so``/``or``/``which``, and the comma
  that closes an opening subordinate clause ("If your lower back hurts, roll ...").
- **Negation and avoidance** ("never", "don't", "avoid", "stop", "skip", "without", "instead
  of", "rather than", "not the X itself", "keep it off", "stopping short of", "away from")
  cover what follows them in their clause.
- **Around a place** ("around", "next to", "beside", "near", "either side of", "above",
  "below") moves an action off the place that follows.
- The **mode** says whether a clause recommends or permits, or describes a mistake, warns of
  harm, or asks a question: only recommending and permitting clauses can break a rule.

The cue words themselves are listed in :mod:`healthkb.language.cues`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from healthkb.language.cues import (
    ADVISE,
    AFTER_COMMA,
    AFTER_PLACE,
    AROUND_LEMMAS,
    ASKED,
    AVOIDED,
    BOUNDARY_WORDS,
    CLAUSE_STOPS,
    CONDITION,
    DENIED,
    HARM_LEMMAS,
    INVERTING,
    LEAD_IN,
    LINKS,
    MISTAKE_LEMMAS,
    MODAL_HARM,
    MODALS,
    NEGATION_LEMMAS,
    NEGATION_PHRASES,
    NOT_VERBS,
    NOT_WORDS,
    OPENERS,
    QUESTION_WORDS,
    RELUCTANCE_LEMMAS,
    SUBORDINATORS,
    SUGGESTIONS,
    TREATING,
    USELESS_LEMMAS,
    WARNING_LEMMAS,
    YES,
)
from healthkb.language.text import Token


@dataclass(frozen=True)
class Scope:
    """The clauses and cues of one sentence."""

    tokens: Sequence[Token]
    #: Clause number of each token.
    clause: tuple[int, ...]
    #: Token indexes where a negation or avoidance cue ends (it covers later tokens).
    negations: tuple[int, ...]
    #: Token indexes of "around a place" cues.
    arounds: tuple[int, ...]
    question: bool
    #: The sentence is a suggestion put as a question ("Why not ...?", "Ever tried ...?").
    suggestion: bool = False

    @cached_property
    def lemmas(self) -> list[str]:
        """The lemmas of the tokens (read by several cues; computed once)."""
        return [t.lemma for t in self.tokens]

    @cached_property
    def words(self) -> list[str]:
        """The tokens in lower case (computed once)."""
        return [t.lower for t in self.tokens]

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause[a] == self.clause[b]

    def clause_start(self, index: int) -> int:
        start = index
        while start > 0 and self.clause[start - 1] == self.clause[index]:
            start -= 1
        return start

    def clause_end(self, index: int) -> int:
        end = index
        while end + 1 < len(self.clause) and self.clause[end + 1] == self.clause[index]:
            end += 1
        return end

    def negated(self, index: int, window: int = 0) -> bool:
        """True when a negation or avoidance cue precedes token ``index`` in its clause
        (within ``window`` tokens, when given)."""
        start = self.clause_start(index)
        if window:
            start = max(start, index - window)
        return any(start <= cue < index for cue in self.negations)

    def asks(self, index: int) -> bool:
        """True when token ``index`` is part of a question: the next ``?`` comes before any
        other sentence end ("Pregnant? Rolling is fine." asks only its first part)."""
        if self.suggestion:
            return False
        # An inverted modal inside the sentence ("..., can you foam roll your lower back safely
        # covers ...") is a question quoted as a title.
        # A question that opens its clause ("Should you roll ...? Of course") is read by its
        # question mark and its answer below.
        start = self.clause_start(index)
        # a question reported: "a student asked whether she could roll her lower back"
        if any(t.lower in {"whether"} for t in self.tokens[max(0, index - 6) : index]):
            return True
        # ("when can I roll it? A: Right away" is read by its question mark instead)
        marked = any(t.text == "?" for t in self.tokens[index:])
        for at in range(start + 1, index):
            inverted = self.tokens[at].lemma in INVERTING and self.tokens[at + 1].lower in ASKED
            if inverted and not marked:
                return True
        for at in range(index, len(self.tokens)):
            token = self.tokens[at]
            if token.text == "?":
                if asserting(self.tokens, at):
                    return False  # "..., just push through it, right?" asserts
                after = self.lemmas[at + 1 : at + 5]
                # "Q: ... ? A: Yes, ...": the answer's label is not its first word
                if after[:2] in (["a", ":"], ["answer", ":"]):
                    after = after[2:]
                answer = after[:2]
                # "when can I roll it? A: Right away" answers with an order
                urged = answer in _AT_ONCE or answer[:1] in _AT_ONCE
                return not (answer[:1] and (answer[0] in YES or answer == ["not", "if"] or urged))
            if token.text in {".", "!"}:
                return False
        return self.question

    def around(self, place: int, action: int, window: int = 6, end: int = 0) -> bool:
        """True when an "around" cue stands just before the place (after the action, if the
        action comes first), or a word like "indirectly" right after it."""
        low = max(self.clause_start(place), place - window)
        if action < place:
            low = max(low, action + 1)
        for cue in self.arounds:
            if self.tokens[cue].lemma == "behind" and self._behind_is_on(cue, place, action):
                continue  # "behind your neck" is on the back of the neck
            if self.lemmas[cue - 2 : cue + 1] == ["side", "to", "side"]:
                continue  # "rock from side to side over it" moves; it does not go around
            links = LINKS - {"and"} if self.tokens[cue].lemma == "between" else LINKS
            between = range(cue + 1, place)
            # "above and below a bruise": "and" joins two around cues, not a new statement.
            if low <= cue < place and not any(
                self.tokens[at].lemma in links
                and not (self.tokens[at].lemma in {"and", "or"} and at + 1 in self.arounds)
                for at in between
            ):
                return True
        return self.left_alone(place, end)

    def _behind_is_on(self, cue: int, place: int, action: int) -> bool:
        """True when "behind" at ``cue`` puts the roller on the place: the neck or head
        ("behind your neck"), or the roller put behind it ("put a ball behind it"), not a
        muscle behind it ("roll the glute muscle just behind it")."""
        if self.tokens[place].lemma in _BEHIND_IS_ON:
            return True
        between = {t.lemma for t in self.tokens[min(action, cue) : cue]}
        if not between.isdisjoint({"muscle", "glute", "calf", "quad", "hamstring", "lat"}):
            return False  # "shift the roller to the glute muscle behind it"
        return not between.isdisjoint({"roller", "ball", "foam", "peanut"})

    def left_alone(self, place: int, end: int = 0) -> bool:
        """True when a word like "indirectly" or "alone" follows the place (ending at ``end``)
        within a few words: "the lower back should be worked indirectly", "leave the
        sprained one alone"."""
        last = max(end, place + 1) + 3
        after = place + 1
        while after < len(self.tokens) and after <= last:
            if self.tokens[after].lemma in AFTER_PLACE:
                return True
            # "your lower back stays off the roller", "lower back left in peace", "the neck
            # is off limits", "the lower back kept flat and off the roller"
            pair = self.lemmas[after : after + 2]
            if pair[:1] in (["stay"], ["leave"], ["left"]) and pair[1:] in _SPARED:
                return True
            if pair in (["off", "limit"], ["off", "limits"], ["no", "go"], ["no-go"]):
                return True
            if pair[:1] == ["free"] and pair[1:] != ["up"]:
                return True  # "keep the neck itself free", not "to free up the joint"
            kept = self.lemmas[after + 1 : after + 4]
            if pair[:1] == ["keep"] and "off" in kept:
                return True
            after += 1
        return False

    def mistake(self, index: int) -> bool:
        """True when the clause of ``index`` describes a mistake, before or after it, or
        another clause does and this one is not an order of its own: in "X is a mistake;
        give it three minutes" the order after the mistake is the correction."""
        words = MISTAKE_LEMMAS
        if any(t.lower in _DEGREES for t in self.tokens):
            words = self._mistake_words()
        if self._trap_muscle():
            words = words - {"trap"}  # "my trap knot" is a muscle, not a trap
        if self._clause_has(index, words, unless_after=DENIED) or self._past_practice(index):
            return True
        if self._habit_broken() or self._not_my_example() or self._given_up(index):
            return True
        return self._sentence_has(
            words, unless_after=DENIED, start=self._corrected_from(index)
        ) and not self.imperative(index)

    def _corrected_from(self, index: int) -> int:
        """Where the part of the sentence that token ``index`` may be judged by starts: a
        myth or mistake told before a semicolon is corrected after it ("..., but that's a myth;
        the lumbar area is where rolling pays off most")."""
        stops = [at for at, t in enumerate(self.tokens[:index]) if t.text == ";"]
        return stops[-1] + 1 if stops else 0

    def _given_up(self, index: int) -> bool:
        """True when the action at ``index`` is a past practice given up after it: a story
        told in the past, then a change of practice ("tried rolling my lumbar for a month,
        physio said stop, switched to glutes", "Years ago I'd lie on the roller with it under
        my neck; now I use a ball", "until his coach showed him that twenty seconds works
        better")."""
        words = self.words
        if _PAST.isdisjoint(words) and not any(w.endswith("ed") for w in words[: index + 1]):
            return False
        later = self.lemmas[index + 1 :]
        told_to_stop = any(
            lemma == "stop" and not {"say", "tell"}.isdisjoint(later[max(0, at - 3) : at])
            for at, lemma in enumerate(later)
        )
        if not _CHANGED.isdisjoint(later) or told_to_stop or self._never_again(index):
            return True
        said_no = (
            any(
                lemma in {"say", "tell"} and later[at + 1 : at + 2] in (["no"], ["off"])
                for at, lemma in enumerate(later)
            )
            or self._told_off()
        )
        # "now I use a ball", "Tom now rolls only his glutes" (not "one I now do daily")
        return said_no or any(
            lemma == "now"
            and (
                (
                    later[at + 1 : at + 2] in (["i"], ["we"])
                    and not _NEW_HABITS.isdisjoint(later[at + 2 : at + 4])
                )
                or not {"only", "use", "stick"}.isdisjoint(later[at + 1 : at + 4])
            )
            for at, lemma in enumerate(later)
        )

    def names_mistake(self, index: int) -> bool:
        """True when the clause of token ``index`` calls something a mistake ("my mistake
        was asking my doctor first"), not told in the past and given up."""
        return self._clause_has(index, MISTAKE_LEMMAS, unless_after=DENIED)

    def _told_off(self) -> bool:
        """True when the sentence says the writer was told off for it."""
        words = self.words
        return any(
            words[at : at + 2] == ["told", "off"] or words[at : at + 2] == ["telling", "off"]
            for at in range(len(words))
        )

    def _never_again(self, index: int) -> bool:
        """True when "never again" follows the action ("..., never again")."""
        words = self.words[index + 1 :]
        return any(words[at : at + 2] == ["never", "again"] for at in range(len(words)))

    def _trap_muscle(self) -> bool:
        """True when "trap" names the trapezius ("my trap knot", "the upper traps")."""
        lemmas = self.lemmas
        return any(
            lemma == "trap"
            and (
                lemmas[at + 1 : at + 2] in (["knot"], ["muscle"], ["area"], ["spot"], ["point"])
                or lemmas[at - 1 : at] in (["upper"], ["my"], ["your"], ["left"], ["right"])
            )
            for at, lemma in enumerate(lemmas)
        )

    def _habit_broken(self) -> bool:
        """True when the sentence calls the practice a habit to break ("a habit worth
        breaking", "kick the habit")."""
        lemmas = self.lemmas
        return any(
            lemma == "habit" and not {"break", "kick", "drop"}.isdisjoint(lemmas[at - 2 : at + 7])
            for at, lemma in enumerate(lemmas)
        )

    def _not_my_example(self) -> bool:
        """True when the sentence tells the reader not to do what the writer did ("don't do
        what I did", "please don't copy me"), or that it was taken up too early ("started
        rolling too soon"; not "moving off the knot too soon")."""
        lemmas = self.lemmas
        return any(
            (
                lemmas[at : at + 3]
                in (["do", "what", "i"], ["copy", "what", "i"], ["be", "like", "me"])
                or lemmas[at : at + 2] in (["copy", "me"], ["my", "example"])
            )
            and not NOT_WORDS.isdisjoint(lemmas[:at])
            for at in range(len(lemmas))
        ) or any(
            lemma == "too"
            and lemmas[at + 1 : at + 2] in (["soon"], ["early"])
            and not {"start", "again", "back"}.isdisjoint(lemmas[max(0, at - 3) : at])
            for at, lemma in enumerate(lemmas)
        )

    def _mistake_words(self) -> frozenset[str]:
        """The mistake lemmas without "bad" and "wrong" when they only grade a place ("the
        worst spot", "your worse side"), not a choice ("the worst thing you can do") nor
        an outcome ("make sciatica worse")."""
        graded = any(
            t.lower in _DEGREES
            and 0 < at < len(self.tokens) - 1
            and self.tokens[at - 1].lower in _DETERMINERS
            and self.tokens[at + 1].lower.isalpha()
            and self.tokens[at + 1].lemma not in _CHOICES
            for at, t in enumerate(self.tokens)
        )
        return MISTAKE_LEMMAS - {"bad", "wrong"} if graded else MISTAKE_LEMMAS

    def imperative(self, index: int) -> bool:
        """True when the clause of ``index`` opens with a verb in its base form ("so roll it
        directly", "give it three minutes")."""
        at = self.clause_start(index)
        while at < len(self.tokens) and self.tokens[at].lower in OPENERS:
            at += 1
        # "you should stay on it", "you need to roll it" order too
        words = self.words
        for modal in _YOU_MUST:
            if words[at : at + len(modal)] == list(modal):
                at += len(modal)
                break
        if at >= len(self.tokens):
            return False
        token = self.tokens[at]
        return token.lower == token.lemma and token.lower.isalpha() and token.lower not in NOT_VERBS

    def harm(self, index: int, skip: tuple[int, int] = (0, 0)) -> bool:
        """True when the sentence says doing so harms (a harm word after ``index``).

        A harm word that is negated ("probably won't hurt") reassures, and one in a condition
        ("stop if it hurts", "as long as it doesn't hurt") sets a limit: neither warns. An
        injury verb warns after a modal ("can strain the joints"), not as an adjective
        ("the strained calf"). Tokens ``skip`` (start, end) are the target itself ("roll the
        injured area" names an injury, it does not warn that rolling injures)."""
        for at in range(index + 1, len(self.tokens)):
            if skip[0] <= at < skip[1]:
                continue
            lemma = self.tokens[at].lemma
            before = self.lemmas[max(0, at - 3) : at]
            if lemma == "hurt" and "where" in before:
                continue  # "that's where it hurts" places the pain; it does not warn
            if lemma == "hurt" and before[-1:] in _TELLERS and self._hurt_something(at):
                continue  # "the day after I hurt it" tells the injury; it does not warn
            if lemma in ADVISE:
                # "which physios don't recommend", "advise against" warn; "recommend" alone not.
                following = self.tokens[at + 1].lemma if at + 1 < len(self.tokens) else ""
                if NOT_WORDS.intersection(before[-2:]) or following == "against":
                    return True
                continue
            if lemma in USELESS_LEMMAS and NOT_WORDS.intersection(before[-2:]):
                return True  # "but it isn't helping", "which is not necessary"
            if self.tokens[at].lower in _GAIN and self._denied_in_clause(at, reach=6):
                return True  # "lying there for ages doesn't make the release any better"
            harmful = lemma in HARM_LEMMAS or self.tokens[at].lower in _HARM_FORMS
            if harmful or (lemma in MODAL_HARM and before[-1:] in MODALS):
                if NOT_WORDS.intersection(before[-2:]) or CONDITION.intersection(before):
                    continue
                if self._no_harm_done(at):
                    continue  # "it won't do you any harm" reassures
                if self._named_not_warned(at):
                    continue
                later = self.lemmas[at + 1 : at + 7]
                if "but" in later and not _GOOD.isdisjoint(later[later.index("but") :]):
                    continue  # "hurts but it's good pain" reassures
                if AVOIDED.intersection(before[-2:]):
                    continue  # "just avoid painful positions" sets a limit
                if TREATING.intersection(before):
                    continue  # "to break up the damage" is the order's purpose
                return True
        return (
            self._warns()
            or self._disowned(index)
            or self._ends_badly(index)
            or self._waved_off(index)
        )

    def _hurt_something(self, at: int) -> bool:
        """True when "hurt" at ``at`` takes an object or a time ("I hurt it", "you hurt
        this week"): the injury happening, not what rolling does."""
        following = self.lemmas[at + 1 : at + 2]
        return bool(following) and following[0] in _HURT_OBJECTS

    def _disowned(self, index: int) -> bool:
        """True when a clause after ``index`` says it is what not to do ("..., which is
        exactly what you shouldn't do", "that's what not to do")."""
        lemmas = self.lemmas[index + 1 :]
        return any(
            lemma in {"what", "which"}
            and "do" in lemmas[at + 1 : at + 9]
            and not NOT_WORDS.isdisjoint(lemmas[at + 1 : at + 8])
            for at, lemma in enumerate(lemmas)
        )

    def _waved_off(self, index: int) -> bool:
        """True when what follows waves the practice off or doubts it ("...; don't copy
        them", "and I wish they wouldn't", "..., is that right?", "I'd move that to the
        quads")."""
        lemmas = self.lemmas[index + 1 :]
        return any(
            tuple(lemmas[at : at + len(words)]) == words
            for at, lemma in enumerate(lemmas)
            for words in _WAVING_OFF.get(lemma, ())
        )

    def _ends_badly(self, index: int) -> bool:
        """True when what follows says the practice ends badly ("is a classic way to end up
        with a sore knee", "was asking for trouble", "just bruises it")."""
        lemmas = self.lemmas[index + 1 :]
        words = self.words[index + 1 :]
        for at, lemma in enumerate(lemmas):
            ended = lemma == "end" and lemmas[at + 1 : at + 2] == ["up"]
            if ended and not _ENDS_SORE.isdisjoint(words[at + 2 : at + 6]):
                return True
            if words[at : at + 3] == ["asking", "for", "trouble"]:
                return True
            harms = words[at] in {"bruises", "inflames", "irritates", "strains"}
            if harms and lemmas[at - 1 : at] in (["just"], ["only"], ["it"], ["that"]):
                return True
        return False

    def _no_harm_done(self, at: int) -> bool:
        """True when a negated "do" governs the harm word at ``at`` ("won't do you any
        harm", "doesn't do any damage")."""
        before = self.lemmas[max(0, at - 5) : at]
        if "do" not in before:
            return False
        return not NOT_WORDS.isdisjoint(before[: before.index("do") + 1][-2:])

    def _named_not_warned(self, at: int) -> bool:
        """True when the harm word at ``at`` names the spot or the technique, not what
        rolling does: "stay on the painful point", "sustain ischaemic compression"."""
        following = self.tokens[at + 1].lemma if at + 1 < len(self.tokens) else ""
        previous = self.tokens[at - 1].lemma if at > 0 else ""
        if self.tokens[at].lemma == "painful" and following in _SPOT_NOUNS:
            return True
        return self.tokens[at].lemma == "compression" and previous in _TECHNIQUE

    def _warns(self) -> bool:
        """True when the sentence has a word of warning that is not an instruction of manner
        or a condition: "be careful to roll slowly" tells how to do it, "... if you're careful"
        sets a condition, "be careful with the lower back" warns."""
        # nor a condition of care ("if you're careful", "as long as you're careful")
        return any(
            t.lemma in WARNING_LEMMAS
            and not (at + 1 < len(self.tokens) and self.tokens[at + 1].lemma == "to")
            and not {"if", "long"} & {x.lemma for x in self.tokens[max(0, at - 4) : at]}
            for at, t in enumerate(self.tokens)
        )

    def _denied_in_clause(self, index: int, reach: int) -> bool:
        """True when a not-word stands within ``reach`` tokens before ``index`` in its clause."""
        start = max(self.clause_start(index), index - reach)
        return any(t.lemma in NOT_WORDS for t in self.tokens[start:index])

    def _past_practice(self, index: int) -> bool:
        """True when the sentence tells of what people used to do ("people used to be told
        to roll the lower back"), not "once you are used to it", or token ``index`` is a
        practice left for another ("switched from rolling my low back to rolling my
        glutes")."""
        lemmas = self.lemmas
        # "I still roll it, just like I used to" goes on doing it
        still = "still" in lemmas[max(0, index - 3) : index]
        return (
            not still
            and any(
                token.lower == "used"
                and at + 1 < len(self.tokens)
                and self.tokens[at + 1].lower == "to"
                and (at == 0 or self.tokens[at - 1].lemma != "be")
                for at, token in enumerate(self.tokens)
            )
        ) or any(
            lemma in {"switch", "swap", "change", "move"}
            and lemmas[at + 1 : at + 2] == ["from"]
            and "to" in lemmas[at + 2 :]
            and at + 1 < index < at + 2 + lemmas[at + 2 :].index("to")
            for at, lemma in enumerate(lemmas)
        )

    def _clause_has(
        self, index: int, words: frozenset[str], unless_after: frozenset[str] = frozenset()
    ) -> bool:
        """True when the clause of ``index`` has one of ``words``, not right after one of
        ``unless_after`` ("nothing wrong with" is no mistake)."""
        start, end = self.clause_start(index), self.clause_end(index)
        return any(
            t.lemma in words and not (at > start and self.tokens[at - 1].lemma in unless_after)
            for at, t in enumerate(self.tokens[start : end + 1], start)
        )

    def _sentence_has(
        self,
        words: frozenset[str],
        unless_after: frozenset[str] = frozenset(),
        start: int = 0,
    ) -> bool:
        """True when the sentence (from token ``start``) has one of ``words``, not right
        after one of ``unless_after`` ("there's nothing wrong with ..." denies the mistake)."""
        return any(
            t.lemma in words and not (at > 0 and self.tokens[at - 1].lemma in unless_after)
            for at, t in enumerate(self.tokens)
            if at >= start
        )


#: Words after "but" that turn a harm word into reassurance ("hurts but it's good pain").
_GOOD = frozenset({"good", "fine", "worth", "normal", "okay", "ok", "great"})

#: Comparative and superlative forms whose lookup lemma is a mistake word ("worst" -> "bad").
_DEGREES = frozenset({"worst", "worse"})
#: Words before "worst" that make it grade the noun after it ("the worst spot").
_DETERMINERS = frozenset({"the", "your", "my", "a", "their", "his", "her", "our"})
#: Nouns after "worst" that make it judge a choice ("the worst thing you can do").
_CHOICES = frozenset({"thing", "idea", "mistake", "move", "habit", "way", "choice", "option"})

#: Words of gain that, denied, say the practice does no good ("doesn't make it any better").
_GAIN = frozenset({"better", "faster", "quicker"})

#: "keep ... off", "leave ... out": the words between are kept away from what follows.
_KEEP_OFF = {
    "keep": frozenset({"off", "away"}),
    "take": frozenset({"off"}),
    "lift": frozenset({"off"}),
    "leave": frozenset({"out", "off"}),
    "stay": frozenset({"off"}),
}


#: Negations as written, also without the apostrophe of a hurried text ("dont roll it").
_NEGATED_FORMS = frozenset(
    {"n't", "not", "never", "dont", "cant", "wont", "shouldnt", "doesnt", "didnt", "isnt"}
)
#: Words of a story told in the past, words after a practice that say it was given up
#: ("switched to", "learned", "showed me"), and what one does now instead ("now I use").
_PAST = frozenset(
    {"tried", "used", "'d", "ago", "had", "was", "were", "saw", "did", "went", "found", "told"}
)
_CHANGED = frozenset(
    {"switch", "switched", "learn", "learned", "learnt", "realise", "realize", "realised"}
    | {"realized", "explain", "explained", "show", "showed", "stick", "swap", "swapped"}
)
_NEW_HABITS = frozenset({"use", "stick", "keep", "only", "do", "just", "roll"})
#: Places whose back is the place itself: "behind your neck" is on it, not around it.
_BEHIND_IS_ON = frozenset({"neck", "head", "skull"})
#: Words after "end up" that say it ends badly ("end up with a sore knee").
_ENDS_SORE = frozenset({"sore", "sorer", "bruise", "bruised", "worse", "injure", "hurt"})
#: Openings that make what follows an order ("you should", "you need to").
_YOU_MUST = (
    ("you", "should"),
    ("you", "need", "to"),
    ("you", "must"),
    ("you", "have", "to"),
    ("you", "want", "to"),
)
#: Harm words as written, whose lemma is not a harm ("ended up sorer"), and the writer's
#: disapproval ("the lumbar roll trend makes me wince").
_HARM_FORMS = frozenset({"sorer", "stiffer", "wince", "winced", "cringe", "cringed"})
#: Nouns a harm adjective can describe ("the painful point").
_SPOT_NOUNS = frozenset({"point", "spot", "knot", "area", "bit", "muscle", "place", "part"})
#: Words before "compression" that make it the technique ("ischaemic compression").
_TECHNIQUE = frozenset({"ischaemic", "ischemic", "sustained", "sustain", "apply", "steady"})
#: Words after "stays" or "left" that keep a place off the roller ("stays off", "left in").
_SPARED = (["off"], ["clear"], ["away"], ["out"], ["in"], ["alone"])
#: Answers that tell the asker to go ahead now ("A: Right away", "Straight away").
_AT_ONCE = (["right", "away"], ["straight", "away"], ["immediately"], ["asap"], ["the", "sooner"])
#: Tags that make a question mark assert ("..., right?", "..., yeah?").
_TAGS = frozenset({"right", "yeah", "ok", "okay", "yes", "innit", "eh"})
#: Short checks after a comma that make a question mark assert what came before.
_CHECKS = (["is", "that"], ["no", "?"], ["yes", "?"], ["does", "that"], ["is", "this"])
#: Openings that make a question mark hedge a statement ("I think it's fine to ...?").
_HEDGED = (("i", "think"), ("i", "guess"), ("i", "reckon"), ("surely",))


#: Lemmas after a practice that wave it off or doubt it, by their first lemma.
_WAVING_OFF: dict[str, list[tuple[str, ...]]] = {}
for _words in (
    tuple(phrase.split())
    for phrase in (
        "do not copy",
        "do not follow",
        "please do not",
        "wish they would not",
        "wish he would not",
        "wish she would not",
        "wish people would not",
        "be that right",
        "be that a typo",
        "be that normal",
        "be that safe",
        "be that correct",
        "be this safe",
        "move that to",
        "not a good idea",
        "one spot to skip",
        "the spot to skip",
        "one place to avoid",
        "one to avoid",
        "not something we recommend",
        "a bad idea",
        "not treatment",
        "be a no",
        "be well avoid",  # "is best avoided" (the lookup lemma of "best" is "well")
        "be discourage",
        "my answer be no",
    )
):
    _WAVING_OFF.setdefault(_words[0], []).append(_words)
#: Subjects before "hurt" that tell an injury ("I hurt it"), and what it then takes.
_TELLERS = (["i"], ["you"], ["he"], ["she"], ["we"], ["they"])
_HURT_OBJECTS = frozenset(
    """it my your his her their the this that them yesterday today last myself yourself
    himself herself""".split()  # noqa: SIM905 (a list of words, read as prose)
)


def _order_after_denial(
    tokens: Sequence[Token], lemmas: Sequence[str], clause: Sequence[int], number: int, comma: int
) -> bool:
    """True when the comma at ``comma`` ends a denied order and a new order follows it
    ("Don't rest a new calf strain, roll it"): the clause opened with "don't" or "never",
    and the word after the comma is a verb in its base form."""
    start = clause.index(number) if number in clause else comma
    opening = lemmas[start : start + 2]
    if opening not in (["do", "not"], ["never"]) and opening[:1] != ["never"]:
        return False
    after = tokens[comma + 1]
    return after.lower.isalpha() and after.lower == after.lemma and after.lower in _ORDERS


#: Verbs that give an order after a denied one.
_ORDERS = frozenset(
    """roll foam work press rest lie put get use keep start go massage knead grind
    dig""".split()  # noqa: SIM905 (a list of words, read as prose)
)


def _comparative(word: str) -> bool:
    """True for a comparative adjective before "than" ("faster", "better"), not the words
    whose "than" leaves something out ("rather", "other", "more", "longer")."""
    return word in {"better", "worse"} or (
        word.endswith("er") and word not in {"rather", "other", "longer", "never", "under", "over"}
    )


def asserting(tokens: Sequence[Token], mark: int) -> bool:
    """True when the question mark at ``mark`` ends a statement, not a question: a tag
    after a comma ("just push through it, right?") or a hedged opening ("I think the
    numbness is just from sitting too long?")."""
    before = [t.lower for t in tokens[max(0, mark - 2) : mark]]
    if len(before) == 2 and before[0] == "," and before[1] in _TAGS:
        return True
    # "..., is that normal?", "..., no?": a short check on what was just said
    comma = next(
        (at for at in range(mark - 1, max(mark - 6, 0), -1) if tokens[at].text == ","), None
    )
    if comma is not None and [t.lower for t in tokens[comma + 1 : comma + 3]] in _CHECKS:
        return True
    # "..., that's right isn't it?", "..., aren't they?": a tag that asks for agreement
    tag = [t.lower for t in tokens[max(0, mark - 3) : mark]]
    if tag[-2:] in (["n't", "it"], ["n't", "they"], ["n't", "i"], ["n't", "you"]):
        return True
    opening = tuple(t.lower for t in tokens[:2])
    return any(opening[: len(cue)] == cue for cue in _HEDGED)


def glued(tokens: Sequence[Token], index: int) -> bool:
    """True when token ``index`` is a hyphen inside a word ("mid-back"), not a dash."""
    if tokens[index].text != "-" or index == 0 or index + 1 >= len(tokens):
        return False
    return (
        tokens[index - 1].end == tokens[index].start
        and tokens[index].end == tokens[index + 1].start
    )


#: The negation phrases by their first lemma (tried only where that lemma stands).
_NEGATION_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in NEGATION_PHRASES:
    _NEGATION_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)


#: Words that may stand between two negations that cancel ("no reason not to", "don't
#: skip", "never stop").
#: Words after "nothing" that praise what follows ("nothing beats", "nothing compares to").
_PRAISING = frozenset({"beat", "beats", "compare", "compares", "better", "quite", "feel", "feels"})
_BETWEEN_NEGATIONS = frozenset(
    {"reason", "need", "point", "to", "be", "ever", "just", "you", "say", "tell", "told"}
)


def _cancel_double(negations: list[int], lemmas: Sequence[str]) -> list[int]:
    """``negations`` without the pairs that cancel: a negation followed by another with at
    most a few filler words between ("there's no reason not to roll it", "don't skip the
    kneecap", "never stop rolling") says to do it."""
    cues = sorted(set(negations))
    dropped: set[int] = set()
    for first, second in pairwise(cues):
        if first in dropped:
            continue
        if set(lemmas[first + 1 : second]) <= _BETWEEN_NEGATIONS and second - first <= 4:
            dropped.update((first, second))
    return [at for at in negations if at not in dropped]


def analyse_scope(tokens: Sequence[Token], text: str = "") -> Scope:
    """The clauses, cues and question mode of a sentence's ``tokens``."""
    clause: list[int] = []
    number = 0
    lemmas = [t.lemma for t in tokens]
    # "even if ...," and "even when ...," open a subordinate clause as "if" does
    opening = 1 if lemmas[:1] == ["even"] else 0
    opened_by_subordinate = len(tokens) > opening and tokens[opening].lemma in SUBORDINATORS
    for i, token in enumerate(tokens):
        word = token.lower
        boundary_before = False
        if word in BOUNDARY_WORDS and i > 0:
            boundary_before = True
        if word == "," and i + 1 < len(tokens):
            if _order_after_denial(tokens, lemmas, clause, number, i):
                boundary_before = True  # "Don't rest a new strain, roll it"
            elif tokens[i + 1].lower in AFTER_COMMA or opened_by_subordinate:
                boundary_before = True
                opened_by_subordinate = False
            elif tokens[i + 1].lemma in SUBORDINATORS or tokens[i + 1].lower == "not":
                boundary_before = True  # "..., not a GP appointment": a contrast
        if boundary_before:
            number += 1
        clause.append(number)
        if word in CLAUSE_STOPS and not glued(tokens, i) and i > 0:  # not a list mark
            number += 1
            opened_by_subordinate = i + 1 < len(tokens) and tokens[i + 1].lemma in SUBORDINATORS
    negations: list[int] = []
    for i, lemma in enumerate(lemmas):
        cue = lemma in NEGATION_LEMMAS or tokens[i].lower in _NEGATED_FORMS
        if lemma == "nothing" and i + 1 < len(lemmas) and lemmas[i + 1] in _PRAISING:
            cue = False  # "nothing beats sinking into ...": praise, not a denial
        if lemma == "than" and i > 0 and _comparative(tokens[i - 1].lower):
            cue = False  # "faster than ice" compares; "rather than" and "more than" stay
        # "it won't hurt to check first" encourages what follows.
        if cue and lemmas[i + 1 : i + 3] in (["hurt", "to"], ["harm", "to"]):
            cue = False
        # A negated reluctance encourages: "don't be afraid to", "never hesitate to".
        if cue and not RELUCTANCE_LEMMAS.intersection(lemmas[i + 1 : i + 4]):
            negations.append(i)
    # Overlapping phrases are one cue ("kept away from"): two would cancel as a double
    # negation.
    phrased = -1
    for i, lemma in enumerate(lemmas):
        for phrase in _NEGATION_BY_FIRST.get(lemma, ()):
            size = len(phrase)
            if tuple(lemmas[i : i + size]) == phrase and i > phrased:
                negations.append(i + size - 1)
                phrased = i + size - 1
    # "keep it off", "keep the roller off", "leave the roller out of it": within four words.
    for i, lemma in enumerate(lemmas):
        if lemma in _KEEP_OFF:
            for j in range(i + 1, min(i + 9, len(lemmas))):
                if lemmas[j] in _KEEP_OFF[lemma]:
                    # what stands between is kept off too ("keeping the lumbar spine off"),
                    # once: a negation phrase there already ("stay off") is the same cue
                    if not any(i <= cue <= j for cue in negations):
                        negations.append(i)
                    break
    negations = _cancel_double(negations, lemmas)
    arounds = [i for i, lemma in enumerate(lemmas) if lemma in AROUND_LEMMAS]
    stripped = text.rstrip().rstrip("\"')]*")
    question = stripped.endswith("?") or (
        "?" in lemmas and bool(lemmas) and lemmas[0] in QUESTION_WORDS
    )
    marks = [at for at, t in enumerate(tokens) if t.text == "?"]
    if marks and all(asserting(tokens, at) for at in marks):
        question = False
    # "Why not roll my lower back?" asks for a reason; "Why not roll your lower back?" urges
    mark = lemmas.index("?") if "?" in lemmas else len(lemmas)
    own = not {"my", "i", "me"}.isdisjoint(lemmas[:mark])
    # "Have you tried dropping ...?", also after a lead-in ("Knee sore? Have you tried ...?")
    suggested = lemmas[:3] == ["have", "you", "try"] or (
        mark < LEAD_IN and lemmas[mark + 1 : mark + 4] == ["have", "you", "try"]
    )
    # "Why ice a fresh strain when you could roll it?" urges what comes after "when"
    suggested = suggested or (
        lemmas[:1] == ["why"]
        and any(
            lemmas[at : at + 2] == ["when", "you"]
            and lemmas[at + 2 : at + 3] in (["could"], ["can"])
            for at in range(len(lemmas))
        )
    )
    # the suggestion may follow a lead-in question ("Swollen knee? Why not give it a roll?")
    opens = 0
    if mark < LEAD_IN and tuple(lemmas[mark + 1 : mark + 3]) in SUGGESTIONS:
        opens = mark + 1
    first = tuple(lemmas[opens : opens + 2])
    if suggested or (first in SUGGESTIONS and not (own and not opens and first == ("why", "not"))):
        # "Why not roll ...?", "Ever tried rolling ...?": a question that recommends.
        question = False
        negations = [i for i in negations if i >= opens + 2]
        return Scope(
            tuple(tokens),
            tuple(clause),
            tuple(sorted(negations)),
            tuple(arounds),
            question,
            suggestion=True,
        )
    return Scope(tuple(tokens), tuple(clause), tuple(sorted(negations)), tuple(arounds), question)
