// Scorer for Sphinx's built-in search (kb_search_engine = "sphinx"), kept so the two
// engines can be compared (healthkb.search.evaluate). Results that land on an
// answer (kb objects: FAQ items, safety cards, sections; section titles) rank
// above whole pages that merely contain the words.
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score, filename, kind] = result;
    let boost = 0;
    if (kind === "object") boost += /FAQ|safety card/.test(descr || "") ? 12 : 6;
    if (kind === "title" && anchor) boost += 8;
    if (kind === "text" && !anchor) boost -= 2;
    return score + boost;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
