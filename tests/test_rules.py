"""The safety rules as the build reads them: conf/safety-concepts.toml with the vocabulary it
refers to (healthkb.language.rules) and the matcher (healthkb.language.matcher), no Sphinx."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthkb.language.matcher import Context, SafetyMatcher
from healthkb.language.rules import LEVELS, level_rank, load_concept_rules, parse_concept_rules
from healthkb.language.source import ConfigError
from healthkb.language.text import split_sentences
from tests.conftest import ARTICLES, ROOT

RULES_FILE = ROOT / "conf" / "safety-concepts.toml"
VOCABULARY_FILE = ROOT / "conf" / "vocabulary.toml"
RULES = load_concept_rules(RULES_FILE, VOCABULARY_FILE)
MATCHER = SafetyMatcher(RULES)


def contradicted(sentence: str) -> list[str]:
    """The rules a sentence recommends breaking (or permits breaking), outside any card."""
    return [f.rule for f in MATCHER.find(sentence) if f.kind != "red-flag"]


def flagged(sentence: str) -> list[str]:
    return [f.rule for f in MATCHER.find(sentence) if f.kind == "red-flag"]


def required_level(sentence: str) -> str | None:
    """The level of card a sentence's red flags call for (the strongest), or None."""
    levels = [f.level for f in MATCHER.find(sentence) if f.kind == "red-flag"]
    return max(levels, key=level_rank) if levels else None


# -- the project's rules file ------------------------------------------------------------------
def test_project_rules() -> None:
    assert {rule.id: rule.level for rule in RULES} == {
        "no-direct-lumbar-rolling": "caution",
        "no-neck-bone-joint-rolling": "caution",
        "no-acute-injury-rolling": "caution",
        "stop-nerve-symptoms": "professional",
        "check-first-conditions": "professional",
        "limit-sustained-pressure": "caution",
        "urgent-cauda-equina": "urgent",
    }
    for rule in RULES:
        assert rule.statement.endswith("."), rule.id
        assert rule.line > 0
        # Every rule's own statement is about the rule and never contradicts a rule.
        assert rule in MATCHER.about(rule.statement), rule.id
        assert contradicted(rule.statement) == [], rule.id


def test_levels_are_ordered() -> None:
    assert LEVELS == ("caution", "professional", "urgent")
    assert level_rank("caution") < level_rank("professional") < level_rank("urgent")
    assert level_rank("severe") == -1


# -- calibration on the four real articles ------------------------------------------------------
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def article_sentences(path: Path) -> list[str]:
    """Every sentence of an article file, with markdown markup taken off each line."""
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = _LINK.sub(r"\1", line)
        line = re.sub(r"^\s*(?:#+|>|-|•|\d+\.)\s*", "", line)
        line = line.replace("**", "").replace("*", "").replace("&#10003;", "")
        line = re.sub(r"^(?:Q|A):\s*", "", line)
        sentences.extend(split_sentences(line))
    return sentences


def test_articles_are_there() -> None:
    names = sorted(path.name for path in ARTICLES.glob("*.txt"))
    assert [name[:3] for name in names] == ["000", "001", "002", "003"]
    assert sum(len(article_sentences(ARTICLES / name)) for name in names) > 400


def test_contradictions_in_the_four_articles() -> None:
    """The sentences of the four articles that recommend what a rule forbids: 001's lower-back
    exercises (its first step puts the roller under the lower back, its second rolls it from
    lumbar spine to tailbone, the side-lying one rolls from hip to lower back), and 003's
    pointer to the lower-back technique page by its title. The published pages keep them,
    each acknowledged with a reason (conf/import-curation.toml). 003 also links to a page
    that holds a knot for 30-90 seconds, past the 20-30 seconds of the rule; the importer
    leaves that list of links out of the page."""
    found = {
        (path.name[:3], finding.rule, sentence)
        for path in sorted(ARTICLES.glob("*.txt"))
        for sentence in article_sentences(path)
        for finding in MATCHER.find(sentence)
        if finding.kind != "red-flag"
    }
    lumbar = "no-direct-lumbar-rolling"
    assert found == {
        ("001", lumbar, "Lie face up with roller under lower back."),
        (
            "001",
            lumbar,
            "Raise hips slightly and roll gently up and down from lumbar spine to tailbone.",
        ),
        ("001", lumbar, "Roll up and down from hip to lower back."),
        (
            "003",
            lumbar,
            "Read how to foam roll your lower back without pain for a full breakdown of safe "
            "lumbar technique.",
        ),
        (
            "003",
            "limit-sustained-pressure",
            "Release a massive back knot by holding a foam roller on the trigger point for "
            "30-90 seconds daily, then stretching immediately after for fast relief.]"
            "(/answers/how-to-get-a-massive-knot-out-of-your-back)"
            "[### Tennis Ball vs Foam Roller for Piriformis",
        ),
    }


