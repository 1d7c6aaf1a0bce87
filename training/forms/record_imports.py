"""The form for uploading a file of historic completions."""

from __future__ import annotations

from django import forms


class RecordImportUploadForm(forms.Form):
    """The file. Its type, size and content are checked when it is read
    (`training.record_imports.parsing`), so the reasons are the same whoever uploads it."""

    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file or an Excel workbook (.xlsx), with one piece of training on each "
        "row. No bigger than 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Select a CSV or Excel file.",
            "empty": "The selected file is empty.",
        },
    )
