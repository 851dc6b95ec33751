"""Rank: run a parsed query against the index and return the best passages as Hits.

A query is ranked in passes over one open searcher:
  1. its words (and their synonyms) are scored by BM25F over title, headings and body;
  2. feedback: the first passages' own words expand the query (RM3), which is scored again;
  3. proximity (off unless asked for): the leading passages gain for holding the query's
     words close together;
  4. semantic: the passages nearest the query in meaning join the leading ones, and each
     gains for its closeness (search.semantic);
  5. passages are ranked, at most `per_doc` of one article.
Required clauses (title:word, a phrase that is most of the query) and excluded words
filter the passages first. Every part but the first can be switched on or off in Options.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import itemgetter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.schema import FIELD_B, FIELD_WEIGHTS

from .query import FIELDS, Clause, ParsedQuery

#: The environment switches the CLI reads into Options, each "off" or "on".
SWITCHES = {"CORPUS_FEEDBACK": "feedback", "CORPUS_PROXIMITY": "proximity", "CORPUS_SYNONYMS": "synonyms",
            "CORPUS_DID_YOU_MEAN": "did_you_mean", "CORPUS_SEMANTIC": "semantic"}
#: Feedback passages whose term counts are kept for the next queries of a batch.
COUNTS_CACHED = 2_000


@dataclass(frozen=True, slots=True)
class Options:
    """How to rank; built once at the CLI edge and passed down."""

    limit: int = 10
    #: At most this many passages of one article.
    per_doc: int = 3
    field_weights: dict = field(default_factory=lambda: dict(FIELD_WEIGHTS))
    #: BM25F length normalisation per field.
    field_b: dict = field(default_factory=lambda: dict(FIELD_B))
    bm25_k1: float = 1.2
    #: A compound's parts (plant, based) each weigh this against the compound whole (plantbased).
    compound_part_weight: float = 0.5
    #: How many of the closest index words a fuzzy word~ matches.
    fuzzy_expansions: int = 8

    synonyms: bool = True
    #: Synonyms files besides the shipped one (a corpus's .synonyms.txt).
    synonym_files: tuple[Path, ...] = ()
    #: A synonym's terms each weigh this against a word the user typed.
    synonym_weight: float = 0.2
    #: A group's synonyms weigh less when the word typed is rarer than this idf and matched
    #: (in proportion: idf 10 gets half). Neither collection moved (at 4.0: NFCorpus dev
    #: -0.0002, train +0.0002, SciFact halves -0.0001 / 0; 0: off).
    synonym_idf: float = 5.0

    feedback: bool = True
    feedback_passages: int = 10
    #: The share of the expanded query that the feedback words make (RM3's 1 - lambda).
    feedback_weight: float = 0.5
    #: Words in more than this share of passages never expand a query: they tell little
    #: apart and their long postings cost the most.
    feedback_max_df: float = 0.1
    #: Feedback needs the top passages to be a sample of the corpus, not most of it: below
    #: this many passages (a handful of articles) it is skipped.
    feedback_min_passages: int = 200
    #: RM1 weighs a feedback passage by its query likelihood, exp((score - best) / this).
    feedback_temperature: float = 1.0
    #: Queries of up to this many words get the full feedback weight, longer ones
    #: proportionally less: a long query already says what it wants, and its top passages
    #: share its words more than its topic.
    feedback_full_words: float = 3.0
    #: A query that more than this many passages match in full is answered already
    #: (a confident one-word query): feedback's weight falls in proportion beyond it.
    feedback_enough_matches: float = 40.0
    #: 10 rather than 20: no split moved by more than 0.001 nDCG@10, and feedback's CPU at
    #: 50k articles fell from 8.7 to 6.5-7.4 ms a query (p50; bench_latency.py --ablation on
    #: a busy machine, indicative).
    feedback_terms: int = 10
    #: A feedback word found in fewer than this many of the feedback passages must be
    #: in more than `feedback_rare_passages` passages of the corpus (or this share of
    #: them, if more): the best passage's own rare words (a gene, a coinage) would pull in
    #: the few passages around them, not the query's topic (feedback.expansion_terms).
    feedback_term_passages: int = 2
    feedback_rare_passages: int = 5
    feedback_rare_share: float = 0.0005
    #: Feedback whose words would weigh less than this share of the typed words' weight
    #: (a long query, or one that many passages match in full) is skipped: it could only
    #: break near-ties. At 0.1 it skips a quarter of NFCorpus dev's queries at 50k articles
    #: (feedback's words are most of a query's CPU) and moved no split by more than 0.0001
    #: nDCG@10 or R@100 (tests/bench/bench_retrieval.py; NFCorpus dev at 50k +0.0008).
    feedback_min_share: float = 0.1

    #: Off unless asked for (CORPUS_PROXIMITY=on): with semantic fusion on, it moved no
    #: split by more than 0.001 nDCG@10 (NFCorpus +0.001, SciFact -0.0004) and cost a fifth
    #: of the queries/s and a quarter of a query's CPU at 50k articles
    #: (tests/bench/bench_retrieval.py, bench_latency.py --ablation).
    proximity: bool = False
    #: How many leading passages are re-ranked by proximity.
    proximity_depth: int = 100
    proximity_weight: float = 1.0
    #: Queries of up to this many words get the full proximity weight, longer ones
    #: proportionally less, so a long claim's many pairs cannot outweigh its matches.
    proximity_full_words: float = 2.0
    #: Words' idf is divided by this in proximity, so a pair earns in proportion to how
    #: rare both its words are: common pairs ("used to treat") earn next to nothing.
    proximity_idf_ref: float = 3.0

    #: "Did you mean" for words no passage holds, and a one-word query that no passage matches
    #: searched as its correction instead; off, neither.
    did_you_mean: bool = True

    #: Fuse closeness in meaning (static word vectors, search.semantic) with the lexical
    #: score; only for a query that matched something lexically.
    semantic: bool = True
    #: The semantic part's weight before the query's length adds to it (search.semantic).
    semantic_weight: float = 0.15

    #: Work out where the query's terms are in each hit's text (for highlighting).
    spans: bool = True
    #: Keep each hit's score breakdown.
    explain: bool = False

    def switched(self, environ: Mapping[str, str]) -> "Options":
        """These options with the parts turned off (or on) by CORPUS_* environment switches."""
        from dataclasses import replace

        changes = {name: environ[var].strip().lower() not in ("off", "0", "no", "false")
                   for var, name in SWITCHES.items() if var in environ}
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Contribution:
    """One term's part of a passage's score."""

    term: str
    #: Where the term came from: query, compound, fuzzy, synonym or feedback.
    origin: str
    #: The term's weight in the query.
    weight: float
    score: float
    #: How often the term occurs in each field of the passage.
    frequencies: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a passage scored as it did: its terms' parts, and the proximity bonus."""

    contributions: tuple[Contribution, ...]
    proximity: float
    phrases: int
    total: float
    #: What closeness in meaning added (search.semantic).
    semantic: float = 0.0


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked passage, copied out of the index while the searcher was open."""

    rank: int
    score: float
    article_id: str
    title: str
    headings: tuple[str, ...]
    source: str
    url: str | None
    text: str
    position: int
    #: Character spans of `text` that match the query's terms.
    spans: tuple[tuple[int, int], ...] = ()
    explanation: Explanation | None = None
    #: The page the passage starts on, in a paged source (PDF); None elsewhere.
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """A query's hits, and the corrected query they answer if the typed one matched nothing."""

    hits: list[Hit]
    #: A close index word for a query word the index lacks (None when every word is in it).
    suggestion: str | None = None
    #: The corrected query the hits answer, when the typed one matched nothing.
    corrected: str | None = None
    #: Why the ranking was lexical only although semantic ranking was asked for.
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class WeightedTerm:
    """A term of the query as scored: its weight, its fields, where it came from."""

    term: str
    weight: float
    fields: tuple[str, ...]
    origin: str = "query"
    #: The terms of a synonym of several words: the term then matches only passages
    #: holding them as a phrase, never through one of its words alone nor its words apart
    #: (Scorer.together_postings, then Ranker._settle_phrases).
    parts: tuple[str, ...] = ()


