"""Public pages: thin views that parse input with a form, ask a queryset, and render.

articles: home, news list, article, tag; register: designations, programmes, cities; figures:
metric pages and every chart's CSV and JSON; search; site: robots.txt; lists: what list pages
share (the filter form and the feed twins).
"""
