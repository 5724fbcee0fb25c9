"""The body editor is a real rich-text widget served from our static files, and whatever it (or
anyone else) sends, the stored body keeps only the allow-list."""

import re

import pytest
from django.contrib.staticfiles import finders

from news.models import Article
from news.sanitise import sanitise_html
from tests.helpers import article_post_data

pytestmark = pytest.mark.django_db

#: Known XSS vectors (from the OWASP filter-evasion cheat sheet and html5sec.org families).
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=`javascript:alert(1)`>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">ent</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<p onclick="alert(1)">para</p>',
    '<p onmouseover="alert(1)">hover</p>',
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="width: expression(alert(1))">ie</div>',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "<!--<img src=--><img src=x onerror=alert(1)//-->",
    '<base href="javascript:alert(1)//">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<td onmouseover="alert(1)">cell</td>',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    '<a href="https://example.org" target="_blank" onclick="alert(1)">ok link</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
]

FORBIDDEN = [
    re.compile(r"<\s*script", re.I),
    re.compile(r"<\s*(iframe|object|embed|style|link|meta|form|base|svg|math|template)\b", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
    re.compile(r"vbscript:", re.I),
    re.compile(r"data:text/html", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"<\s*img", re.I),
]


def assert_safe(html: str) -> None:
    for pattern in FORBIDDEN:
        assert not pattern.search(html), (pattern.pattern, html)


def test_corpus_has_at_least_thirty_vectors():
    assert len(set(XSS_VECTORS)) >= 30


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_sanitiser_removes_xss_vector(vector):
    assert_safe(sanitise_html(vector))


def test_every_vector_posted_through_the_admin_is_stored_clean(client, writer):
    client.force_login(writer)
    # The safe parts go first: an unclosed vector may (correctly) swallow what follows it.
    body = (
        '<h2>Heading</h2><p>Safe <strong>text</strong> <a href="https://example.org" '
        'onclick="alert(1)">ok link</a></p>' + "".join(XSS_VECTORS)
    )
    response = client.post("/admin/news/article/add/", article_post_data(body=body))
    assert response.status_code == 302
    stored = Article.objects.get().body
    assert_safe(stored)
    assert "<h2>Heading</h2>" in stored and "<strong>text</strong>" in stored
    assert '<a href="https://example.org" rel="noopener noreferrer">ok link</a>' in stored


def test_editor_formatting_survives_sanitising():
    html = (
        '<h2>H2</h2><h3>H3</h3><p><strong>b</strong> <em>i</em> <a href="https://x.org">l</a>'
        "</p><ul><li>u</li></ul><ol><li>o</li></ol><blockquote><p>q</p></blockquote>"
        '<table><tbody><tr><th colspan="2">h</th></tr><tr><td>1</td><td>2</td></tr>'
        "</tbody></table>"
    )
    cleaned = sanitise_html(html)
    for fragment in ["<h2>H2</h2>", "<h3>H3</h3>", "<strong>b</strong>", "<em>i</em>",
                     "<ul><li>u</li></ul>", "<ol><li>o</li></ol>", "<blockquote>",
                     '<th colspan="2">h</th>', "<td>1</td>"]:  # fmt: skip
        assert fragment in cleaned


def test_admin_body_uses_the_prose_editor_from_our_static_files(client, writer):
    client.force_login(writer)
    html = client.get("/admin/news/article/add/").content.decode()
    assert "data-django-prose-editor-configurable" in html
    assert "/static/django_prose_editor/editor.js" in html
    for needed in ["Heading", "Blockquote", "Table", "Link", "BulletList", "OrderedList"]:
        assert needed in html
    assert finders.find("django_prose_editor/editor.js")
    assert "cdn" not in re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [url for url in re.findall(r'(?:src|href)="([^"]+)"', html)
                if url.startswith(("http:", "https:", "//"))]  # fmt: skip
