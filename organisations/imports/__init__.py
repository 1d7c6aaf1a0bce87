"""Bulk import of people: read a CSV or Excel file, check every row, then apply all or nothing.

- `columns`: the columns each kind of file has, and the header spellings we accept;
- `parsing`: turns the uploaded bytes into rows of text, or says why the file cannot be used;
- `dates`: reads the date formats people type or Excel stores;
- `validation`: checks every row against the organisation, set-based (a fixed number of queries
  whatever the number of rows), and plans what each row becomes;
- `services`: stores an upload for preview, and applies a batch once, in one transaction.
"""
