"""Tag and attribute evidence used by the HTML cleaner, kept as data apart from the logic.

Every list here is a judgement about what markup usually means on article pages;
change them here, not in the code that applies them.
"""
from __future__ import annotations

import re

from ..months import month_numbers

#: Elements whose content is never article text; they are skipped with their subtree.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "source", "track", "map", "area", "head", "title", "meta",
    "link", "base", "input", "select", "option", "optgroup", "textarea", "button", "label",
    "datalist", "output", "progress", "meter", "dialog", "img", "picture", "frame", "frameset",
})

#: Elements that start and end a block of text; everything else is inline.
#: Tags with a hyphen (custom elements) are treated as blocks too, because sites use
#: them as layout containers far more often than as inline markup.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "caption", "legend", "listing", "plaintext", "xmp",
})

#: Block elements that hold running text: a custom element inside one is inline.
PHRASE_CONTAINERS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "figcaption"})

#: Blocks that are never heading text, even inside an (unclosed) heading.
UNHEADING_TAGS = frozenset({"p", "ul", "ol", "dl", "li", "table", "blockquote", "pre", "article",
                            "section", "main", "aside", "nav", "footer", "form"})

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_TAGS = frozenset({"ul", "ol", "menu", "dir", "dl"})
ITEM_TAGS = frozenset({"li", "dt", "dd"})
PRE_TAGS = frozenset({"pre", "listing", "plaintext", "xmp"})
QUOTE_TAGS = frozenset({"blockquote"})

#: Tags that are page furniture rather than article text by their very name.
BOILERPLATE_TAGS = frozenset({"nav", "aside", "footer", "form", "menu"})
#: Tags whose text the benchmark's ground truth (and most readers) leave out of the body:
#: figure captions and credits.
CAPTION_TAGS = frozenset({"figcaption", "figure"})
#: Inline tags whose class may name them an image caption or credit, and those words.
INLINE_CAPTION_TAGS = frozenset({"span", "small", "em", "i", "cite", "font"})
CAPTION_WORDS = frozenset({"caption", "credit", "credits", "copyright", "photographer"})
#: Tags that declare "this is the main content"; a weak hint, since some sites wrap the
#: whole page, sidebars included, in <main> or many small teasers in <article>.
CONTENT_TAGS = frozenset({"article", "main"})

#: class/id/role tokens that mark furniture: navigation, sharing, promotion, comments,
#: bylines and captions. Matched against hyphen/underscore/space-separated words, so "ad"
#: matches "ad-slot" but not "header".
BOILERPLATE_TOKENS = frozenset("""
    nav navbar navigation menu breadcrumb breadcrumbs sidebar rail widget widgets
    footer foot masthead topbar toolbar
    share sharing follow sharebar
    related recommended recommendations recirc recirculation more trending popular ticker
    most outbrain taboola teaser teasers promo promotion promos sponsor sponsored
    ad ads adv advert advertisement advertising dfp banner
    comment comments disqus discussion replies respond
    newsletter subscribe subscription signup registration login
    cookie cookies consent gdpr popup modal overlay
    byline bylines author authors dateline timestamp date published meta
    caption credit credits copyright photo gallery legend
    tags tag topics keywords categories
    print email skip screen sr visually offscreen
    pagination pager prevnext
    bio disclaimer correction corrections
""".split())
BOILERPLATE_WORDS = re.compile(
    r"(?:^|[\s_-])(" + "|".join(sorted(BOILERPLATE_TOKENS, key=lambda w: (-len(w), w))) + r")(?=$|[\s_-])",
    re.IGNORECASE,
)

#: Class prefixes by which blog engines label a post with its own taxonomy ("tag-travel",
#: "category-news", "format-standard"): beside the post's own classes ("post-123",
#: "hentry"), they say nothing about furniture.
TAXONOMY_CLASS_PREFIXES = ("tag", "category", "format", "status", "type", "post_tag")

#: Furniture words that, on a box of unlinked prose just below the article's headline,
#: name the article's own lead: content systems call the standfirst a "teaser"
#: ("article-teaser", "teaser-text"), as they call the cards that link to other stories.
LEAD_TOKENS = frozenset({"teaser"})

