"""The ledger's read side: its filter language, cursors and pagination, as v2.4.6 has them.

Syntax (expression.py, read with Go's JSON errors: godecode.py, Go's dates: gotime.py), each
resource's fields (fields.py), the leaves as tests (resolvers.py, rows.py, address.py) joined
with SQL's logic (predicates.py), where a page starts (plan.py, index.py, tables.py), and the
page and its cursors (paging.py, cursor.py); request.py reads a request into a query.
"""