def test_red_flags_in_the_four_articles() -> None:
    found = {
        (path.name[:3], finding.rule, finding.phrase)
        for path in sorted(ARTICLES.glob("*.txt"))
        for sentence in article_sentences(path)
        for finding in MATCHER.find(sentence)
        if finding.kind == "red-flag"
    }
    assert found == {
        ("002", "stop-nerve-symptoms", "pain radiates down one or both legs"),
        ("002", "stop-nerve-symptoms", "pain radiates down the legs"),
    }


SHORT = {
    "lumbar": "no-direct-lumbar-rolling",
    "neck": "no-neck-bone-joint-rolling",
    "acute": "no-acute-injury-rolling",
    "nerve": "stop-nerve-symptoms",
    "check-first": "check-first-conditions",
    "sustained": "limit-sustained-pressure",
    "urgent": "urgent-cauda-equina",
}


# -- contradictions -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        (
            "Raise hips slightly and roll gently up and down from lumbar spine to tailbone.",
            "lumbar",
        ),
        ("Roll slowly along your lumbar spine to loosen it.", "lumbar"),
        ("Foam roll the lumbar vertebrae for two minutes.", "lumbar"),
        ("Roll directly on your lower back every morning.", "lumbar"),
        ("Place the roller directly on the lumbar spine and relax.", "lumbar"),
        ("Rolling the lumbar spine every day keeps it supple.", "lumbar"),
        # 001's side-lying exercise ends on the lower back.
        ("Roll up and down from hip to lower back.", "lumbar"),
        # the paraphrases of the issue: other words for the place, other verbs
        ("Slide the roller down to your lumbar area and keep going.", "lumbar"),
        ("Rest the small of your back on the roller and rock side to side.", "lumbar"),
        ("Work the roller into the base of your spine.", "lumbar"),
        ("Roll over the back of the neck to release tension.", "neck"),
        ("Gently roll the cervical spine.", "neck"),
        ("Roll directly over your kneecap.", "neck"),
        ("Press the roller into your kneecap.", "neck"),
        ("Roll right over a fresh bruise to break it up.", "acute"),
        ("Roll over inflamed tissue to calm it down.", "acute"),
        ("After a fall, roll the sore spot straight away.", "acute"),
        ("Keep rolling even if you feel tingling in your foot.", "nerve"),
        ("Tingling is normal, so carry on.", "nerve"),
        ("It is safe to roll even with a herniated disc.", "check-first"),
        ("There is no need to see a doctor first.", "check-first"),
        ("Pregnant? Rolling your back is totally fine.", "check-first"),
        ("With a bulging disc you can roll as usual.", "check-first"),
        # a fresh injury in a lead-in question, an order after it
        ("Tweaked your hamstring during today's game? Roll it hard tonight.", "acute"),
        (
            "Landed badly and your foot has ballooned? Get the ball under the arch and roll.",
            "acute",
        ),
        # a condition with reassurance or praise instead of a permission word
        ("Spinal stenosis? Rolling won't hurt.", "check-first"),
        ("Foam rolling is suitable for all stages of pregnancy.", "check-first"),
        ("Caption: 32 weeks along and still rolling every morning.", "check-first"),
        ("Foam rolling is ideal for anyone with osteopenia or osteoporosis.", "check-first"),
        ("Our members with spinal stenosis do really well on the roller.", "check-first"),
        # rolling with a condition told as one's own story or someone else's
        (
            "Six weeks after my C-section I was rolling my calves on the floor with the baby.",
            "check-first",
        ),
        ("A week after having my appendix out I got back to rolling.", "check-first"),
        ("Me and my bump still roll after every walk.", "check-first"),
        (
            "My brother had his spine fused in May and rolls his hamstrings every evening.",
            "check-first",
        ),
        # an injury framed with "even if", rolling allowed after it; an injury told with "hurt"
        ("Even if it is still red and swollen, a gentle roll won't hurt.", "acute"),
        ("Review: used it on my swollen calf the day after I hurt it, and it helped.", "acute"),
        # an order in the condition's own clause, or before it; a condition in more words
        ("Roll your upper back every evening if you've got a herniated disc.", "check-first"),
        ("Keep rolling straight through the first trimester.", "check-first"),
        ("Roll every day for the first six weeks after giving birth.", "check-first"),
        ("Dad had his spine decompressed at Easter and rolls his hamstrings daily.", "check-first"),
        # the roller does what hands cannot
        ("If you can't reach your lower back with your hands, the roller can get it.", "lumbar"),
        # a list item's mark opens no clause of its own
        ("- Inflamed Achilles? Roll straight along the tendon morning and night.", "acute"),
        # the lower back told by what it meets or touches
        ("Roll out where your back meets your bum, that's where the tightness lives.", "lumbar"),
        ("Get the roller under the part of your back that touches the chair, and roll.", "lumbar"),
        # a habit kept up; the place praised as a zone for rolling
        ("I still roll my low back daily, just like I used to.", "lumbar"),
        ("Work the hips first, then the small of the back is a great rolling zone.", "lumbar"),
        # the roller stuck or popped under the place; rolling that starts at the place
        ("Pop it under the bit of your back just above your bum and roll about.", "lumbar"),
        ("Start at the base of your spine and roll up toward the middle of your back.", "lumbar"),
        # a dead leg from a knock is a bruise, not the nerve symptom of that name
        ("If you got a dead leg in the match today, lie on the roller and grind it out.", "acute"),
        # rolling that goes on until the injury has healed
        ("Roll directly on the bruise on your thigh until it has healed.", "acute"),
        # a class's practice, a clinician's abbreviation, a comparison that is no negation
        ("Our recovery class rolls straight over fresh bruises to break them up.", "acute"),
        ("Acute hamstring strain 2/7 ago, FR to injured area BD, progress as tol.", "acute"),
        ("If the area is hot and swollen, the roller will calm it down faster than ice.", "acute"),
        ("Our mums-to-be class uses foam rollers from the first trimester onwards.", "check-first"),
        # straight over a joint; an app that rolls you; a clinician's note after the place
        ("It's fine to roll straight over the knee, the foam is soft enough.", "neck"),
        ("The app's routine rolls you up and down the lumbar curve for a minute.", "lumbar"),
        ("C-spine FR direct, pt reports relief, continue HEP.", "neck"),
        # a bony bit placed by the place after it
        ("Set the peanut ball on the bony knobs at the back of your neck and roll.", "neck"),
        # a place at the end of a long path, a place given a roll
        ("Roll from your shoulder blades all the way down to your lower back.", "lumbar"),
        ("Maybe give the lower back a few gentle rolls while you're down there.", "lumbar"),
        # a question that suggests, after a lead-in
        ("Knee sore? Have you tried just rolling over the kneecap for a minute?", "neck"),
        ("Fresh calf strain? Ever thought of rolling straight through it?", "acute"),
        # a denied order, then the order; a rhetorical "why ... when you could"; "once you roll"
        ("Don't rest a new calf strain, roll it.", "acute"),
        ("Why ice a fresh calf strain when you could roll straight over the swelling?", "acute"),
        ("Your swollen calf will feel better once you roll over it a few times.", "acute"),
        ("Having osteoporosis makes rolling even more important, so do it daily.", "check-first"),
        ("Our class welcomes expectant mums, and everyone rolls the same sequence.", "check-first"),
        # a question whether to see someone first, answered no
        (
            "Do I need to ask my doctor before rolling with a bulging disc? Not really.",
            "check-first",
        ),
        (
            "A common myth is that you need to see a doctor before rolling when pregnant.",
            "check-first",
        ),
        # what a professional said was a diagnosis, not a go-ahead
        (
            "My doctor says my bones are thin, but I roll my back every day and it's fine.",
            "check-first",
        ),
        ("Bone density's low, doctor said, but I still roll my legs every morning.", "check-first"),
        # praise for rolling an injury is the acute rule's alone ("scar tissue" is no operation)
        ("Fresh bruises are best rolled early to stop scar tissue forming.", "acute"),
        # a question answered yes recommends what it asks about
        ("Q: Can I roll my lower back? A: Yes, just go slowly.", "lumbar"),
        ("Q: can I roll a bruise? A: Definitely, it breaks up the blood.", "acute"),
        # an injury framed, then the roller praised or urged with a purpose
        ("When your calf is hot and puffy, a soft roller can calm it down.", "acute"),
        (
            "Felt something go in your hamstring today? Get on the roller to stop it tightening.",
            "acute",
        ),
        # a referral waived with "without"; a time as a compound ("a 10-minute hold")
        ("With a disc hernia you can roll without asking a doctor.", "check-first"),
        (
            "We prescribe 10-minute sustained holds on the trigger points with the roller.",
            "sustained",
        ),
        ("Use it every day right across the small of your back.", "lumbar"),
        (
            "I've got brittle bones and I roll my upper back every morning, no dramas.",
            "check-first",
        ),
        (
            "Position the roller at the level of your iliac crests, right on the spine, and rock.",
            "lumbar",
        ),
        (
            "Press your hip into the ball and hold it there while you count slowly to 180.",
            "sustained",
        ),
        # a condition told as the writer's own good experience; a rhetorical "why"
        (
            "Bought it after my spinal fusion, started using it the week I got home, zero issues.",
            "check-first",
        ),
        (
            "Rolling after back surgery seems fine to me, I doubt you need to ask the surgeon.",
            "check-first",
        ),
        # a harm word turned into reassurance; a joint in other words
        (
            "I roll the bony bit on the outside of my hip every night, hurts but it's good pain.",
            "neck",
        ),
        ("You can roll over your elbow too if it feels locked up.", "neck"),
        # a heading's dose with no verb is its order
        ("Low back (L1-L5): 3 slow passes.", "lumbar"),
        ("Lumbar spine - 45 sec.", "lumbar"),
        ("Kneecaps: 30 seconds of small circles on the roller.", "neck"),
        # pregnancy in readers' words, a condition with praise
        ("Im preggers and roll every nite, its fine for the baby", "check-first"),
        ("Slipped disc? A foam roller is all you need to get moving again.", "check-first"),
        # the lower back described rather than named
        ("Knead the hollow of your back against the roller.", "lumbar"),
        ("Park the roller between your ribs and your hips at the back and breathe.", "lumbar"),
        ("Lean back onto the roller so it sits in the curve above your hips and roll.", "lumbar"),
        ("Hold the roller on the knot for 5 minutes.", "sustained"),
        ("Stay on a tender spot as long as you can.", "sustained"),
        # a practice told of someone recommends it as an order does
        ("My sister rolls the small of her back every night and swears by it.", "lumbar"),
        # "so don't" urges on ("so don't let it put you off")
        (
            "Osteoporosis doesn't rule out rolling at all, so don't let it put you off.",
            "check-first",
        ),
        ("In the clip, Priya rolls right over her kneecap to warm up.", "neck"),
        ("The guy at my gym rolls his low back on the barbell pad before squats.", "lumbar"),
        ("If you lose bladder control, wait and see whether your bladder settles.", "urgent"),
    ],
)
def test_recommendations_against_a_rule_are_found(sentence: str, rule: str) -> None:
    assert contradicted(sentence) == [SHORT[rule]]


