"""Article intake: from a new article's text to proposed facts, each with the sentence it
comes from, that an editor accepts, corrects or rejects.

* ``propose(source)`` (engine.py): a pure function of the article (a ``Source``, saved or
  not: its text and, if the editor gave them, its publication day or window) and the
  database's vocabulary (gazetteer.py): the publication day and every date (dates.py), the
  people, parties and organizations it names (misspellings as aliases, new names with a
  title as new people), agenda lists (agenda.py), the rounds it reports with their
  participants (rounds.py), deadlines and positions (facts.py). Nothing is written; what
  the database already records with a citation of this article is not proposed
  (recorded.py).
* ``accept(proposals, keys, corrections)`` (accept.py): writes the accepted proposals
  through the write services, in one transaction, the source first, each fact cited by its
  sentence as a verbatim quote.
* measure.py: the measurement on the seed (``manage.py intake_measure``, docs/INTAKE.md).
"""

from negotiations.intake.engine import propose
from negotiations.intake.proposals import Proposal, Proposals

__all__ = ["Proposal", "Proposals", "propose"]
