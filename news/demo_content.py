"""What the demo says: the Baotou story's facts (from the reference page, in our own words), the
invented cities, programmes, metrics and articles around it, and the demo accounts.
`news.demo` loads it; the figure-suggestion measure reads the same story."""

from datetime import datetime

from .models import Article

DEMO_NOTE = "Demo data: invented for illustration, not a real figure."

CITIES = [
    # slug, English, Chinese, province, level, division code, featured, summary
    ("baotou", "Baotou", "包头市", "Inner Mongolia", "prefecture", "150200", True,
     "Steel and rare-earth city on the Yellow River; approved as an innovation-driven "
     "demonstration city for 2023–2025."),
    ("hohhot", "Hohhot", "呼和浩特市", "Inner Mongolia", "prefecture", "150100", True,
     "Capital of Inner Mongolia. Demo data: its programme standing here is invented."),
    ("ordos", "Ordos", "鄂尔多斯市", "Inner Mongolia", "prefecture", "150600", False,
     "Energy city on the Ordos plateau. Demo data."),
    ("xilingol-league", "Xilingol League", "锡林郭勒盟", "Inner Mongolia", "league", "152500",
     False, "A league-level division of grassland. Demo data."),
    ("beijing", "Beijing", "北京市", "Beijing", "municipality", "110000", True,
     "The capital, a municipality directly under the central government. Demo data."),
    ("shanghai", "Shanghai", "上海市", "Shanghai", "municipality", "310000", False,
     "Municipality at the mouth of the Yangtze. Demo data."),
    ("shenzhen", "Shenzhen", "深圳市", "Guangdong", "sub_provincial", "440300", True,
     "Sub-provincial city in the Pearl River Delta. Demo data."),
    ("hefei", "Hefei", "合肥市", "Anhui", "prefecture", "340100", True,
     "Capital of Anhui, home of a national science centre. Demo data."),
    ("wuhu", "Wuhu", "芜湖市", "Anhui", "prefecture", "340200", False,
     "Manufacturing city on the Yangtze. Demo data."),
    ("xian", "Xi'an", "西安市", "Shaanxi", "sub_provincial", "610100", True,
     "Sub-provincial capital of Shaanxi. Demo data."),
    ("yanbian", "Yanbian", "延边朝鲜族自治州", "Jilin", "autonomous_prefecture", "222400", False,
     "Korean autonomous prefecture on the border. Demo data."),
    ("hotan", "Hotan", "和田地区", "Xinjiang", "region", "653200", False,
     "A prefecture-level region in southern Xinjiang. Demo data."),
    ("zibo", "", "淄博市", "Shandong", "prefecture", "370300", False,
     "Entered with its Chinese name only, so its address is spelled in pinyin. Demo data."),
]  # fmt: skip

PROGRAMMES = [
    ("innovation-driven-demonstration-cities-2023-2025",
     "Innovation-driven demonstration cities 2023–2025",
     "China Association for Science and Technology", 2023, 2025,
     "A higher tier built on two earlier pilot schemes of the association: cities chosen by "
     "expert review for how science and technology drive their economy and society. "
     "39 prefecture-level regions were approved for 2023–2025."),
    ("innovation-china-pilot-cities", "Innovation China pilot cities",
     "China Association for Science and Technology", 2018, None,
     "Pilot cities that draw on the association's national societies to serve local "
     "industry. Demo data: the start year is invented."),
    ("innovation-driven-support-project", "Innovation-driven Support Project",
     "China Association for Science and Technology", 2016, 2022,
     "Support for cities pairing national societies with local industry. Demo data: the "
     "years are invented."),
]  # fmt: skip