def test_longest_is_read_in_seconds_per_action() -> None:
    rules = parse(GOOD + 'longest = { hold = "1 minute", roll = "a minute and a half" }\n')
    assert rules.get("one").longest == (("actions.hold", 60.0), ("actions.roll", 90.0))


@pytest.mark.parametrize(
    "sentence",
    [
        "Hold it there for five minutes.",
        "Rest on the knot for a couple of minutes.",
        "Roll one thigh for ten minutes straight.",
        "Calves: 4 minutes each side.",
        "Most knots need between three and five minutes of steady pressure.",
        "Keep pressing into that spot until it finally lets go.",
        "Don't come off the tender spot until the ache has faded.",
        "Limit each knot to five minutes at most.",
        "Lean into the sore spot for a full minute.",
        "Roll your calves for ten minutes every evening.",
        "Give the tight hamstring five minutes of rolling each night.",
        "Press into the knot without moving for four minutes.",
        "If it still feels tight, stay on the painful spot for another minute.",
        "Apply sustained compression to the trigger point for two to three minutes.",
        "Rest the ball on your upper trap knot and breathe for four minutes.",
        "Leave the ball under your glute for a whole episode of your show.",
        "You'll find that resting on one spot for several minutes works best.",
        "Falling asleep on the foam roller every night is the best way to loosen up.",
        "Q: How long should I hold a knot? A: About three minutes.",
        "Hold each knot for no more than about four minutes.",
        "Press into the tender spot for a count of two hundred.",
        "Each knot should be compressed for three minutes.",
        "Step 4 - Hold on the sorest point: 3 min.",
        "The usual mistake is moving too soon; you should stay on each knot for three minutes.",
        "Keep the ball under your shoulder blade for the whole of your lunch break.",
        "Roll your left quad for the whole of an album.",
        "If you only have time for one muscle, give your quads a full ten minutes on the roller.",
        "Hold the roller under your hamstring for a good three minutes before moving.",
        "Hold the knot for thirty slow breaths without moving the roller.",
        "Two minutes per knot is about right.",
        "Our studio's signature class holds each trigger point for a full five minutes.",
        "Don't come off a tight spot until you've held it for at least three minutes.",
        "Set a 3-minute timer and keep the pressure on your calf the whole time.",
        "If the knot still hurts after a minute, keep the pressure on for another two or three.",
        "Press into each tender point until you've counted down from ninety to zero.",
        "Trigger point: sustained pressure 90-120 s.",
    ],
)
def test_long_holds_in_any_words_are_found(sentence: str) -> None:
    assert contradicted(sentence) == [SHORT["sustained"]]


