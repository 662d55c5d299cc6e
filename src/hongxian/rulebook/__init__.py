"""The rulebook: published codes (articles, penalty ladders, precedents) and the checks that cite them.

Load it with `hongxian.rulebook.loader.load_rulebook(registry.params_models())`; the data lives in
``codes/`` and ``checks/``.
"""
