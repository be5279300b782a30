"""HTML mail as the text an agent reads: blocks, lists, cells, images, links with their
real target, and nothing from scripts, styles or the head."""

from __future__ import annotations

import pytest

from agentconsole.mail.htmltext import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hello</p><p>World</p>", "Hello\n\nWorld"),
        ("<ul><li>one</li><li>two</li></ul>after", "- one\n\n- two\n\nafter"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table>", "a b\n\nc"),
        ('<img src="x.png" alt="logo"> and <img src="y.png"> <img alt="">', "[logo] and"),
        (
            '<a href="https://evil.example/x">https://bank.example</a>',
            "https://bank.example <https://evil.example/x>",
        ),
        ('<a href="https://same.example">https://same.example</a>', "https://same.example"),
        (
            '<a href="#top">top</a> <a href="mailto:a@b">mail</a> <a>no href</a>'
            ' <a href="  ">blank</a>',
            "top mail no href blank",
        ),
        (
            "<head><title>T</title><style>p{}</style></head>"
            "<body>Text<script>alert(1)</script> end</body>",
            "Text end",
        ),
        ("<noscript>n</noscript><template>t</template>shown", "shown"),
        ("</script>after a stray end tag", "after a stray end tag"),
        ("a<br>b<br/>c<hr>d", "a\nb\n\nc\nd"),
        ("<p>  lots   of\t spaces&nbsp;here </p>", "lots of spaces here"),
        ("<p>x</p>\n\n\n\n<p>y</p>", "x\n\ny"),
        ('<div><a href="https://t.example"> padded </a></div>', "padded <https://t.example>"),
        ('<a href="https://t.example"><img alt="Pay"></a>', "[Pay] <https://t.example>"),
        ('<a href=" https://t.example ">https://t.example</a>', "https://t.example"),
        ("<h1>Title</h1><blockquote>quoted</blockquote><pre>code</pre>", "Title\n\nquoted\n\ncode"),
    ],
)
def test_html_as_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
