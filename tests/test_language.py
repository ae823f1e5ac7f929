"""Units of the language layer: lemmas, scope, each kind of finding, loader errors with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthkb.cli.rules import RULES, VOCABULARY, cost_per_article, default_matcher
from healthkb.language.duration import durations
from healthkb.language.matcher import Context
from healthkb.language.phrases import Phrases
from healthkb.language.rules import load_concept_rules
from healthkb.language.scope import analyse_scope
from healthkb.language.source import ConfigError
from healthkb.language.text import lemmas, quick_words, tokens
from healthkb.language.vocabulary import parse_phrase


@pytest.fixture(scope="module")
def matcher():
    """The concept rules alone: these tests pin how the language layer reads each phrasing.
    The learned reading added to them is tested in test_learned.py and measured on the
    corpus in test_safety_corpus.py."""
    return default_matcher(learned=False)


def test_lemmas_lower_case_and_plural():
    assert lemmas("Rolling the Kneecaps")[::2] == ["roll", "kneecap"]


def test_scope_negation_covers_what_follows_in_the_clause():
    toks = tokens("Never roll the lower back; roll the glutes")
    scope = analyse_scope(toks, "Never roll the lower back; roll the glutes")
    assert scope.negated(1)
    assert not scope.negated(len(toks) - 2)


@pytest.mark.parametrize(
    ("sentence", "rule", "kind"),
    [
        (
            "Slide the roller down to your lumbar area and keep going.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        ("Press the roller into your kneecap.", "no-neck-bone-joint-rolling", "contradiction"),
        ("Pregnant? rolling your back is totally fine.", "check-first-conditions", "permission"),
        ("Pain that travels down the back of your thigh.", "stop-nerve-symptoms", "red-flag"),
        ("Hold the roller on one spot for 5 minutes.", "limit-sustained-pressure", "contradiction"),
        # the place of an earlier clause carried by a pronoun
        (
            "Don't skip the kneecap; roll right across it.",
            "no-neck-bone-joint-rolling",
            "contradiction",
        ),
        # a place named as a complaint is still what a later pronoun or "there" stands for
        (
            "If your lower back aches after sitting, get the roller under it.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "When the stiffness is in the small of your back, park the roller there.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # waiting denied or called a mistake urges rolling the injury
        (
            "There's no need to wait for a fresh bruise to fade before you roll it.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        (
            "It's a mistake to wait a week before rolling a pulled hamstring.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        # an answer that says "now" to "when can I roll it?"
        (
            "Q: I bruised my thigh yesterday, when can I roll it? A: Straight away.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        # a bruise in sports words
        (
            "Got a corked thigh on Saturday and rolled it hard on Sunday.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        # behind the neck is on the back of the neck, not around it
        (
            "Put the roller behind your neck and rock your head side to side.",
            "no-neck-bone-joint-rolling",
            "contradiction",
        ),
        # the practice switched to is recommended
        (
            "Switch from rolling your glutes to rolling your lower back.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # a report of one's own symptom that ends in a question is not only a question
        (
            "I get shooting pain down my leg every time I roll, that means it's working, right?",
            "stop-nerve-symptoms",
            "red-flag",
        ),
        # red flags in clinical and lay words
        (
            "A little leakage when your back flares is nothing to worry about.",
            "urgent-cauda-equina",
            "red-flag",
        ),
        (
            "Some paraesthesia in the foot after rolling is normal.",
            "stop-nerve-symptoms",
            "red-flag",
        ),
        # a question where to put the roller, answered with the place or a word for it
        (
            "Where should the roller go for back ache? Just under the small of your back.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "Where do I put the roller for a sore lower back? Right under the sore bit.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        ("Do your lower back next, slowly.", "no-direct-lumbar-rolling", "contradiction"),
        # the place praised as a spot for the roller
        (
            "The small of your back is the ideal spot to foam roll after a desk day.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # the place named as where the roller goes; harm denied with "do"
        (
            "The small of your back is exactly where the roller should go.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "Roll straight over a fresh bruise; it won't do you any harm.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        # a pronoun a few words after the action still stands for the place
        (
            "Stiff neck? Put a soft ball just behind it and nod slowly.",
            "no-neck-bone-joint-rolling",
            "contradiction",
        ),
        # a limb that goes to sleep is numb
        ("My foot keeps falling asleep when I roll.", "stop-nerve-symptoms", "red-flag"),
        # a past practice kept, not given up
        (
            "I rolled my lower back every night last winter and it felt great.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # the lower back pointed at in lay words
        (
            "Let the roller travel past your bra line and down to where your jeans start.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "Rest the foam at kidney height and rock gently.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # "the sore lump" stands for the injury named before
        (
            "The day after I pulled my calf I rolled right over the sore lump.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        # red flags and places in more lay words
        ("My foot feels like cotton wool after I roll.", "stop-nerve-symptoms", "red-flag"),
        (
            "Set the ball where the skull meets the neck and roll down.",
            "no-neck-bone-joint-rolling",
            "contradiction",
        ),
        # the place allowed, a rolling noun after a place, a correction after a myth
        (
            "The arch behind your belly button is fine to roll.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        ("Lumbar glide — 60 s, slow over the spine", "no-direct-lumbar-rolling", "contradiction"),
        (
            "Skipping the lower back is a myth; the lumbar spine is where rolling pays off.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "Lie with the foam just above your hips and rock from side to side over it.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # an injury in more words, waiting called too long, the ball got onto it
        (
            "Just pulled your hammy? A firm roller straight on it will loosen it.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        (
            "Most people wait too long after a sprain; get rolling over it on day one.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        (
            "Get the ball onto the fresh bruise and circle it.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        # care as a condition does not warn
        (
            "The cervical spine can be rolled with a soft roller if you're careful.",
            "no-neck-bone-joint-rolling",
            "contradiction",
        ),
        # injuries and bony places described
        (
            "Felt your hamstring ping yesterday? Roll over the tender patch tonight.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        (
            "Roll over the bit of your ankle where the bone sticks out.",
            "no-neck-bone-joint-rolling",
            "contradiction",
        ),
        # a suggestion as "Have you tried ...?", the pain placed with "where it hurts"
        (
            "Have you tried letting your lower back sink into the roller?",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "Why not end by rolling the small of your back, since that is where it hurts?",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # a pronoun inside the action's phrase, "through" the place, waiting denied
        (
            "Got a swollen knee from the weekend? Why not give it a gentle roll tonight?",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        (
            "Rock the roller through the small of your back until you relax.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "Fresh sprain? Roll it early and often, don't wait for it to settle.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        (
            "Bowels a bit out of control since the back flare? Keep rolling.",
            "urgent-cauda-equina",
            "red-flag",
        ),
        # nouns of rolling after the place, and a clinician's shorthand
        ("Caption: low back roll-out after the gym", "no-direct-lumbar-rolling", "contradiction"),
        (
            "Neck rolls on the foam roller, straight on the spine.",
            "no-neck-bone-joint-rolling",
            "contradiction",
        ),
        (
            "Pt advised FR directly over lumbar region daily.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        (
            "Low back: roll up and down, let your hips drop.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # a place not to be skipped is one to roll
        (
            "Never skip the small of your back when you foam roll.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # the place as a compound, and the place put onto the roller
        ("Lumbar rolling is safe for most people.", "no-direct-lumbar-rolling", "contradiction"),
        (
            "Drape your lower back over the roller and relax.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        ("My legs feel weak after rolling.", "stop-nerve-symptoms", "red-flag"),
        # a harm word in a condition or negated does not warn
        (
            "Roll your lower back gently and stop if it hurts.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        ("Rolling the lumbar spine won't hurt you.", "no-direct-lumbar-rolling", "contradiction"),
        ("Rest the roller beneath your lower back.", "no-direct-lumbar-rolling", "contradiction"),
        # an order after an opening clause that names a fresh injury
        (
            "If you just sprained your ankle, get straight on the roller.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
        # a referral waved away with the negation after it
        (
            "Pregnant? Your midwife doesn't need to sign off on rolling.",
            "check-first-conditions",
            "permission",
        ),
        # the order after a mistake is its correction
        (
            "Stopping early is a mistake, so keep rolling into your lower back.",
            "no-direct-lumbar-rolling",
            "contradiction",
        ),
        # an injury named as the target is not a warning; "the lump" stands for it
        ("Roll the injured calf firmly.", "no-acute-injury-rolling", "contradiction"),
        (
            "Twisted your ankle and it's swollen? Roll over the spot.",
            "no-acute-injury-rolling",
            "contradiction",
        ),
    ],
)
def test_each_kind_of_finding(matcher, sentence, rule, kind):
    assert (rule, kind) in {(f.rule, f.kind) for f in matcher.find(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Never roll your lower back.",
        "Roll the muscles around your lower back instead.",
        "Roll the glutes rather than the lower back.",
        "Is it safe to roll with osteoporosis?",
        "Ask your doctor before rolling if you are pregnant.",
        # a place before an active verb is its subject, not where the roller goes
        "Tight lats create rotational stress on the lumbar spine.",
        "The lumbar spine lacks the rib cage that protects the thoracic spine during rolling.",
        # weakness as a training word, discomfort that gives way
        "Weak glutes are a common contributor to stiffness.",
        "That initial discomfort typically gives way to relief.",
        "Rolling over the lumbar vertebrae can strain the joints.",
        "Avoid rolling during flare-ups with sharp, radiating or severe pain.",
        "Rolling loosens the tight muscles pulling you out of alignment.",
        # what something does, a study's result, a title quoted as a question
        "The second exercise rolls over the lumbar spine.",
        "A study found that foam rolling lessened soreness in the lower back.",
        "For more, can you roll your lower back safely covers every case.",
        "Rolling your lower back is a mistake; roll your glutes instead.",
        # anatomy as the subject, an action word as a noun
        "Tight hip flexors tilt the pelvis and load the lumbar spine.",
        "Stretching reduces the compressive load on the lumbar region.",
        "If your calf is still swollen from a sprain, roll well away from it.",
        "If you just sprained your ankle, wait a few days before you use the roller.",
        "Some people roll the small of the back, which physios don't recommend.",
        # a complaint's place is not what a later order with no pronoun is done to
        "If your lower back aches, roll your glutes and hips instead.",
        "If your lower back feels stiff, don't put the roller under it.",
        "When your lower back hurts, there is no need to roll anything.",
        "Skip the lower back and roll your glutes.",
        "Low back: roll the glutes and hips instead, slowly.",
        "Rolling our lower backs is exactly the habit our physios try to break.",
        "I asked my GP about rolling the bottom of my back and she said no.",
        "Got told off by the club physio for lying on the roller at my belt line.",
        "Tom once rolled his lower back for ages; he now rolls only his glutes.",
        "If the roller lands under your lower back by accident, sit up and move it.",
        "Never roll over your hip bone; shift the roller to the glute muscle behind it.",
        "A student asked whether she could roll her lower back; the answer is no.",
        "Rolling the low back directly may aggravate disc problems, so stay on the muscles.",
        "Keep the roller on the thigh muscles and off the knee joint.",
        "Had my discectomy in May, got the all-clear from my physio in August, now I roll my legs.",
        "I was told not to lie on the roller at my low back, so I use it on my hips.",
        "Lift the roller off the bony bit of your hip and roll the meaty part of your bum.",
        "Keep the roller clear of the ankle joint.",
        "My chiro said rolling the base of the spine was asking for trouble.",
        "Rolling your kneecap is a classic way to end up with a sore knee.",
        "I rolled my back two weeks after my disc op without asking; don't be like me.",
        "The box shows someone rolling their lower back, which the manual tells you not to do.",
        "The roller's timer buzzes every 30 seconds so you know when to move on.",
        "My replacement roller has been fine for six months.",
        "Hold off rolling the calf you strained until the puffiness has gone.",
        "Swollen ankle? Ice, rest, and no roller on it for now.",
        "People lie with the roller in their low back, which is exactly what you shouldn't do.",
        "Classic rookie move: parking the roller in the small of the back.",
        "The lower spine is skipped in this sequence.",
        "If you're pregnant and haven't checked with your midwife, sit this part out.",
        "Rolling the lumbar spine is a myth; roll the glutes and hips instead.",
        "Where your back arches is exactly where the roller shouldn't go.",
        "Come off the roller before you reach your lower back.",
        "Don't put the roller under your lower back; put it under your glutes and roll there.",
        "If the roller ends up on your kneecap, move it back up the thigh.",
        "Just out of hospital after your disc op? Leave the roller until your team says otherwise.",
        "I rolled my lower back for weeks and ended up sorer.",
        "The lumbar roll trend makes me wince.",
        "I tried rolling my lower back for a month; my physio said stop and I switched to glutes.",
        "Years ago I'd lie with the roller under my neck; now I use a ball and keep the neck free.",
        "Don't roll the bony point of your hip; roll the glute muscle just behind it.",
        "Why not roll my lower back? It has no ribs to protect it, so we roll around it.",
        "Put a heat pack on your lower back for ten minutes after rolling.",
        "Whatever the videos say, the back of the neck is off limits.",
        "Roll the hip flexors face down, with the lower back kept flat and off the roller.",
        "If the roller slips under your lower back, walk your feet in and move up.",
        "Don't park the roller in the small of your back; put it under your upper back.",
        "Don't fall asleep on the roller.",
        "Don't roll a sprained ankle; roll the muscles of the other leg and let it rest.",
        "The small of your back is where most people feel the ache.",
        "Rolling over a fresh bruise does a lot of harm.",
        "Since my spinal fusion I don't roll my back at all.",
        "Since my spinal fusion I roll my back only with my physio's go-ahead.",
        "The lower back is the worst place to foam roll.",
        "Where should the roller go for back ache? Anywhere but the lower back.",
        "Where do I put the roller for a sore lower back? Around it, on the glutes and hips.",
        "I switched from rolling my lower back to rolling my glutes and the ache eased.",
        "Roll the upper back only, so your lower back stays off the roller.",
        "Thoracic rolls today, lower back left in peace.",
        "Don't roll your lower back; do your glutes instead, the lower back hates it.",
        "Q: I sprained my ankle, when can I roll it? A: Not for a few days.",
        "It's a mistake not to wait for the swelling to settle before rolling a sprained calf.",
        "Don't wait for the swelling to get worse; see a physio about the sprain.",
        "Wait until your surgeon clears you before you start rolling again after back surgery.",
        "After my back surgery I started rolling again too soon; please don't copy me.",
    ],
)
def test_safe_sentences(matcher, sentence):
    assert matcher.find(sentence) == []


def test_red_flag_inside_a_card_of_its_level(matcher):
    sentence = "Stop if your foot goes numb."
    assert matcher.find(sentence, Context(card_level="professional")) == []
    assert matcher.find(sentence, Context(card_level="caution"))


def test_finding_keeps_phrase_and_span(matcher):
    sentence = "Press the roller into your kneecap."
    (found,) = matcher.find(sentence)
    assert sentence[found.start : found.end] == found.phrase


def test_phrase_syntax_errors():
    with pytest.raises(ValueError):
        parse_phrase("... back")
    with pytest.raises(ValueError):
        parse_phrase("lower (back)")


def _write(tmp_path: Path, rules: str, vocabulary: str | None = None) -> tuple[Path, Path]:
    rules_path = tmp_path / "rules.toml"
    rules_path.write_text(rules, encoding="utf-8")
    vocab_path = tmp_path / "vocabulary.toml"
    vocab_path.write_text(vocabulary or VOCABULARY.read_text(encoding="utf-8"), encoding="utf-8")
    return rules_path, vocab_path


RULE = """[[rule]]
id = "no-lumbar"
level = "caution"
statement = "Do not."
topic = ["places.lumbar-spine"]
actions = ["roll"]
places = ["lumbar-spine"]
"""


def test_the_real_files_load():
    assert len(load_concept_rules(RULES, VOCABULARY)) == 7


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            RULE.replace('places = ["lumbar-spine"]', 'places = ["lumbar-spin"]'),
            7,
            "unknown places concept",
        ),
        (RULE.replace('level = "caution"', 'level = "mild"'), 3, "unknown level"),
        (RULE + "colour = 'red'\n", 8, "unknown key"),
        (RULE.replace('statement = "Do not."', 'statement = "Do not.'), 4, "invalid TOML"),
        (
            RULE.replace('topic = ["places.lumbar-spine"]', 'topic = ["places.nowhere"]'),
            5,
            "unknown concept",
        ),
    ],
)
def test_loader_errors_have_file_and_line(tmp_path, text, line, message):
    rules_path, vocab_path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_concept_rules(rules_path, vocab_path)
    problem = caught.value.first
    assert problem.path == str(rules_path)
    assert problem.line == line
    assert message in problem.message


def test_vocabulary_errors_have_file_and_line(tmp_path):
    rules_path, vocab_path = _write(
        tmp_path,
        RULE,
        '[places.lumbar-spine]\nphrases = ["lower back"]\n\n'
        '[actions.roll]\nphrases = ["roll"]\nsize = 3\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_concept_rules(rules_path, vocab_path)
    problem = caught.value.first
    assert (problem.path, problem.line) == (str(vocab_path), 6)
    assert "unknown key" in problem.message


def test_cost_per_article_is_measured():
    ms, findings = cost_per_article(3)
    assert ms > 0
    assert findings > 0


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        # a denied mistake word permits ("nothing wrong with")
        (
            "There is nothing wrong with resting the roller under your lower back.",
            "no-direct-lumbar-rolling",
        ),
        # "careful to" tells how to do it; it does not warn against it
        ("Be careful to roll the small of your back slowly.", "no-direct-lumbar-rolling"),
    ],
)
def test_recommending_modes(matcher, sentence, rule):
    assert rule in {f.rule for f in matcher.find(sentence)}


def test_a_generic_bony_word_belongs_to_the_place_that_qualifies_it(matcher):
    found = {
        f.rule
        for f in matcher.find("Press the roller into the bony knob at the base of your spine.")
    }
    assert found == {"no-direct-lumbar-rolling"}
    # a bony word on its own is still a bony prominence
    assert {f.rule for f in matcher.find("Press the roller into the bony knob.")} == {
        "no-neck-bone-joint-rolling"
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "If you can't feel anything when you sit on the loo, call 999.",
        "Numbness around your genitals after rolling means you should call an ambulance.",
    ],
)
def test_numbness_in_the_saddle_area_is_the_urgent_flag_only(matcher, sentence):
    assert {f.rule for f in matcher.find(sentence)} == {"urgent-cauda-equina"}


def test_numbness_of_the_legs_beside_a_saddle_symptom_stays_a_nerve_flag(matcher):
    found = {f.rule for f in matcher.find("Bladder trouble and a numb leg came on after rolling.")}
    assert {"urgent-cauda-equina", "stop-nerve-symptoms"} <= found


def test_the_screen_looks_for_a_phrase_by_its_rarest_word(matcher):
    from healthkb.language.phrases import _anchor, _slots

    assert _anchor(_slots(parse_phrase("the longer")))[0] >= {"longer"}
    assert _anchor(_slots(parse_phrase("where ... belt")))[0] >= {"belt"}
    # a phrase that opens with a common word is still found through its anchor
    assert matcher.may_flag("Roll the roller to where your belt sits.")
    assert not matcher.may_flag("Roll slowly and breathe out where it feels good.")


@pytest.mark.parametrize(
    "sentence",
    [
        # a reader's question about a symptom, with nothing after it, asks
        "Is tingling in the toes after rolling something to worry about?",
        # a place word inside a condition's phrase is the condition
        "Ask a doctor first if you have brittle bones.",
        # two around cues joined by "and" still keep the roller off what follows
        "Roll the muscles above and below a swollen ankle, never the ankle itself.",
        # "rest" puts load on a place only with a place word after it
        "Rest and ice a sprained ankle for two days before any rolling.",
        # bleeding is a harm
        "Rolling over a swollen ankle can make it bleed more.",
        # a referral in everyday words
        "Had back surgery last month? Get your scar checked before you roll.",
    ],
)
def test_safe_modes_and_vocabulary(matcher, sentence):
    assert matcher.find(sentence) == []


def test_a_question_followed_by_advice_is_still_a_red_flag(matcher):
    assert "stop-nerve-symptoms" in {f.rule for f in matcher.find("Toes tingling? Keep rolling.")}


def test_a_place_word_inside_a_condition_is_not_the_place(matcher):
    found = {f.rule for f in matcher.find("Rolling is perfectly safe with brittle bones.")}
    assert found == {"check-first-conditions"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Had back surgery last month? Start rolling your hamstrings tonight.",
        "If you are expecting twins, roll your calves every evening.",
        "With a slipped disc there is nothing you need to change about your routine.",
    ],
)
def test_an_order_or_permission_under_a_condition(matcher, sentence):
    assert ("check-first-conditions", "permission") in {
        (f.rule, f.kind) for f in matcher.find(sentence)
    }


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        # two negations cancel
        ("There's no reason not to roll the small of your back.", "no-direct-lumbar-rolling"),
        ("Never stop rolling when your toes go numb.", "stop-nerve-symptoms"),
        # a hyphenated compound matches the words of a phrase
        ("Keep going through the pins-and-needles feeling.", "stop-nerve-symptoms"),
        # a heading label that ends in a dash
        ("Sprained ankle - roll it twice a day.", "no-acute-injury-rolling"),
        # verbs of placing and the whole back
        ("Tuck the roller into the small of your back and rock.", "no-direct-lumbar-rolling"),
        ("Roll the entire length of your back, top to bottom.", "no-direct-lumbar-rolling"),
        # "a good idea" is no mistake
        ("Rolling a fresh sprain is a good idea.", "no-acute-injury-rolling"),
        # long times per place and no limit, in other words
        ("Glutes: 6 minutes per side.", "limit-sustained-pressure"),
        ("Stay on the knot as long as you like.", "limit-sustained-pressure"),
        # spaCy's lookup table reads "calves" as the verb "calve"
        ("My calves feel like they're buzzing after rolling.", "stop-nerve-symptoms"),
        ("Both calves fizz when I roll my glutes, is that normal?", "stop-nerve-symptoms"),
        # a story told without its subject, then an order after a comma
        ("Pulled both glutes yesterday, roll them today.", "no-acute-injury-rolling"),
    ],
)
def test_mechanisms_that_find(matcher, sentence, rule):
    assert rule in {f.rule for f in matcher.find(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        # what the reader may notice, not what to do
        "If you notice the roller sliding onto your lower back, shift up to the ribs.",
        # a harm told before the action that causes it
        "A freshly sprained ankle can swell more if you roll it.",
        # a practice denied any gain
        "Lying on one spot for ages doesn't make the knot release any faster.",
        # a story of an injury, then the roller kept off it
        "Pulled my hamstring yesterday, don't roll it yet.",
        "Pulled a muscle this morning, rest it and roll the other leg.",
        "Strained my hamstring last week, so I'm keeping the roller away from it.",
        # "lower" as a verb is no lower back, nor is a list kept off
        "Lower your upper back onto the roller.",
        "Lower the upper back onto the roller and roll slowly.",
        "Roll the upper back, never the lower or mid back.",
        "Keep the roller off the lower and middle back.",
    ],
)
def test_mechanisms_that_keep_quiet(matcher, sentence):
    assert matcher.find(sentence) == []


@pytest.mark.parametrize(
    "question",
    ["Which is the best roller for a beginner?", "Should I get a softer one?"],
)
def test_choosing_a_roller_stays_on_a_rolling_page(matcher, question):
    """Which roller to get is part of rolling for back pain (readers ask it of the knowledge
    base); cleaning, shipping, returns and price are about the product."""
    from healthkb.language.roller import off_topic_roller_question

    assert off_topic_roller_question(matcher, question) is None
    assert off_topic_roller_question(matcher, "How do I clean my roller?") == "roller.care"


def test_a_referral_waved_away_over_a_symptom_is_the_red_flag_rules(matcher):
    found = {f.rule for f in matcher.find("Seeing a doctor about a numb foot is overkill.")}
    assert "check-first-conditions" not in found
    assert "stop-nerve-symptoms" in found
    # over a condition it is the check-first rule's
    found = {f.rule for f in matcher.find("Seeing a doctor about a slipped disc is overkill.")}
    assert "check-first-conditions" in found


def test_a_pop_is_an_injury_only_when_something_pops(matcher):
    assert "no-acute-injury-rolling" in {
        f.rule for f in matcher.find("Heard a loud pop in your calf? Roll it out straight away.")
    }
    assert matcher.find("Your knees may pop a little as you roll your calves.") == []


def test_a_question_answered_yes_recommends(matcher):
    sentence = "Can you roll the small of your back? Yes, every morning."
    assert "no-direct-lumbar-rolling" in {f.rule for f in matcher.find(sentence)}
    assert matcher.find("Can you roll the small of your back?") == []


def test_a_reader_addressed_by_a_condition_and_told_to_roll(matcher):
    sentence = "Runners with osteoporosis, roll your calves after every run."
    assert ("check-first-conditions", "permission") in {
        (f.rule, f.kind) for f in matcher.find(sentence)
    }
    assert matcher.find("Runners with osteoporosis, ask your doctor before you roll.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Write down the order number before you call us.",
        "A number of readers roll their calves every evening.",
        "The number one mistake is rolling too fast.",
    ],
)
def test_a_number_is_not_numbness(matcher, sentence):
    # spaCy's lookup table reads "number" as "more numb"
    assert matcher.find(sentence, Context()) == []
    assert [f.rule for f in matcher.find("My toes went numb.", Context())] == [
        "stop-nerve-symptoms"
    ]


def test_nerve_symptoms_named_in_the_leg_are_a_red_flag(matcher):
    found = {f.rule for f in matcher.find("Nerve symptoms in your calf are common with rolling.")}
    assert "stop-nerve-symptoms" in found


@pytest.mark.parametrize(
    "sentence",
    [
        "Expecting a baby? Rolling your back is perfectly okay.",
        "People with scoliosis can roll just like everyone else.",
        "During pregnancy you can roll your back without a second thought.",
        "With a bulging disc, rolling is something you can keep doing.",
        # the writer's own habit with the condition, and a professional who said nothing
        "Since my spinal fusion I roll my back every evening.",
        "Had my disc surgery in May and my surgeon never mentioned rolling, so I roll daily.",
        # conditions and permissions in looser words
        "With a slipped disc, rolling is one of the best things you can do.",
        "Bub's due in March and the roller has done wonders for my back.",
        "Just had a hernia repair? You're good to roll again.",
        "Nobody said not to after my disc op, so I roll my back every night.",
        "Q: I've got a slipped disc, can I still use the roller? A: Sure, start gently.",
        "I'm 20 weeks pregnant and my friend says rolling is fine, that's right isn't it?",
        # a referral waved away: inside a described mistake, or the go-ahead not needed
        "My mistake was asking my surgeon first after my fusion; rolling is completely safe.",
        "You don't need anyone's sign-off to roll while pregnant.",
        "We get asked this a lot: the roller is perfectly fine to use with a slipped disc.",
        "If you've got a bulging disc, rolling is a good way to keep things moving.",
        # rolling taken up again soon after, told as the writer's own story
        "A month after my disc surgery I was back to rolling every day.",
        "Ten days after my caesarean I started rolling again.",
    ],
)
def test_any_permission_of_the_sentence_grants_under_a_condition(matcher, sentence):
    # The first permission word may be asked or part of the condition; a later one grants.
    assert "check-first-conditions" in {f.rule for f in matcher.find(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Keep the roller under the tight spot for a quarter of an hour.",
        "Lie on the same spot for half an hour and let it melt.",
        "Hold each tender spot for two whole minutes or more.",
        "Sit on the ball over that knot for as long as it takes to let go.",
    ],
)
def test_long_holds_in_any_unit_or_wording(matcher, sentence):
    assert "limit-sustained-pressure" in {f.rule for f in matcher.find(sentence)}


def test_minutes_of_a_whole_session_are_not_a_hold(matcher):
    assert matcher.find("Spend five minutes rolling your whole body after a run.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Roll the calf you pulled during yesterday's match.",
        "If you twisted your knee at football an hour ago, roll it to keep it loose.",
    ],
)
def test_injuries_told_as_events(matcher, sentence):
    assert "no-acute-injury-rolling" in {f.rule for f in matcher.find(sentence)}


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Roll the lower and upper back.", "lower and upper back"),
        ("Roll your lower or middle back for two minutes.", "lower or middle back"),
        ("Work the roller over your low- and mid-back.", "low- and mid-back"),
        ("Roll from your lower to your upper back.", "lower to your upper back"),
    ],
)
def test_the_lower_back_named_in_a_list_that_shares_its_noun(matcher, sentence, phrase):
    (found,) = [f for f in matcher.find(sentence) if f.rule == "no-direct-lumbar-rolling"]
    assert phrase in found.phrase


def test_an_injury_verb_after_a_modal_is_what_rolling_may_do(matcher):
    assert matcher.find("Rolling hard on a bony spot can hurt your knee, so go around it.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Needing a minute or two on every knot is normal, so stay there.",
        "Stay put on that knot and breathe for another few minutes.",
        "Keep the ball under the knot until the ache finally goes quiet.",
        "Sit on the ball and stay there while the kettle boils.",
        "Roll one calf for ten minutes, then switch sides.",
        "There's no such thing as too long on a knot.",
    ],
)
def test_holds_long_by_the_clock_or_without_end(matcher, sentence):
    assert "limit-sustained-pressure" in {f.rule for f in matcher.find(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "The whole routine takes about seven minutes.",
        "Hold each tender spot for up to 90 seconds, then move on.",
    ],
)
def test_a_routine_or_the_limit_itself_is_not_a_long_hold(matcher, sentence):
    assert "limit-sustained-pressure" not in {f.rule for f in matcher.find(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Scoliosis or not, roll exactly as you would.",
        "Being pregnant shouldn't change how you roll.",
        "After a caesarean you can go for it as soon as you feel ready.",
        "If your doctor diagnosed spinal stenosis years ago, keep rolling the way you always have.",
    ],
)
def test_a_condition_waved_aside_or_a_professional_who_only_diagnosed(matcher, sentence):
    assert "check-first-conditions" in {f.rule for f in matcher.find(sentence)}


def test_a_professional_to_ask_still_refers(matcher):
    sentence = "With spinal stenosis, ask your doctor whether you can keep rolling as usual."
    assert "check-first-conditions" not in {f.rule for f in matcher.find(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Nothing beats resting your low back on a firm roller at night.",
        "Lie across the roller at belt height and rock.",
        "When your back aches low down, roll right over the spot.",
    ],
)
def test_praise_and_the_lower_back_by_the_belt(matcher, sentence):
    assert "no-direct-lumbar-rolling" in {f.rule for f in matcher.find(sentence)}


def test_a_call_for_help_in_an_urgent_card_is_no_finding(matcher):
    # "straight away" in "seek help straight away" is a referral's urgency, not a permission
    sentence = "Seek help straight away if you notice numbness in the saddle area."
    assert matcher.find(sentence, Context(card_level="urgent")) == []


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("i put the rolller right on my lowr back every night, no probs so far", "lumbar"),
        ("Roll the lumbr spine slowly, its the best fix.", "lumbar"),
        ("just sprined my wrist so rolled the swolen bit with a ball", "acute"),
        ("pregant and rolling my back evry day, no issuse at all", "check-first"),
    ],
)
def test_slips_of_the_vocabulary_read_as_the_word_meant(matcher, sentence, rule):
    ids = {
        "lumbar": "no-direct-lumbar-rolling",
        "acute": "no-acute-injury-rolling",
        "check-first": "check-first-conditions",
    }
    assert {f.rule for f in matcher.find(sentence)} == {ids[rule]}


@pytest.mark.parametrize("word", ["each", "every", "neither", "supine", "alone", "quite", "tail"])
def test_real_words_are_never_read_as_slips(matcher, word):
    # each is one letter from a vocabulary word ("reach", "never", "either", "spine", ...)
    assert Phrases(matcher.rules.vocabulary).lemma_of(word) == lemmas(word)[0]


def test_an_injury_weeks_old_and_settled_is_no_acute_injury(matcher):
    sentence = "i rolld my calf today, first time since the sprain 3 weeks ago, no swelling now"
    assert [f.rule for f in matcher.find(sentence)] == []


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("hold for 20 to 30 seconds", 25.0),
        ("ten slow, deep breaths on it", 60.0),
        ("five slow breaths", 30.0),
        ("5x60s on the same spot", 60.0),
        ("sustained pressure 90-120 s", 105.0),
        ("count down from ninety", 90.0),
        ("a count of two hundred", 200.0),
        ("for a full two and a half minutes", 150.0),
    ],
)
def test_durations_in_any_words(text, seconds):
    assert [d.seconds for d in durations(quick_words(text))] == [seconds]


def test_a_time_whose_unit_is_left_out_takes_the_unit_before():
    words = quick_words("after a minute, keep the pressure on for another two or three")
    assert [d.seconds for d in durations(words)] == [60.0, 180.0]


@pytest.mark.parametrize("text", ["it s fine", "walk down to the shop", "the second set"])
def test_no_duration_where_none_is_given(text):
    assert durations(quick_words(text)) == []