METRICS = [
    ("experts-on-innovation-china-platform", "Experts on the Innovation China platform", "experts",
     "Experts the city brought onto the national Innovation China platform."),
    ("achievements-released", "Scientific and technological achievements released",
     "achievements", "Research results published for transfer to industry."),
    ("high-end-academic-activities", "High-end academic activities with national societies",
     "events", "Forums and summits held jointly with national scientific societies."),
    ("innovation-method-training-sessions", "Innovation-method training sessions", "sessions",
     "Courses on innovation methods for engineers and technical managers."),
    ("certified-innovation-engineers", "Certified innovation engineers and technical managers",
     "people", "People certified as national second-level innovation engineers or technical "
     "managers."),
    ("national-science-popularisation-bases", "National science popularisation education bases",
     "bases", "Bases recognised at national level for public science education."),
    ("scientist-spirit-education-bases", "Scientist spirit education bases", "bases",
     "Bases that teach the history and values of Chinese scientists."),
    ("regional-science-popularisation-bases", "Regional science popularisation education bases",
     "bases", "Bases recognised by the province or autonomous region."),
]  # fmt: skip

BAOTOU_FIGURES = {
    "experts-on-innovation-china-platform": 2333,
    "achievements-released": 1135,
    "high-end-academic-activities": 17,
    "innovation-method-training-sessions": 35,
    "certified-innovation-engineers": 514,
    "national-science-popularisation-bases": 3,
    "scientist-spirit-education-bases": 1,
    "regional-science-popularisation-bases": 13,
}

BAOTOU_BODY = """
<p>Baotou is one of 39 prefecture-level regions that the China Association for Science and
Technology (CAST) has chosen to build innovation-driven demonstration cities over 2023–2025,
according to a notice the association issued this month.</p>
<p>The new title sits one level above two earlier CAST schemes, the Innovation-driven Support
Project and the Innovation China pilot cities. Experts reviewed how each candidate took part in
those pilots and how far science and technology now lead its economic and social development.
CAST wants the demonstration cities to grow into regional innovation hubs with national
reach.</p>
<h2>What Baotou brings</h2>
<p>Baotou was placed in the national top ten of Innovation China pilot cities and presented its
experience at the scheme's 2023 annual conference. Its record in recent years includes:</p>
<ul>
<li>2,333 experts brought onto the Innovation China platform;</li>
<li>1,135 scientific and technological achievements released;</li>
<li>17 high-end academic activities held jointly with national societies, among them a summit
forum on industry-university-research integration in modern energy;</li>
<li>35 training sessions on innovation methods, and 514 national second-level innovation
engineers and technical managers certified;</li>
<li>three national science popularisation education bases, one scientist spirit education base
and 13 science popularisation education bases recognised by Inner Mongolia.</li>
</ul>
<p>The city says its next step is to tie its innovation, industry, capital and talent chains
more closely together.</p>
"""