def match_spans(text: str, terms: Iterable[str]) -> tuple[tuple[int, int], ...]:
    """Where in `text` the given analysed terms occur, as character spans."""
    from indexer.analysis import spans

    return tuple(dict.fromkeys(spans(text, set(terms))))


class Ranker:
    """Ranks queries on one open searcher; holds what queries of a batch can share."""

    def __init__(self, searcher, options: Options):
        from .scoring import Bm25Params, Scorer, column_values
        from .synonyms import load

        names = [name for name in FIELDS if name in searcher.schema.names()]
        params = Bm25Params(k1=options.bm25_k1,
                            weights=tuple((f, options.field_weights.get(f, 1.0)) for f in names),
                            b=tuple((f, options.field_b.get(f, 0.75)) for f in names))
        self.searcher = searcher
        self.options = options
        self.scorer = Scorer(searcher, params)
        self.synonyms = load(options.synonym_files) if options.synonyms else None
        self._articles = column_values(searcher.reader(), "article_id")
        self._counts: dict[int, Counter] = {}
        #: The passages' vectors, read on the first query that uses them (None: missing).
        self._vectors = None
        #: Why semantic ranking could not be used (said once, by the caller).
        self.notice: str | None = None
        #: The current query's synonym phrases -> passages found to hold their words apart.
        self._apart: dict[str, set[int]] = {}

    # -- the query as weighted terms ---------------------------------------------

    def weighted_terms(self, parsed: ParsedQuery) -> list[WeightedTerm]:
        options, out = self.options, []
        for clause in parsed.positive:
            fields = (clause.field,) if clause.field else self.scorer.fields()
            if clause.fuzzy:
                out.extend(self._fuzzy(clause, fields))
                continue
            if clause.joined:
                out.append(WeightedTerm(clause.joined, 1.0, fields))
                out.extend(WeightedTerm(t, options.compound_part_weight, fields, "compound") for t in clause.terms)
            else:
                out.extend(WeightedTerm(t, 1.0, fields) for t in clause.terms)
        if self.synonyms is not None:
            typed = [t for c in parsed.positive if not c.field for t in c.terms]
            fields = self.scorer.fields()
            for entry, source in self.synonyms.sources(typed).items():
                weight = options.synonym_weight * self._synonym_share(source)
                out.append(WeightedTerm(" ".join(entry), weight, fields, "synonym", entry if len(entry) > 1 else ()))
        return out

    def _synonym_share(self, typed: tuple[str, ...]) -> float:
        """How much of the synonym weight a group's entries get, from the entry the user
        typed: all of it when that entry is common or matches nothing, less the rarer it is
        where it matches (idf above `synonym_idf`): a rare word the passages hold already
        says what is meant, and its group's everyday words would only add noise."""
        if not self.options.synonym_idf:
            return 1.0
        postings = (self.scorer.together_postings(typed) if len(typed) > 1 else self.scorer.term_postings(typed[0]))
        if not len(postings):
            return 1.0
        return min(1.0, self.options.synonym_idf / self.scorer.idf(len(postings)))

    def _fuzzy(self, clause: Clause, fields: tuple[str, ...]) -> list[WeightedTerm]:
        """The index words within the clause's edit distance, the most frequent first."""
        reader, term = self.scorer.reader, clause.terms[0]
        near = {t for f in fields for t in reader.terms_within(f, term, clause.fuzzy, prefix=1)}
        near.add(term)
        ranked = sorted(near, key=lambda t: (t != term, -self.scorer.doc_frequency(t, fields), t))
        return [WeightedTerm(t, 1.0, fields, "query" if t == term else "fuzzy")
                for t in ranked[:self.options.fuzzy_expansions]]

    # -- scoring -----------------------------------------------------------------

    def _scores(self, weighted: Iterable[WeightedTerm]):
        """The weighted terms' summed scores over every passage (a scoring.Scores)."""
        scores = self.scorer.new_scores()
        for wt in weighted:
            scores.add(self._postings(wt), wt.weight)
        return scores

    def _postings(self, wt: WeightedTerm):
        if wt.parts:
            return self.scorer.together_postings(wt.parts, wt.fields)
        return self.scorer.term_postings(wt.term, wt.fields)

    def _filter(self, parsed: ParsedQuery) -> tuple[set[int] | None, set[int]]:
        """(passages every required clause matches or None for any, passages to leave out)."""
        required = None
        for clause in parsed.required:
            docs = set(self.searcher.docs_for_query(_whoosh_clause(clause, self.scorer.fields())))
            required = docs if required is None else required & docs
        excluded = [_whoosh_clause(c, self.scorer.fields()) for c in parsed.clauses if c.excluded]
        if not excluded:
            return required, set()
        from whoosh import query as q

        left_out = set(self.searcher.docs_for_query(q.Or(excluded)))
        return required, left_out

    def _settle_phrases(self, scores, weighted: list[WeightedTerm], checked: dict[str, set[int]], count: int,
                        required: set[int] | None, left_out: set[int]) -> None:
        """Take back a synonym phrase's score from the leading passages that hold its words
        apart, until the `count` best passages hold none so: a synonym of several words
        matches as a phrase, in a row, never through its words scattered over a passage.
        Its score was first given to every passage holding all its words (from their
        postings alone); positions are read only for passages that could rank this high,
        as reading them for every such passage cost 20-120 ms a synonym at 50k articles
        (breast cancer, heart disease). Below the `count` best a passage keeps its
        provisional score, which is never less than its true one. `checked` remembers
        the passages already read, per synonym, across the query's passes."""
        phrases = [wt for wt in weighted if wt.parts]
        while phrases:
            leading = np.array(sorted(d for _, d in scores.best(count, scores.allowed(required, left_out))),
                               dtype=np.int64)
            taken_back = False
            for wt in phrases:
                postings = self._postings(wt)
                holding = np.intersect1d(leading, postings.docs, assume_unique=True).tolist()
                unread = [doc for doc in holding if doc not in checked[wt.term]]
                if not unread:
                    continue
                checked[wt.term].update(unread)
                in_a_row = self.scorer.in_a_row(wt.parts, unread, wt.fields)
                apart = [doc for doc in unread if doc not in in_a_row]
                if not apart:
                    continue
                taken_back = True
                self._apart[wt.term].update(apart)
                at = np.array(apart, dtype=np.int64)
                scores.values[at] -= wt.weight * postings.scores[np.searchsorted(postings.docs, at)]
                for doc in apart:  # matched by the phrase alone: not matched at all
                    if not any(self._holds(other, doc) for other in weighted if other is not wt):
                        scores.values[doc], scores.matched[doc] = 0.0, False
            if not taken_back:
                return

    def _holds(self, wt: WeightedTerm, doc: int) -> bool:
        """Whether the term (as settled so far) matches the passage."""
        docs = self._postings(wt).docs
        at = int(np.searchsorted(docs, doc))
        return at < len(docs) and docs[at] == doc and doc not in self._apart.get(wt.term, ())

    def _term_counts(self, doc: int) -> Counter:
        counts = self._counts.pop(doc, None)
        if counts is None:
            counts = self.scorer.term_counts(doc)
            if len(self._counts) >= COUNTS_CACHED:
                del self._counts[next(iter(self._counts))]  # the least recently used
        self._counts[doc] = counts
        return counts

    def _feedback(self, ranked: list[tuple[float, int]], weighted: list[WeightedTerm]) -> list[WeightedTerm]:
        from .feedback import expansion_terms

        options = self.options
        top = ranked[:options.feedback_passages]
        limit = options.feedback_max_df * self.scorer.doc_count
        typed = {wt.term for wt in weighted}
        fields = self.scorer.fields()
        # The longest field first: a word too common (or common enough) is so there most
        # often, and the test stops at the first field that decides it.
        longest_first = sorted(fields, key=self.scorer.field_length, reverse=True)

        # A word in too many passages of any field tells nothing apart: in a small corpus
        # the one article's title words would otherwise outweigh the query's own.
        def keep(term: str) -> bool:
            return term not in typed and all(self.scorer.in_at_most(f, term, limit) for f in longest_first)

        rare = max(options.feedback_rare_share * self.scorer.doc_count, options.feedback_rare_passages)

        def common(term: str) -> bool:
            return any(not self.scorer.in_at_most(f, term, rare) for f in longest_first)

        # Scale so the feedback words make `feedback_weight` of the query's total weight.
        typed_weight = sum(wt.weight for wt in weighted)
        words = len({wt.term for wt in weighted if wt.origin == "query"}) or 1
        strength = options.feedback_weight * min(1.0, options.feedback_full_words / words)
        strength *= min(1.0, options.feedback_enough_matches / max(self._full_matches(weighted), 1))
        share = strength / (1.0 - strength) if strength < 1 else 1.0
        if share < options.feedback_min_share:
            return []
        chosen = expansion_terms([(score, self._term_counts(doc)) for score, doc in top], options.feedback_terms,
                                 keep, options.feedback_temperature, options.feedback_term_passages, common)
        return [WeightedTerm(term, share * typed_weight * weight, fields, "feedback")
                for term, weight in chosen.items()]

    def _full_matches(self, weighted: list[WeightedTerm]) -> int:
        """How many passages hold every word the user typed."""
        found = None
        for wt in weighted:
            if wt.origin != "query":
                continue
            docs = self.scorer.term_postings(wt.term, wt.fields).docs
            found = docs if found is None else np.intersect1d(found, docs, assume_unique=True)
            if not len(found):
                return 0
        return 0 if found is None else len(found)

    def _query_terms(self, parsed: ParsedQuery) -> list[str]:
        """The query's own words in order (compound parts, not wholes), for proximity."""
        return list(dict.fromkeys(t for c in parsed.positive if not c.fuzzy for t in c.terms))

    def _proximity(self, parsed: ParsedQuery, docs: list[int]) -> tuple[dict[int, float], dict[int, int]]:
        """Proximity bonus and quoted-phrase count of each of `docs`."""
        from .proximity import phrase_count, proximity

        words = self._query_terms(parsed)
        phrases = [c.terms for c in parsed.positive if c.phrase]
        bonus: dict[int, float] = {}
        counts: dict[int, int] = {}
        if len(words) < 2:
            return bonus, counts
        ordered = sorted(docs)
        idf = {t: self.scorer.idf(self.scorer.doc_frequency(t)) / self.options.proximity_idf_ref for t in words}
        for name in ("title", "body"):
            if name not in self.scorer.fields():
                continue
            found = {t: self.scorer.positions(name, t, ordered) for t in words}
            for doc in ordered:
                where = {t: found[t][doc] for t in words if doc in found[t]}
                if len(where) < 2:
                    continue
                bonus[doc] = bonus.get(doc, 0.0) + proximity(where, idf, self.options.bm25_k1)
                for phrase in phrases:
                    counts[doc] = counts.get(doc, 0) + phrase_count([where.get(t, ()) for t in phrase])
        return bonus, counts

    # -- ranking -----------------------------------------------------------------

    def rank(self, parsed: ParsedQuery) -> list[Hit]:
        """The best passages for one query, best first."""
        options = self.options
        required, left_out = self._filter(parsed)
        if required is not None and not required:
            parsed = parsed.relaxed()  # the required phrases match nowhere: rank by them instead
            required, left_out = self._filter(parsed)
        weighted = self.weighted_terms(parsed)
        scores = self._scores(weighted)
        self._apart = {wt.term: set() for wt in weighted if wt.parts}
        checked = {term: set() for term in self._apart}

        feedback: list[WeightedTerm] = []
        if options.feedback and scores and self.scorer.doc_count >= options.feedback_min_passages:
            self._settle_phrases(scores, weighted, checked, options.feedback_passages, required, left_out)
            top = scores.best(options.feedback_passages, scores.allowed(required, left_out))
            # Ties at the cut go to the higher passage number, as heapq.nlargest chose them.
            feedback = self._feedback(sorted(top, reverse=True)[:options.feedback_passages], weighted)
            for wt in feedback:  # into the first pass's scores: nothing reads them again
                scores.add(self._postings(wt), wt.weight)
        depth = max(options.proximity_depth, options.limit)
        self._settle_phrases(scores, weighted + feedback, checked, depth, required, left_out)
        ranked, rest = scores.ordered(depth, scores.allowed(required, left_out))

        bonus: dict[int, float] = {}
        phrases: dict[int, int] = {}
        if options.proximity and ranked:
            head = ranked[:depth]
            bonus, phrases = self._proximity(parsed, [d for _, d in head])
            words = len(self._query_terms(parsed)) or 1
            weight = options.proximity_weight * min(1.0, options.proximity_full_words / words)
            bonus = {d: weight * b for d, b in bonus.items()}
            head = [(s + bonus.get(d, 0.0), d) for s, d in head]
            ranked = _in_order(head) + ranked[depth:]

        meaning: dict[int, float] = {}
        if options.semantic and ranked:
            fused = self._semantic(parsed, ranked[:depth], required, left_out)
            if fused is not None:
                head, meaning = fused
                taken = {d for _, d in head}
                # A passage the semantic part brought into the head is not ranked again later.
                rest = (item for item in chain(ranked[depth:], rest) if item[1] not in taken)
                ranked = _in_order(head)
        return self._hits(chain(ranked, rest), parsed, weighted + feedback, bonus, phrases, meaning)

    def _semantic(self, parsed: ParsedQuery, head: list[tuple[float, int]], required: set[int] | None,
                  left_out: set[int]) -> tuple[list[tuple[float, int]], dict[int, float]] | None:
        """The head fused with closeness in meaning, or None when it cannot be (no model,
        no vectors in the index: `notice` says why; a query without tokens)."""
        from . import semantic

        if head[0][0] <= 0:
            return None
        if self._vectors is None:
            if self.notice is not None:
                return None
            if semantic.embedder() is None:
                self.notice = "this install lacks the word vectors semantic ranking needs; ranking by words only"
                return None
            vectors = semantic.Vectors.read(self.searcher.reader())
            if vectors is None:
                self.notice = ("the index has no meaning vectors for some passages (built without "
                               "wordllama); ranking by words only until `corpus reindex`")
                return None
            self._vectors = vectors
        text = semantic.query_text(parsed.text)
        query = semantic.query_vector(text)
        if query is None:
            return None
        allowed = None  # any live passage
        if required is not None or left_out:
            allowed = np.zeros(len(self._vectors.live), dtype=bool) if required is not None else \
                np.ones(len(self._vectors.live), dtype=bool)
            if required is not None:
                allowed[list(required)] = True
            if left_out:
                allowed[list(left_out)] = False
        fusion = semantic.Fusion(weight=self.options.semantic_weight)
        return semantic.fuse(head, query, self._vectors, len(text.split()), allowed, fusion)

    def answer(self, parsed: ParsedQuery, hint: bool = True) -> Answer:
        """The query's hits and (with `hint`) its did-you-mean; a one-word query whose word
        is nowhere in the index is searched as its close correction (quercitin ->
        quercetin), which is said. The correction is looked up once, and only when needed:
        it scans the index's vocabulary."""
        from .suggest import fallback, suggestion

        hits = self.rank(parsed)
        hint = hint and self.options.did_you_mean  # switched off, no line either
        may_fall_back = not hits and self.options.did_you_mean
        corrected_text = suggestion(self.searcher, parsed, matched=bool(hits)) if hint or may_fall_back else None
        corrected = fallback(parsed, corrected_text) if may_fall_back else None
        shown = corrected_text if hint else None
        if corrected is None:
            return Answer(hits, shown, notice=self.notice)
        from .query import parse

        hits = self.rank(parse(corrected))
        return Answer(hits, shown, corrected, notice=self.notice)

    def _hits(self, ranked, parsed, weighted, bonus, phrases, meaning) -> list[Hit]:
        options, per_article, chosen = self.options, Counter(), []
        for score, doc in ranked:
            article = self._articles[doc]
            if per_article[article] >= options.per_doc:
                continue
            per_article[article] += 1
            chosen.append((score, doc))
            if len(chosen) >= options.limit:
                break
        hits = []
        for rank, (score, doc) in enumerate(chosen, 1):
            stored = self.searcher.stored_fields(doc)
            body = stored.get("body") or ""
            hits.append(Hit(rank=rank, score=score, article_id=stored["article_id"], title=stored["title"],
                            headings=tuple(stored.get("headings") or ()), source=stored.get("source") or "",
                            url=stored.get("url"), text=body, position=stored.get("position", 0),
                            spans=match_spans(body, parsed.terms) if options.spans else (),
                            explanation=self._explain(doc, score, weighted, bonus, phrases, meaning)
                            if options.explain else None, page=stored.get("page") or None))
        return hits

    def _explain(self, doc, total, weighted, bonus, phrases, meaning) -> Explanation:
        parts = []
        for wt in weighted:
            score = 0.0 if doc in self._apart.get(wt.term, ()) else self._postings(wt).as_dict().get(doc, 0.0) * wt.weight
            if score:
                frequencies = () if wt.parts else tuple(self.scorer.field_frequencies(wt.term, doc).items())
                parts.append(Contribution(wt.term, wt.origin, round(wt.weight, 4), score, frequencies))
        parts.sort(key=lambda c: -c.score)
        return Explanation(tuple(parts), bonus.get(doc, 0.0),
                           phrases.get(doc, 0), total, meaning.get(doc, 0.0))