#: ARIA landmark roles of page furniture.
BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                               "menu", "menubar", "dialog", "alert"})

#: class/id tokens that mark the article body itself. Strong evidence: the cleaner
#: prefers such a container when it holds most of the page's prose.
CONTENT_WORDS = re.compile(
    r"articlebody|article[-_]?body|article[-_]?content|article[-_]?text|story[-_]?body|"
    r"story[-_]?content|entry[-_]?content|post[-_]?content|post[-_]?body|post[-_]?entry|"
    r"main[-_]?content|body[-_]?text|content[-_]?body|article__body|blog[-_]?post|"
    r"rich[-_]?text|field[-_]?body|page[-_]?content|text[-_]?content",
    re.IGNORECASE,
)

#: class names of the common CSS utilities that hide an element from sighted readers
#: (matched as whole class tokens; "overflow-hidden" and "hidden-xs" do not hide it).
HIDDEN_CLASSES = frozenset({
    "hidden", "hide", "is-hidden", "u-hidden", "element-hidden", "element-invisible",
    "invisible", "is-invisible", "d-none", "display-none", "visually-hidden", "visuallyhidden",
    "sr-only", "screen-reader-text", "screen-reader-only", "screenreader-only", "offscreen",
    "a11y-hidden", "hidden-visually", "hide-text", "tooltip", "popover", "hovercard",
})

#: A class token naming a box shown only on hover (a person's card over their linked
#: name) joins a hover word and a box word, as in "rollover-people-block" or "hover_card".
HOVER_WORDS = frozenset({"rollover", "hover", "mouseover", "hovercard"})
BOX_WORDS = frozenset({"block", "card", "box", "popup", "panel", "tip", "content", "details"})

#: Both lists in one pattern, so that most class and id strings need one search.
HINT_WORDS = re.compile(
    f"(?P<content>{CONTENT_WORDS.pattern})|(?P<furniture>{BOILERPLATE_WORDS.pattern})",
    re.IGNORECASE)

#: `style` values that hide an element from readers.
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

#: Whole-block texts that are interface labels, not prose, whatever their container.
#: Compared after lowercasing and stripping punctuation.
BOILERPLATE_TEXTS = frozenset({
    "advertisement", "advertisements", "ad", "ads", "sponsored", "sponsored content",
    "share", "share this", "share this article", "share this story", "share on facebook",
    "share on twitter", "tweet", "email", "print", "comments", "comment", "read more",
    "continue reading", "read full article", "related", "related articles",
    "related stories", "related content", "more stories", "recommended", "you may also like",
    "you might also like", "most popular", "most read", "trending", "subscribe",
    "sign up", "sign in", "log in", "skip to content", "skip to main content", "close",
    "menu", "search", "loading", "back to top", "story continues below advertisement",
    "article continues below advertisement", "scroll to continue with content",
    "advertisement continue reading below", "supported by", "image", "photo",
    "view comments", "leave a comment", "follow us", "newsletter", "advert", "adverts",
    "advertisement feature", "promoted", "promoted content", "paid content", "partner content",
    "dont miss", "more", "see also", "also read", "read also", "read next", "up next",
    "watch", "video", "listen", "editors picks", "top stories", "latest news",
    "related coverage", "view comments", "print recipe", "jump to recipe", "load more",
    # The same labels in the other languages most saved pages are in.
    "anzeige", "werbung", "teilen", "drucken", "zurück", "weiterlesen", "mehr lesen",
    "mehr zum thema", "mehr zu diesem thema", "das könnte sie auch interessieren",
    "weitere artikel", "ähnliche artikel", "verwandte artikel", "verwandte beiträge",
    "ähnliche beiträge", "kommentare", "kommentar schreiben", "schreibe einen kommentar",
    "newsletter abonnieren", "jetzt abonnieren",
    "rezept drucken", "artikel teilen", "schlagworte", "kontakt", "impressum", "datenschutz",
    "publicité", "partager", "imprimer", "commentaires", "lire aussi", "à lire aussi",
    "voir aussi", "sur le même sujet", "publicidad", "compartir", "imprimir", "comentarios",
    "lea también", "te puede interesar", "notas relacionadas", "noticias relacionadas", "temas",
    "pubblicità", "condividi", "stampa", "commenti", "leggi anche", "articoli correlati",
    "advertentie", "delen", "lees ook", "reacties",
})

