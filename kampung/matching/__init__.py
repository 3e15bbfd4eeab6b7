"""Matching people's needs to the offers, strengths and assets a community already has
(issue #4). The algorithms live in ``kampung.matching.core`` (plain Python, no Django);
this package will hold the Django side (models, actions, pages, API) around them."""