#: slug, title, kind, status, days after 2023-07-04 (None = now-relative), cities, programmes,
#: tags, featured, has image, summary (the body is generated from the summary)
DEMO_ARTICLES = [
    ("hefei-opens-shared-instrument-platform", "Hefei opens its shared research instruments to firms",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 40, ["hefei"], [], ["research", "industry"],
     False, True, "Small companies can now book time on university equipment. Demo data."),
    ("shenzhen-talent-policy-2023", "Shenzhen publishes a talent policy for young engineers",
     Article.Kind.POLICY, Article.Status.PUBLISHED, 75, ["shenzhen"], [], ["talent", "policy"],
     False, False, "Housing and training support for engineers under 35. Demo data."),
    ("xian-innovation-china-pilot-review", "Xi'an reviews five years as an Innovation China pilot",
     Article.Kind.FEATURE, Article.Status.PUBLISHED, 120, ["xian"],
     ["innovation-china-pilot-cities"], ["innovation-china"], False, True,
     "A look at what the pilot changed for the city's research institutes. Demo data."),
    ("inner-mongolia-science-bases-data", "Science popularisation bases in Inner Mongolia: the figures",
     Article.Kind.DATA_RELEASE, Article.Status.PUBLISHED, 150, ["baotou", "hohhot", "ordos"], [],
     ["science-popularisation", "data"], False, False,
     "Counts of recognised education bases by city. Demo data: figures for Hohhot and Ordos are "
     "invented."),
    ("hohhot-joins-demonstration-programme", "Hohhot confirmed in the demonstration city list",
     Article.Kind.ANNOUNCEMENT, Article.Status.PUBLISHED, 2,
     ["hohhot"], ["innovation-driven-demonstration-cities-2023-2025"], ["innovation-driven"],
     False, False, "Demo data: an invented announcement to show the announcement pages."),
    ("hefei-wuhu-designated", "Hefei and Wuhu named demonstration cities",
     Article.Kind.ANNOUNCEMENT, Article.Status.PUBLISHED, 3, ["hefei", "wuhu"],
     ["innovation-driven-demonstration-cities-2023-2025"], ["innovation-driven"], False, False,
     "Demo data: an invented announcement for two Anhui cities."),
    ("beijing-academic-forum-2024", "Beijing hosts a forum on science societies and cities",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 300, ["beijing"], [], ["research"], False, True,
     "Societies and city officials met to share pilot results. Demo data."),
    ("yanbian-border-innovation", "Yanbian links border trade and research",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 420, ["yanbian"], [], ["industry"], False,
     False, "Demo data: an invented story from an autonomous prefecture."),
    ("ordos-energy-summit", "Ordos plans an energy research summit",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 500, ["ordos"], [], ["energy"], False, False,
     "Demo data: an invented story about energy research."),
    ("shanghai-data-release-2024", "Shanghai releases its 2024 innovation indicators",
     Article.Kind.DATA_RELEASE, Article.Status.PUBLISHED, 560, ["shanghai"], [], ["data"], False,
     False, "Demo data: an invented data release."),
    ("zibo-training-sessions", "淄博举办创新方法培训 — Zibo holds innovation-method training",
     Article.Kind.NEWS, Article.Status.PUBLISHED, 600, ["zibo"], [], ["talent"], False, False,
     "Demo data: a story with a Chinese headline, about a city entered by its Chinese name."),
    ("draft-hotan-story", "Hotan research station (draft)",
     Article.Kind.NEWS, Article.Status.DRAFT, None, ["hotan"], [], [], False, False,
     "Demo data: a draft the public must not see."),
    ("in-review-xilingol-story", "Xilingol grassland monitoring (in review)",
     Article.Kind.FEATURE, Article.Status.IN_REVIEW, None, ["xilingol-league"], [], [], False,
     False, "Demo data: an article waiting for an editor."),
    ("scheduled-baotou-follow-up", "Baotou one year on (scheduled)",
     Article.Kind.FEATURE, Article.Status.PUBLISHED, 5000, ["baotou"], [], [], False, False,
     "Demo data: scheduled far in the future, hidden until then."),
    ("archived-2023-call", "Call for demonstration city applications (archived)",
     Article.Kind.ANNOUNCEMENT, Article.Status.ARCHIVED, -60, [], [], [], False, False,
     "Demo data: an archived notice, no longer public."),
]  # fmt: skip

BAOTOU_PUBLISHED = datetime(2023, 7, 4, 9, 0)

#: One account per role, for trying the workflow locally (listed in README.md).
DEMO_USERS = [
    # username, role, password
    ("writer", "Writer", "cityinno-writer"),
    ("editor", "Editor", "cityinno-editor"),
    ("records", "Records admin", "cityinno-records"),
]


def demo_body(title: str, summary: str) -> str:
    return (
        f"<p><strong>Demo data.</strong> {summary}</p>"
        f"<p>This article, “{title}”, was written for cityinno's demo site. Its people, events "
        "and numbers are invented so that every page has something to show.</p>"
        "<h2>Why it is here</h2><p>Editors can open it in the admin to try the workflow, and "
        "readers can see how lists, tags and city pages link together.</p>"
    )
