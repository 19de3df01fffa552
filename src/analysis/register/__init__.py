"""The case register of the buurtteams: data model, loader, aggregations and scope.

A *register* is three tables, described in ``docs/synthetic-register.md``:

``cases`` (required)
    One row per **client in a case**. A case (*casus*) of Buurtteam Sociaal
    usually has one client, sometimes a partner or other household member; a
    case of Buurtteam Jeugd en Gezin is one **family** and has a row for every
    registered family member. Case-level columns (team, wijk, dates, urgent,
    end reason) repeat on every row of the case and must agree.

    ========================= ==================================================
    column                    meaning
    ========================= ==================================================
    case_id                   case number (text)
    client_id                 pseudonymous client number (text)
    team                      ``jeugd_en_gezin`` or ``sociaal``
    wijk_code                 CBS wijk code, ``WK034401`` .. ``WK034410`` for Utrecht
    registration_date         date of registration (*aanmelding*)
    first_conversation_date   first conversation (*keukentafelgesprek*); empty if none
    end_date                  date the case was closed; empty while it runs
    urgent                    urgent request (``true``/``false``)
    age_band                  age of the client at registration, see :data:`AGE_BANDS`
    end_reason                why the case ended (:data:`END_REASONS`); empty while running
    synthetic                 optional; ``true`` marks generated, not real, rows
    ========================= ==================================================

``surveys`` (optional)
    One row per response to the client-experience survey
    (*Ervaringwijzer*): ``case_id``, ``survey_date``, ``toegankelijkheid``,
    ``kwaliteit``, ``effect``, ``rapportcijfer`` (whole numbers 1-10, empty if
    not answered) and ``verder_zonder_hulp`` (can the client continue without
    help; ``true``/``false``/empty).

``aanvullende_zorg`` (optional)
    One row per trajectory of additional (specialised) care, from whatever
    route: ``trajectory_id``, ``client_id``, ``domain`` (``jeugd`` or
    ``sociaal``), ``wijk_code``, ``care_type`` (:data:`CARE_TYPES`),
    ``start_date``, ``end_date`` (empty while running) and
    ``referred_by_case_id`` (the buurtteam case that referred, if any). It gives
    the "beweging naar voren": the share of clients helped by the buurtteam
    rather than by additional care.

:func:`load_register` reads the tables from CSV (``,`` or ``;``, plain or
``.gz``) or parquet, validates them and returns a :class:`Register`; every
problem becomes an :class:`~analysis.errors.InputError` naming file, line,
column and rule. The aggregation functions take the DataFrames and return
tidy DataFrames; :func:`to_observations` turns a yearly aggregate into rows of
the observations table (:mod:`analysis.schema`).

The package in four modules: :mod:`~analysis.register.schema` (vocabulary, columns,
pandera schemas, :class:`Register`), :mod:`~analysis.register.loading`
(:func:`load_register` and its checks), :mod:`~analysis.register.aggregation`
(counts, flows, waiting times, survey figures, :func:`to_observations`),
:mod:`~analysis.register.scope` (which register a notebook reads, :func:`register_scope`)
and :mod:`~analysis.register.memo` (city-wide tables computed once per register
version, :func:`derived`).
Every public name is importable from ``analysis.register`` itself.
"""

from .aggregation import *  # noqa: F403
from .aggregation import __all__ as _aggregation
from .loading import *  # noqa: F403
from .loading import __all__ as _loading
from .memo import *  # noqa: F403
from .memo import __all__ as _memo
from .schema import *  # noqa: F403
from .schema import __all__ as _schema
from .scope import *  # noqa: F403
from .scope import __all__ as _scope

__all__ = [*_schema, *_loading, *_aggregation, *_scope, *_memo]