@pytest.mark.parametrize(
    "sentence",
    [
        "Hold each spot for 20 to 30 seconds, then move on.",
        "Keep each area under two minutes.",
        "Roll the muscles around the knee for a minute or two, not the kneecap itself.",
        "Keep sessions short: five minutes is plenty for the whole back.",
        "Holding pressure for minutes on end is how people bruise themselves.",
        "Stay on a tender spot only as long as it takes to breathe out slowly a few times.",
        "The heat pack stays warm for about 20 minutes, so use it after rolling.",
        "The whole routine takes about ten minutes.",
        "Warm up with a five-minute walk before you roll.",
        "Rest for a few minutes between sets.",
        "Hold the stretch for two minutes on each side.",
        "Lie on the floor with your knees bent for two minutes.",
        "Some trainers tell you to hold a knot for three minutes, but 30 seconds is enough.",
        "Spending five minutes on one knot is overkill.",
        "Staying on a knot for several minutes can leave a bruise.",
        "Five minutes on one trigger point is far too long.",
        "If you find yourself lying on the roller for minutes at a time, move on.",
        "Leave the roller alone until the bruise has faded.",
        "Leave the roller in the cupboard until the swelling has settled.",
        "Q: How long should I hold a knot? A: No more than 30 seconds.",
        "How long should I roll my calves? About a minute each.",
        "Keep the whole session under ten minutes.",
        "Spend five minutes rolling your legs, moving from muscle to muscle.",
        "Hold each tender point for about half a minute.",
        "Hold the ball under your glute for five slow breaths, then shift a little.",
        "Half a minute on a sore spot is the most you need; a minute and a half covers a muscle.",
        "If you catch yourself lingering on one tender point for minutes, lift off.",
        "Don't hold a tight spot for three minutes; come off it after thirty seconds.",
        "Ten minutes on the roller after a run covers your calves, quads and glutes.",
        "Roll each hamstring for a minute, pausing on the tight bit for 20 seconds.",
        "Foam roll for ten minutes every evening.",
        "Your calf may feel warm for an hour after rolling.",
    ],
)
def test_times_within_the_limit_or_warned_against_are_not_findings(sentence: str) -> None:
    assert contradicted(sentence) == []