def _in_order(items: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """(score, passage) items in rank order, best score first, then the lower passage
    number; sorted twice with C-level keys (by passage, then stably by score) rather than
    calling a Python key per item."""
    items.sort(key=itemgetter(1))
    items.sort(key=itemgetter(0), reverse=True)
    return items


def _whoosh_clause(clause: Clause, fields: tuple[str, ...]):
    """A clause as a Whoosh query, for filtering: which passages match it at all."""
    from whoosh import query as q

    names = (clause.field,) if clause.field else fields
    parts = []
    for name in names:
        if clause.phrase:
            parts.append(q.Phrase(name, list(clause.terms)))
        elif clause.fuzzy:
            parts.append(q.FuzzyTerm(name, clause.terms[0], maxdist=clause.fuzzy, prefixlength=1))
        elif clause.joined:
            parts.append(q.Or([q.Term(name, clause.joined), q.Phrase(name, list(clause.terms))]))
        else:
            parts.append(q.Term(name, clause.terms[0]))
    return parts[0] if len(parts) == 1 else q.Or(parts)


def search(index_dir: Path, parsed: ParsedQuery, options: Options) -> list[Hit]:
    """The best passages for one query, best first."""
    return next(iter(search_many(index_dir, [parsed], options)))


def answer(index_dir: Path, parsed: ParsedQuery, options: Options) -> Answer:
    """The best passages for one query, its did-you-mean and any correction it fell back
    to, all from one open searcher: the index is opened once."""
    from indexer.index import open_index

    from .scoring import ReaderView

    with ReaderView(open_index(index_dir).reader()) as searcher:
        return Ranker(searcher, options).answer(parsed)


def search_many(index_dir: Path, queries: Iterable[ParsedQuery], options: Options,
                on_notice=None) -> Iterator[list[Hit]]:
    """Run queries in turn on one searcher (opened for this call, never refreshed);
    `on_notice(text)` hears once why ranking fell back to words only, if it did."""
    from indexer.index import open_index

    from .scoring import ReaderView

    with ReaderView(open_index(index_dir).reader()) as searcher:
        ranker = Ranker(searcher, options)
        told = False
        for parsed in queries:
            found = ranker.answer(parsed, hint=False)
            if found.notice and not told and on_notice is not None:
                on_notice(found.notice)
                told = True
            yield found.hits
