from indexer.markdown import clean_markdown, front_matter

DOC = """---
title: Cramps at Night
author: "Jo Smith"
date: 2024-05-01
---
# Cramps at Night

Intro with *emphasis* and a [link](https://example.org).

## Causes

- Dehydration
- Low magnesium
  - from diet

### Rare causes

> A quoted warning.

| Nutrient | Amount |
|----------|--------|
| Magnesium | 400 mg |

```
code stays
```
"""


def test_front_matter_is_metadata():
    found, rest = front_matter(DOC)
    assert found == {"title": "Cramps at Night", "author": "Jo Smith", "published": "2024-05-01"}
    assert rest.startswith("# Cramps")


def test_blocks_and_title():
    cleaned = clean_markdown(DOC)
    assert cleaned.metadata.title == "Cramps at Night"
    assert cleaned.metadata.author == "Jo Smith"
    kinds = [(b.kind, b.text, b.level) for b in cleaned.blocks]
    assert kinds == [
        ("paragraph", "Intro with emphasis and a link.", 0),
        ("heading", "Causes", 2),
        ("item", "Dehydration", 1),
        ("item", "Low magnesium", 1),
        ("item", "from diet", 2),
        ("heading", "Rare causes", 3),
        ("quote", "A quoted warning.", 0),
        ("table", "Nutrient | Amount\nMagnesium | 400 mg", 0),
        ("pre", "code stays", 0),
    ]


def test_leading_h1_is_title_without_front_matter():
    cleaned = clean_markdown("# Hello\n\nWorld.\n")
    assert cleaned.metadata.title == "Hello"
    assert [b.text for b in cleaned.blocks] == ["World."]