def test_a_sentence_can_break_two_rules() -> None:
    # five minutes on one area is longer than the rule on sustained pressure allows
    both = contradicted("Foam roll the lumbar vertebrae for five minutes.")
    assert sorted(both) == sorted([SHORT["lumbar"], SHORT["sustained"]])


@pytest.mark.parametrize(
    "sentence",
    [
        # the negated and cautionary phrasings of the brief
        "Never roll directly on the lumbar vertebrae.",
        "Do not roll directly over the lumbar spine.",
        "Don't roll directly on the lumbar spine.",
        "Don’t roll along your lumbar spine.",
        "Avoid rolling the lumbar spine.",
        "Slowly roll up and down from mid to upper back, avoiding lumbar spine.",
        "Stay off the lumbar spine; roll the glutes.",
        "Instead of rolling the lumbar spine, roll the glutes.",
        "Roll the glutes rather than rolling the lumbar vertebrae directly.",
        "The most common mistake is rolling directly over the lumbar spine.",
        "Rolling directly on the lumbar spine can increase instability.",
        "Direct loading on the lumbar vertebrae can destabilize the spine.",
        "Is it safe to foam roll directly on the lower back?",
        "Keep the roller off the back of the neck.",
        "Don't roll over acute injuries or inflamed tissue.",
        "Stop rolling if you feel tingling.",
        "Hold a tender spot for 20 to 30 seconds.",
        "Limit rolling to about 5-10 minutes per session.",
        # safe advice that mentions the same places
        "Roll slowly from mid-back up toward the base of the neck.",
        "Target the muscles surrounding the lumbar region.",
        # a condition with a referral first; a routine's count of days
        "If you are pregnant, ask your midwife before you start rolling.",
        "Rolling 1-2 times per day for 60-90 seconds per area improves mobility.",
        # an injury answered no, or the roller sent elsewhere
        "Should I roll a muscle I just pulled? No; rest it for a few days.",
        "Bruised your thigh? Roll the other leg and leave the bruised one alone for now.",
        "When the swelling has gone down completely, you can ease back into rolling.",
        "A common mistake is starting to roll straight after surgery without asking the surgeon.",
        "Never start rolling after surgery without asking your surgeon.",
        "Never rock on the roller at your belt line; move it to the upper back.",
        "Many people roll the lumbar part, but my doctor explained it is better to roll the hips.",
        "I hurt my ankle last week and it is still puffy, so I leave the roller off it.",
        "Radicular symptoms during rolling, such as tingling into the L5 dermatome, mean stop.",
        "dont roll ur kneecap, do the quads above it",
        "Many people roll the small of the back out of habit, but it's better to target the hips.",
        "You can roll the healthy leg while the injured one recovers.",
        "Roll the injured area only once it's no longer swollen or tender to the touch.",
        "A common mistake is lying across the lower back; move it up to your mid back.",
        "Physio handout: roll the thoracic spine, keeping the lumbar spine off the roller.",
        "The roller should be kept away from the neck, kneecaps and lower spine.",
        "If your knee is swollen after a fall, skip rolling it and get it looked at.",
        "Don't start rolling after spinal surgery until your surgical team says it's OK.",
        "Q: Should I roll a muscle I pulled? A: No; rest it and roll only once it has settled.",
        # a condition excepted, a referral encouraged, advice reported and corrected
        "Foam rolling is suitable for most people, but not after recent surgery.",
        "It won't hurt to check with your GP before rolling if you have osteoporosis.",
        "Ankylosing spondylitis: talk to your rheumatologist about whether rolling suits you.",
        "Some trainers tell you to roll the small of your back, but the evidence says otherwise.",
        # a habit to break, the writer's own mistake, the worst spot graded
        "Many beginners roll the lower back every day; that's a habit worth breaking.",
        "I rolled my calf the day I strained it; don't do what I did.",
        "Lie on your side and roll the area between your lowest rib and your hip.",
        # a story that ends with a professional, a protocol a clinician runs, a heading
        "I rolled my calves all through my pregnancy until my midwife told me to stop.",
        "Our post-op protocol has the patient rolling the hamstrings from week two.",
        "Massage - See a massage therapist once a month along with self-myofascial release.",
        # an order that keeps the roller away; "along with"; the clot of a bruise; "-ish"
        "Please keep the roller away from the swollen area around your new knee for now.",
        "See a massage therapist 1-2x a month along with self-myofascial release.",
        "Lie down after rolling to decompress.",
        # "to" of a verb ends no path
        "Roll your calves and glutes every evening to keep the neck and shoulders relaxed.",
        # the place kept well away, a practice judged a bad idea, a place the rolling may ease
        "Caption: roller under my shoulder blades, hips down, lower back nowhere near it.",
        "Rolling up and down your whole spine, including the lower back, is not a good idea.",
        "Perhaps try rolling your glutes first and see if the lower back eases.",
        "Switch to a massage ball on your glutes if you feel the urge to roll your lower back.",
        # hands do it, the roller put away, the bone kept off, the spot to skip
        "Never put the roller under your neck; use your hands to massage the muscles there.",
        "If the area is puffy or warm, leave the roller in the cupboard for a few days.",
        "Roll the muscle at the side of your shin, keeping the bone off the roller.",
        "Newcomers often roll the low back because it hurts, but that's the one spot to skip.",
        # others' practice in an "although" clause, corrected by the main clause
        "Although gym posters show people rolling the small of the back, physios say glutes.",
        # a pronoun that opens the next clause, a regret, "not something we recommend"
        "Got a big bruise on my thigh, so I'm just rolling the other leg till it fades.",
        "My biggest regret is rolling my sprained wrist the week it happened.",
        "Resting the small of your back on a roller is not something we recommend.",
        "The roller stays off the back of the neck; do the gentle neck stretches instead.",
        # the place that gains from rolling other muscles; a heading's order to skip it
        "Your lower back will benefit most when you roll the glutes and leave the spine alone.",
        "- Lower back: skip. Roll the glutes and hip flexors instead.",
        "Your lower back will thank you for rolling your glutes and hip flexors after work.",
        # the roller kept beyond a boundary, taken off, sent further away; a no; a wrong skip
        "Keep the roller above your waistband.",
        "Take the roller off any bump or bruise from a fall and roll the rest of the leg.",
        "If you've just pulled something, rest it and roll the muscles further away.",
        "Rolling the lumbar area is a no from me and from every physio I've seen.",
        "A common mistake is skipping the doctor's check before rolling with a bad disc.",
        # a ban until the injury has healed
        "Foam rolling an inflamed area is best avoided.",
        "Rolling the lower spine directly is discouraged; there is no rib cage there.",
        "Where should a roller never go? The lumbar spine, the neck and any joint.",
        "People ask if they should roll a new injury, and my answer is no, let it heal.",
        "Our netball coach bans the roller on any bruise until it has completely faded.",
        # a condition sent for the go-ahead, or told to wait for one
        "Do I need to ask my doctor before rolling with a bulging disc? Yes, always.",
        "After your spinal op, leave the roller in the cupboard until your team says otherwise.",
        "Pregnant? Get the go-ahead from your maternity team before you start rolling.",
        # a wait before rolling again
        "If the muscle is bruised or swollen, give it a week or two before you roll it again.",
        "Don't roll a fresh bruise, rest it.",
        # praise with a condition that is absent
        "Glutes first thing makes for sciatica-free mornings, and rolling them is great.",
        # a relative clause's pronoun belongs to its own verb
        "Don't roll the lower back; work the muscles that attach to it instead.",
        # a practice waved off or doubted after it is told
        "Lots of videos show people rolling the lumbar region; don't copy them.",
        "Some of my clients grind a roller into their kneecaps, and I wish they wouldn't.",
        "The app says to hold each knot for 15 minutes, is that a typo?",
        # someone's practice corrected
        "My dad rolls his lower back daily, but I told him the leaflet says the glutes instead.",
        # what an exercise does, not a person
        "The first exercise above rolls over the lumbar spine.",
    ],
)
def test_negated_or_safe_sentences_are_not_contradictions(sentence: str) -> None:
    assert contradicted(sentence) == []