#: A share bar written out as text ("Share this: Facebook Twitter LinkedIn Email"):
#: a share label, then nothing but the names of the networks and buttons.
SHARE_LINE = re.compile(
    r"^\W*(?:share(?:\s+(?:this|on|via))?(?:\s+(?:article|story|post|page))?|teilen|"
    r"partager|compartir|condividi|delen)\b[\W_]*"
    r"(?:(?:facebook|twitter|x|linkedin|e-?mail|whatsapp|pinterest|reddit|telegram|xing|print|"
    r"drucken|imprimer|more|mehr|tumblr|pocket|mail|flipboard|messenger|threads|bluesky|"
    r"mastodon|copy\s+link|link|sms)\b[\W_]*)*$",
    re.IGNORECASE,
)
#: Short lines that only say who wrote the article or when: "By Jane Doe",
#: "Updated 10:01 pm PST, Tuesday, November 19, 2019". Matched against blocks
#: shorter than `BYLINE_MAX_CHARS`; the article's metadata already holds both.
BYLINE_MAX_CHARS = 100
BYLINE = re.compile(
    r"^\s*(?:by|written by|posted by|post by|words by|story by|von|por|par|di|"
    r"(?:ein\s+)?(?:beitrag|artikel|gastbeitrag)\s+von|geschrieben von|eingestellt von|"
    r"publié par|escrito por)\s+\S",
    re.IGNORECASE,
)
#: A dateline starts with one of these words, or is little more than a written date.
DATELINE = re.compile(
    r"^\s*(?:posted|published|updated|last updated|first published|last modified|"
    r"modified|veröffentlicht|aktualisiert|publicado|atualizado|publié|mis à jour|"
    r"date|datum|erschienen|erstellt|publiziert|veröffentlichung|pubblicato|gepubliceerd)\b",
    re.IGNORECASE,
)
# Any month name of the twenty languages (indexer/months.tsv), as a whole word.
_MONTH_NAME = ("(?<![^\\W\\d_])(?:" + "|".join(sorted(month_numbers(), key=lambda n: (-len(n), n)))
               + ")(?![^\\W\\d_])")
WRITTEN_DATE = re.compile(
    _MONTH_NAME + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|"
    r"\d{1,2}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?" + _MONTH_NAME + r"\.?,?\s+(?:de\s+)?\d{4}",
    re.IGNORECASE,
)
#: A line that is only a time of day or a day of the year ("3:59 PM", "05:28 Uhr",
#: "January 13", "13. Januar"): a timestamp, not a sentence.
BARE_TIME = re.compile(
    r"^\W*(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|uhr|h)?|"
    + _MONTH_NAME + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?|"
    r"\d{1,2}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?" + _MONTH_NAME + r"\.?)\W*$",
    re.IGNORECASE,
)
#: Words a dateline may have besides its date ("Tuesday", "10:01 pm", "PST").
DATELINE_MAX_OTHER_WORDS = 5
#: How far into a dateline its date may start ("Wednesday, " is 11 characters).
DATELINE_MAX_LEAD = 12

#: Calls to action that close many articles: subscribe, follow, newsletter sign-ups,
#: "have a tip? write to ...". Only short blocks at the very end of the chosen article
#: are tested, so an article about newsletters keeps its body.
PROMO_MAX_CHARS = 300
PROMO = re.compile(
    r"^\W*(?:subscribe|sign up|join|follow|get (?:the|our)|click here|listen|download|register|"
    r"like us|don'?t miss|have a tip|become a member|support)\b|"
    r"\b(?:newsletters?|inbox|follow (?:us|him|her|them|@)|"
    r"on (?:facebook|twitter|instagram)|[\w.+-]+@[\w-]+\.[\w.]+|"
    r"apps? for (?:ios|android|iphone)|(?:ios|android) apps?|app store|google play)\b",
    re.IGNORECASE,
)
#: How many closing blocks may be calls to action.
PROMO_MAX_TRAILING = 4
