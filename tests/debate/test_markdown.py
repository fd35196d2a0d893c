"""debate.markdown: guidelines Markdown becomes HTML in which nothing can run.

Each payload is rendered, then the output is checked twice: against the exact HTML expected,
and against what a browser would run (a tag or attribute that executes, a dangerous URL).
"""

from html.parser import HTMLParser

import pytest

from debate.markdown import ALLOWED_TAGS, markdown_html


class Elements(HTMLParser):
    """Collect every element and attribute a browser would build from some HTML."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def what_could_run(html: str) -> list[str]:
    """Return the elements, attributes and URLs in ``html`` that could run or load anything."""
    problems = []
    for tag, attrs in Elements(html).found:
        if tag not in ALLOWED_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "src", "srcset", "formaction"):
                problems.append(f"<{tag} {name}>")
            url = "".join((value or "").split()).lower()
            scheme = url.split(":", 1)[0] if ":" in url.split("/", 1)[0] else None
            if name == "href" and scheme not in (None, "https", "http", "mailto"):
                problems.append(f"<{tag} href={value}>")
    return problems


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"),
        (
            "<a href='javascript:alert(1)'>x</a>",
            "<p>&lt;a href='javascript:alert(1)'&gt;x&lt;/a&gt;</p>\n",
        ),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>\n"),
        # An entity that spells the scheme is decoded before the check, and refused all the same.
        ("[x](&#106;avascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("[x](vbscript:msgbox(1))", "<p>[x](vbscript:msgbox(1))</p>\n"),
        (
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>\n",
        ),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"),
        # Entities stay text: an escaped tag is shown, not parsed.
        (
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt;",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt;</p>\n",
        ),
        ('<svg onload="alert(1)">', '<p>&lt;svg onload="alert(1)"&gt;</p>\n'),
        (
            "<!-- <script>alert(1)</script> -->",
            "<p>&lt;!-- &lt;script&gt;alert(1)&lt;/script&gt; --&gt;</p>\n",
        ),
        # A link title cannot break out of its attribute.
        (
            '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
            '<p><a href="https://example.org" title="a&quot; onmouseover=&quot;alert(1)" '
            'target="_blank" rel="noopener noreferrer">x</a></p>\n',
        ),
        # Images would be refused by the CSP: they become links, and a javascript: one nothing.
        (
            "![a chart](https://elsewhere.example/chart.png)",
            '<p><a href="https://elsewhere.example/chart.png" target="_blank" '
            'rel="noopener noreferrer">a chart</a></p>\n',
        ),
        ("![x](javascript:alert(1))", "<p>![x](javascript:alert(1))</p>\n"),
        (
            '![x" onerror="alert(1)](https://e.example/i.png)',
            '<p><a href="https://e.example/i.png" target="_blank" rel="noopener noreferrer">'
            'x" onerror="alert(1)</a></p>\n',
        ),
        # A fenced block's language class and a table's inline alignment style are dropped.
        (
            "```html\n<script>x</script>\n```",
            "<pre><code>&lt;script&gt;x&lt;/script&gt;\n</code></pre>\n",
        ),
    ],
)
def test_nothing_executable_survives(markdown, html):
    rendered = markdown_html(markdown)

    assert rendered == html
    assert what_could_run(rendered) == []


def test_the_check_finds_what_runs():
    # The control: the same check on unsanitized HTML names each way in.
    assert what_could_run(
        '<p>ok <a href=" JavaScript:alert(1)" onclick="x">a</a><img src="x"></p>'
        '<a href="data:text/html,x">b</a><a href="/d/x/">c</a>'
    ) == [
        "<a href= JavaScript:alert(1)>",
        "<a onclick>",
        "<img>",
        "<img src>",
        "<a href=data:text/html,x>",
    ]


def test_markdown_renders_what_guidelines_need():
    markdown = (
        "# Stance\n\nText with **bold**, *italic*, ~~old~~ and `code`.\n\n"
        "> An example.\n\n- one\n- two\n\n3. three\n4. four\n\n---\n\n"
        "| Stance | When |\n|:--|--:|\n| Pro | for it |\n\n"
        "[the page](/d/encryption/) and [a site](https://example.org) "
        "and [mail](mailto:team@example.org)"
    )

    assert markdown_html(markdown) == (
        "<h2>Stance</h2>\n"
        "<p>Text with <strong>bold</strong>, <em>italic</em>, <s>old</s> and <code>code</code>."
        "</p>\n"
        "<blockquote>\n<p>An example.</p>\n</blockquote>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'
        "<hr>\n"
        "<table>\n<thead>\n<tr>\n<th>Stance</th>\n<th>When</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>Pro</td>\n<td>for it</td>\n</tr>\n</tbody>\n</table>\n"
        '<p><a href="/d/encryption/" target="_blank" rel="noopener noreferrer">the page</a> and '
        '<a href="https://example.org" target="_blank" rel="noopener noreferrer">a site</a> and '
        '<a href="mailto:team@example.org" target="_blank" rel="noopener noreferrer">mail</a></p>\n'
    )


def test_headings_sit_one_level_under_the_page_title():
    assert markdown_html("# a\n## b\n###### f") == "<h2>a</h2>\n<h3>b</h3>\n<h6>f</h6>\n"


def test_the_output_is_marked_safe_for_templates():
    assert hasattr(markdown_html("x"), "__html__")