def test_a_tag_question_asserts() -> None:
    # "..., right?" and "I think ...?" state what the writer does or believes
    assert flagged("I get a bit of tingling down my leg when I roll, just push through it, right?")
    assert flagged("I think the numbness between my legs is just from sitting too long?")
    assert flagged("When I roll my back my leg goes dead and numb, is that normal?")
    # a rhetorical "why" says the opposite of what it asks
    assert flagged("Why stop rolling just because your foot goes numb when it is helping?")
    # a reader's plain question about a symptom asks, it tells nothing to do
    assert flagged("Is numbness in the foot after rolling a bad sign?") == []


# -- red flags ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "rules"),
    [
        ("Sharp pain radiates down one or both legs.", ["stop-nerve-symptoms"]),
        ("Pain shooting down your leg means stop.", ["stop-nerve-symptoms"]),
        ("Pain spreading down the back of the thigh is a warning.", ["stop-nerve-symptoms"]),
        ("You may feel numbness in your feet.", ["stop-nerve-symptoms"]),
        ("Tingling in the toes is a warning sign.", ["stop-nerve-symptoms"]),
        ("Pins and needles in the foot.", ["stop-nerve-symptoms"]),
        ("A dead leg after rolling your glutes is a warning sign.", ["stop-nerve-symptoms"]),
        ("Leg pain that shoots below the knee is a warning sign.", ["stop-nerve-symptoms"]),
        ("My foot kinda flops when I walk since rolling.", ["stop-nerve-symptoms"]),
        (
            "Couldn't feel anything between my legs for an hour after rolling.",
            ["urgent-cauda-equina"],
        ),
        ("Since my back op I've had no feeling when I wipe myself.", ["urgent-cauda-equina"]),
        ("Weakness in your legs needs a check.", ["stop-nerve-symptoms"]),
        ("Loss of bladder or bowel control needs help now.", ["urgent-cauda-equina"]),
        ("If you lose control of your bowels, call for help.", ["urgent-cauda-equina"]),
        # numbness around the genitals is the urgent rule's own symptom: the milder nerve
        # rule's finding inside it is dropped (the card it calls for is the urgent one)
        ("Numbness around your genitals or bottom is an emergency.", ["urgent-cauda-equina"]),
        # the lay words of the issue
        ("Pain that travels down the back of your thigh.", ["stop-nerve-symptoms"]),
        ("Your foot goes numb.", ["stop-nerve-symptoms"]),
        ("You can't feel your toes.", ["stop-nerve-symptoms"]),
        ("Roll the glutes for 60 seconds.", []),
        ("Avoid foam rolling during flare-ups with sharp, radiating, or severe pain.", []),
        ("A card about the bladder.", []),
    ],
)
def test_red_flags(sentence: str, rules: list[str]) -> None:
    assert flagged(sentence) == rules


