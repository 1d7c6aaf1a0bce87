"""Importing historic training completions: read a CSV or Excel file, check every row, then
apply all or nothing.

It follows the people import (`organisations.imports`) and reads files with the same reader
(`organisations.spreadsheets`). Its modules:

- `columns`: the columns a file of completions has, and the header spellings we accept;
- `parsing`: turns the uploaded bytes into rows of text, or says why the file cannot be used;
- `values`: reads the dates and hours people type or Excel stores;
- `validation`: checks every row against the organisation, the importer's people and the
  records they already hold, set-based (a fixed number of queries whatever the number of
  rows), and plans what each row becomes.

Storing an upload and applying it are services: `training.services.record_imports`.
"""
