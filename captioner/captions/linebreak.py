"""Where text may be broken: linguistic break costs and the layout of a cue's lines.

A break *before* token k has a cost: low after punctuation and before a
conjunction or preposition, high between an article/determiner and its noun,
inside a name (two Capitalised words), after an auxiliary, preposition or
conjunction (which would dangle at a line end). Lines are then chosen to fit the
profile, fewest lines first, balanced with a slight preference for a
bottom-heavy pyramid (a shorter top line).
"""
from __future__ import annotations

import unicodedata

from captioner.captions.rules import Profile
from captioner.lang import is_unspaced, primary
from captioner.model import SENTENCE_END

_WORD_LISTS: dict[str, dict[str, frozenset[str]]] = {
    "en": {
        "determiners": frozenset(
            "a an the this that these those my your his her its our their whose "
            "some any no every each either neither another such what which "
            "much many more most few several all both half".split()
        ),
        "prepositions": frozenset(
            "about above across after against along amid among around as at before behind below "
            "beneath beside besides between beyond by despite down during except for from in "
            "inside into like near of off on onto out outside over past per since through "
            "throughout to toward towards under underneath unlike until upon via with within without".split()
        ),
        "conjunctions": frozenset(
            "and but or nor so yet because although though while whereas unless if when whenever "
            "where wherever whether that which who whom whose than once".split()
        ),
        "auxiliaries": frozenset(
            "am is are was were be been being have has had do does did will would shall should "
            "can could may might must ought "
            "i'm you're we're they're he's she's it's i've you've we've they've i'll you'll "
            "we'll they'll he'll she'll it'll i'd you'd we'd they'd don't doesn't didn't won't "
            "wouldn't can't cannot couldn't shouldn't isn't aren't wasn't weren't haven't hasn't hadn't".split()
        ),
        "pronouns": frozenset("i he she we they".split()),  # subject-only: "you", "it" may be objects
        "negations": frozenset({"not"}),
    },
    "es": {
        "determiners": frozenset(
            "el la los las un una unos unas lo al del este esta estos estas ese esa esos esas "
            "aquel aquella mi mis tu tus su sus nuestro nuestra nuestros nuestras cada".split()
        ),
        "prepositions": frozenset(
            "a ante bajo con contra de desde durante en entre hacia hasta mediante para por "
            "según sin sobre tras".split()
        ),
        "conjunctions": frozenset("y e o u ni pero sino que porque aunque si cuando donde como mientras".split()),
        "auxiliaries": frozenset("he has ha hemos han había habían es son fue era está están ser estar".split()),
        "pronouns": frozenset(),
    },
    "fr": {
        "determiners": frozenset(
            "le la les l' un une des du au aux ce cet cette ces mon ma mes ton ta tes son sa ses "
            "notre nos votre vos leur leurs chaque".split()
        ),
        "prepositions": frozenset(
            "à après avant avec chez contre dans de depuis derrière devant en entre envers hors "
            "malgré par parmi pendant pour sans selon sous sur vers".split()
        ),
        "conjunctions": frozenset("et ou mais donc car ni que qui quand lorsque puisque comme si".split()),
        "auxiliaries": frozenset("ai as a avons avez ont suis es est sommes êtes sont était".split()),
        "pronouns": frozenset("je tu il elle on nous vous ils elles".split()),
    },
    "pt": {
        "determiners": frozenset(
            "o a os as um uma uns umas ao aos do da dos das no na nos nas este esta esse essa "
            "meu minha seu sua nosso nossa cada".split()
        ),
        "prepositions": frozenset("a com contra de desde em entre para por sem sob sobre até".split()),
        "conjunctions": frozenset("e ou mas porque que se quando como embora".split()),
        "auxiliaries": frozenset("é são foi era está estão tem têm há".split()),
        "pronouns": frozenset(),
    },
    "de": {
        "determiners": frozenset(
            "der die das den dem des ein eine einen einem einer eines kein keine mein meine "
            "sein seine ihr ihre unser unsere dieser diese dieses jeder jede jedes".split()
        ),
        "prepositions": frozenset(
            "an auf aus bei bis durch für gegen hinter in mit nach neben ohne über um unter "
            "von vor während wegen zu zwischen".split()
        ),
        "conjunctions": frozenset("und oder aber denn sondern dass weil wenn als ob obwohl".split()),
        "auxiliaries": frozenset("ist sind war waren hat haben hatte wird werden kann können muss".split()),
        "pronouns": frozenset("ich du er sie es wir ihr".split()),
    },
}
_EMPTY_LISTS = {
    k: frozenset() for k in ("determiners", "prepositions", "conjunctions", "auxiliaries", "pronouns", "negations")
}