def test_required_level_is_the_strongest() -> None:
    assert required_level("Numbness and loss of bladder control.") == "urgent"
    assert required_level("Numbness in the feet.") == "professional"
    assert required_level("Roll the glutes.") is None


def test_red_flags_inside_a_card_of_their_level_are_not_findings() -> None:
    sentence = "Numbness in the feet is a reason to stop."
    assert MATCHER.find(sentence, Context("professional")) == []
    assert MATCHER.find(sentence, Context("urgent")) == []
    assert [f.rule for f in MATCHER.find(sentence, Context("caution"))] == ["stop-nerve-symptoms"]


# -- sentences ----------------------------------------------------------------------------------
def test_split_sentences() -> None:
    assert split_sentences("One. Two? Three! Pearcey et al. found it.\nFour.") == [
        "One.",
        "Two?",
        "Three!",
        "Pearcey et al. found it.",
        "Four.",
    ]
    # a question glued to its answer (article 003's "Related Questions")
    assert split_sentences("What are mistakes?Rolling too fast.") == [
        "What are mistakes?",
        "Rolling too fast.",
    ]
    assert split_sentences("   ") == []


# -- loading and validating ----------------------------------------------------------------------
GOOD = """
[[rule]]
id = "one"
level = "caution"
statement = "Do one thing."
topic = ["places.lumbar-spine"]
actions = ["roll"]
places = ["lumbar-spine"]
"""
WHERE = "conf/safety-concepts.toml"


