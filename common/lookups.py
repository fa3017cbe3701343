"""Two lookups for reading a large tree: `__among` (ids by the hundred thousand) and
`__under` (a path below another row's, by an index).

`field__among=ids`: an integer field's value among many, sent as one parameter.

`field__in=[…]` writes one placeholder per value. A report of the whole country of a day
before the 2025 reorganization reads the records of the ~290,000 organizations of that
day's tree by id: Django prepares each value, psycopg splits a query of 290,000
placeholders and PostgreSQL parses them, about two seconds a query. `among` sends the ids
as one array (PostgreSQL: `= ANY(%s::bigint[])`) or one JSON text (SQLite:
`IN (SELECT value FROM json_each(%s))`); the rows matched are the same.

Pass a set, a frozenset or a dict's keys: Django walks a list or a tuple given to any
lookup value by value (to resolve expressions in it), about a second for 290,000 ids.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, ForeignObject, IntegerField, Lookup


@ForeignObject.register_lookup  # a foreign key's lookups are its own, not its column's
@IntegerField.register_lookup  # ids: AutoField and BigAutoField are IntegerFields
class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs]
        if not ids:
            raise EmptyResultSet  # as `__in=[]`: nothing matches
        if connection.vendor == "postgresql":  # an array's text: psycopg dumps a list element by element
            array = "{" + ",".join(map(str, ids)) + "}"
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, array]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(ids)]


@CharField.register_lookup  # tree paths
class Under(Lookup):
    """`path__under=OuterRef("path")`: a tree path at or below another row's, as
    `__startswith` matches it, written as a range the path's index can answer for each
    outer row. `LIKE outer.path || '%'` cannot use an index (its pattern is not known when
    the query is planned): for every cell of a province it read every historical result in
    the country, 100 s for one province's report once boards had entered 90,000 of them.

    Paths are made of digits and capital letters (treebeard's alphabet), so those under P
    are those from P up to, not including, P followed by "~" (after "Z"). PostgreSQL
    compares them byte by byte with the operators of the paths' `varchar_pattern_ops`
    index (whatever the database's collation); SQLite compares text byte by byte."""

    lookup_name = "under"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = [*lhs_params, *rhs_params, *lhs_params, *rhs_params]
        if connection.vendor == "postgresql":
            return f"({lhs} ~>=~ {rhs} AND {lhs} ~<~ ({rhs} || '~'))", params
        return f"({lhs} >= {rhs} AND {lhs} < ({rhs} || '~'))", params
