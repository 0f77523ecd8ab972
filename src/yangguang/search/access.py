"""Search actions: administrators edit the user dictionary and synonyms."""

from yangguang.orgs.access import register

register("search.dictionary", admin=True)