def parse(text: str, path: str = WHERE):
    return parse_concept_rules(text, RULES.vocabulary, path)


def test_parse_minimal_rules() -> None:
    rules = parse(GOOD, "x.toml")
    assert [rule.id for rule in rules] == ["one"]
    assert rules.get("one") is not None and rules.get("one").line == 2
    assert "one" in rules and "two" not in rules


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[[rule]\nid = 1\n", 1, "invalid TOML"),
        (GOOD + 'level = "x"\n', 9, "invalid TOML"),
        ("", None, "no [[rule]] tables"),
        ('title = "rules"\n' + GOOD, 1, "unknown top-level key 'title'"),
        (GOOD.replace('level = "caution"', 'level = "severe"'), 4, "unknown level 'severe'"),
        (GOOD.replace('id = "one"', 'id = "One Rule"'), 3, "id must be lower-case"),
        (GOOD.replace('statement = "Do one thing."\n', ""), 2, "missing key 'statement'"),
        (GOOD.replace('topic = ["places.lumbar-spine"]', "topic = []"), 6, "must not be empty"),
        (GOOD.replace('topic = ["places.lumbar-spine"]', "topic = 'one'"), 6, "must be a list"),
        (GOOD + "patterns = ['ok', '(broken']\n", 9, "invalid regex in patterns: '(broken'"),
        (GOOD.replace("places = [", "colour = 'red'\nplaces = ["), 8, "unknown key 'colour'"),
        (GOOD + GOOD, 11, "duplicate rule id 'one' (first defined at line 2)"),
        # how long an action may last is written in words, per action of the vocabulary
        (GOOD + 'longest = { roll = "a while" }\n', 9, "longest roll must be one duration"),
        (GOOD + 'longest = "90 seconds"\n', 9, "longest must be a table"),
        (GOOD + 'longest = { shimmy = "1 minute" }\n', 9, "unknown actions concept 'shimmy'"),
        (GOOD + 'time = ["forever-ish"]\n', 9, "unknown time concept 'forever-ish'"),
        # an editor names a place the vocabulary does not define
        (
            GOOD.replace('places = ["lumbar-spine"]', 'places = ["small-of-back"]'),
            8,
            "unknown places concept 'small-of-back'",
        ),
    ],
)
def test_broken_rules_name_file_and_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(text)
    problem = caught.value.first
    assert problem.path == WHERE
    assert problem.line == line, str(problem)
    assert message in problem.message
    assert str(problem).startswith(f"{WHERE}:{line}: " if line else f"{WHERE}: ")


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_concept_rules(tmp_path / "nope.toml", VOCABULARY_FILE)
    bad = tmp_path / "bad.toml"
    bad.write_bytes(GOOD.encode() + b"# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"bad.toml:9: .*UTF-8"):
        load_concept_rules(bad, VOCABULARY_FILE)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_rules_text_gives_rules_or_a_clear_error(text: str) -> None:
    try:
        parse(text, "fuzz.toml")
    except ConfigError as error:
        assert all(str(problem).startswith("fuzz.toml") for problem in error.problems)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_matchers_accept_any_text(text: str) -> None:
    for context in (Context(), Context("caution", "no-direct-lumbar-rolling")):
        for found in MATCHER.find(text, context):
            assert found.phrase
            assert found.rule in RULES
    for sentence in split_sentences(text):
        assert sentence == sentence.strip()


def test_error_location_always_has_a_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse("", "rules.toml")
    assert caught.value.first.location == "rules.toml:1"
    with pytest.raises(ConfigError) as caught:
        parse(GOOD.replace('level = "caution"', 'level = "x"'), "rules.toml")
    assert caught.value.first.location == "rules.toml:4"