CLAUSE_END = (",", ";", ":", "—", "–", ")", "]", "»", "”", "，", "、", "；", "：")
_CLOSING = '"\')]»”’'
_OPENING = "\"'([«“‘¿¡"
# Punctuation that must not start a line in unspaced scripts (it is attached to the previous token).
_NO_LINE_START = set("。，、；：？！…）」』】》〉”’%)]}.,;:?!")
_NO_LINE_END = set("（「『【《〈“‘([{")

# Break costs (a break before the token). Sentence end and clause punctuation are cheap.
COST_SENTENCE = 0.0
COST_CLAUSE = 1.0
COST_BEFORE_CONJUNCTION = 2.0
COST_BEFORE_PREPOSITION = 3.0
COST_DEFAULT = 5.0
COST_AFTER_PRONOUN = 8.0
COST_AFTER_CONJUNCTION = 10.0
COST_AFTER_PREPOSITION = 12.0
COST_AFTER_AUXILIARY = 15.0
COST_BEFORE_NEGATION = 15.0
COST_IN_NAME = 25.0
COST_AFTER_DETERMINER = 30.0
COST_UNSPACED_DEFAULT = 4.0


def separators(tokens: list[str], language: str | None = "en") -> list[str]:
    """separators[k] is the text between tokens[k-1] and tokens[k] ('' before the first).

    A space in spaced scripts; in Chinese/Japanese/Thai nothing, except a space between
    two Latin words or numbers ("Project HOTSPOT").
    """
    if not is_unspaced(language):
        return [""] + [" "] * (len(tokens) - 1)
    seps = [""]
    for prev, nxt in zip(tokens, tokens[1:]):
        latin = prev[-1].isascii() and prev[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum()
        seps.append(" " if latin else "")
    return seps


def join_tokens(tokens: list[str], language: str | None = "en") -> str:
    return "".join(sep + tok for sep, tok in zip(separators(tokens, language), tokens))


def tokenize(text: str, language: str | None = "en") -> list[str]:
    """Units a line may be broken between: words, or characters for Chinese/Japanese/Thai."""
    if not is_unspaced(language):
        return text.split()
    tokens: list[str] = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            alnum_ascii = ch.isascii() and ch.isalnum()
            if not current:
                current = ch
            elif ch in _NO_LINE_START or unicodedata.category(ch).startswith("M"):
                current += ch
            elif alnum_ascii and current[-1].isascii() and current[-1].isalnum():
                current += ch  # a Latin word or a number stays whole
            elif current[-1] in _NO_LINE_END:
                current += ch
            else:
                tokens.append(current)
                current = ch
        if current:
            tokens.append(current)
    return tokens


def _bare(token: str) -> str:
    return token.strip(_OPENING + _CLOSING + ".,;:!?…—–-").lower()


def _ends_sentence(token: str) -> bool:
    return token.rstrip(_CLOSING).endswith(SENTENCE_END)


def _is_capitalised(token: str) -> bool:
    stripped = token.lstrip(_OPENING)
    return bool(stripped) and stripped[0].isupper()


def boundary_costs(tokens: list[str], language: str | None = "en") -> list[float]:
    """costs[k] = cost of a break before tokens[k]; costs[0] and costs[n] are 0."""
    n = len(tokens)
    costs = [0.0] * (n + 1)
    if n < 2:
        return costs
    if is_unspaced(language):
        for k in range(1, n):
            prev = tokens[k - 1]
            if _ends_sentence(prev) or prev[-1] in "。！？":
                costs[k] = COST_SENTENCE
            elif prev[-1] in "，、；：,;:":
                costs[k] = COST_CLAUSE
            else:
                costs[k] = COST_UNSPACED_DEFAULT
        return costs
    lists = _WORD_LISTS.get(primary(language), _EMPTY_LISTS)
    determiners, prepositions = lists["determiners"], lists["prepositions"]
    conjunctions, auxiliaries, pronouns = lists["conjunctions"], lists["auxiliaries"], lists["pronouns"]
    negations = lists.get("negations", frozenset())
    bare = [_bare(t) for t in tokens]
    for k in range(1, n):
        prev, nxt = tokens[k - 1], tokens[k]
        if _ends_sentence(prev):
            costs[k] = COST_SENTENCE
            continue
        if prev.rstrip(_CLOSING[1:]).endswith(CLAUSE_END) or prev in ("-", "–", "—"):
            costs[k] = COST_CLAUSE
            continue
        pw, nw = bare[k - 1], bare[k]
        if nw in conjunctions:
            cost = COST_BEFORE_CONJUNCTION
        elif nw in prepositions:
            cost = COST_BEFORE_PREPOSITION
        else:
            cost = COST_DEFAULT
        if nxt[0] in "([«“" and nxt[0] != prev[-1]:
            cost = min(cost, COST_BEFORE_CONJUNCTION)
        if nw in negations:
            cost = max(cost, COST_BEFORE_NEGATION)
        if pw in determiners:
            cost = max(cost, COST_AFTER_DETERMINER)
        elif pw in auxiliaries and nw not in determiners and nw not in prepositions:
            cost = max(cost, COST_AFTER_AUXILIARY)  # "have | participated"; not "have | an idea"
        elif pw in prepositions:
            cost = max(cost, COST_AFTER_PREPOSITION)
        elif pw in conjunctions:
            cost = max(cost, COST_AFTER_CONJUNCTION)
        elif pw in pronouns:
            cost = max(cost, COST_AFTER_PRONOUN)
        if (
            _is_capitalised(prev)
            and _is_capitalised(nxt)
            and pw != "i"
            and pw not in determiners
            and nw not in conjunctions
            and prev[-1].isalnum()
        ):
            cost = max(cost, COST_IN_NAME)
        costs[k] = cost
    return costs


def balance_cost(top: int, bottom: int, max_chars: int) -> float:
    """Two lines: even is best; a shorter top line (bottom-heavy pyramid) beats a shorter bottom one."""
    diff = (top - bottom) / max_chars
    cost = 6.0 * diff * diff
    if diff > 0:
        cost += 1.5 * diff
    return cost


def layout_tokens(
    lengths: list[int],
    sep_lengths: list[int],
    costs: list[float],
    max_chars: int,
    max_lines: int,
) -> tuple[float, list[int]] | None:
    """Best line breaks for tokens of these lengths: (cost, start index of each line after the first).

    `sep_lengths[k]` is the length of the separator before token k (dropped when k
    starts a line); `costs[k]` is the break cost before token k (as from
    boundary_costs). Uses the fewest lines that fit; None if no layout fits (a token
    longer than a line, or too much text).
    """
    n = len(lengths)
    if n == 0:
        return 0.0, []
    prefix = [0] * (n + 1)
    for k, length in enumerate(lengths):
        prefix[k + 1] = prefix[k] + length + sep_lengths[k]

    def span(a: int, b: int) -> int:
        return prefix[b] - prefix[a] - sep_lengths[a]

    if span(0, n) <= max_chars:
        return 0.0, []
    if max(lengths) > max_chars:
        return None
    for line_count in range(2, max_lines + 1):
        if span(0, n) > line_count * max_chars + sum(sep_lengths):
            continue
        if line_count == 2:
            best: tuple[float, list[int]] | None = None
            for k in range(1, n):
                top, bottom = span(0, k), span(k, n)
                if top > max_chars or bottom > max_chars:
                    continue
                cost = costs[k] + balance_cost(top, bottom, max_chars)
                if best is None or cost < best[0]:
                    best = (cost, [k])
            if best is not None:
                return best
            continue
        result = _layout_many(n, span, costs, max_chars, line_count)
        if result is not None:
            return result
    return None


def _layout_many(n, span, costs, max_chars, line_count):
    """Exactly `line_count` lines, each within max_chars: DP over break points."""
    mean = span(0, n) / line_count
    inf = float("inf")
    # best[m][k]: cost of putting tokens[:k] on m lines.
    best = [[inf] * (n + 1) for _ in range(line_count + 1)]
    back = [[-1] * (n + 1) for _ in range(line_count + 1)]
    best[0][0] = 0.0
    for m in range(1, line_count + 1):
        for k in range(1, n + 1):
            for a in range(k - 1, -1, -1):
                width = span(a, k)
                if width > max_chars:
                    break
                if best[m - 1][a] == inf:
                    continue
                dev = (width - mean) / max_chars
                cost = best[m - 1][a] + (costs[a] if a else 0.0) + 6.0 * dev * dev
                if cost < best[m][k]:
                    best[m][k] = cost
                    back[m][k] = a
    if best[line_count][n] == inf:
        return None
    starts = []
    k = n
    for m in range(line_count, 0, -1):
        a = back[m][k]
        if a > 0:
            starts.append(a)
        k = a
    return best[line_count][n], sorted(starts)


def lines_from_breaks(tokens: list[str], seps: list[str], starts: list[int]) -> list[str]:
    bounds = [0, *starts, len(tokens)]
    return [
        "".join((seps[k] if k > a else "") + tokens[k] for k in range(a, b))
        for a, b in zip(bounds, bounds[1:])
    ]


def break_lines(text: str, profile: Profile, language: str | None = "en") -> list[str] | None:
    """Lay out `text` as caption lines under `profile`: one line when it fits, else the
    best balanced break at linguistic boundaries; None when it cannot fit
    (a word longer than a line, or more text than max_lines lines hold).
    """
    tokens = tokenize(text, language)
    if not tokens:
        return []
    seps = separators(tokens, language)
    result = layout_tokens(
        [len(t) for t in tokens],
        [len(s) for s in seps],
        boundary_costs(tokens, language),
        profile.max_chars_per_line,
        profile.max_lines,
    )
    if result is None:
        return None
    return lines_from_breaks(tokens, seps, result[1])
