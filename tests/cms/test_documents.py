"""Documents uploaded in Wagtail's admin: linked from published pages and served at /documents/.

Each test uploads its document to the collection of an organisation's web editors, as an editor
would, and links it from a published page's rich text.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.documents.models import Document
from wagtail.models import Collection, CollectionViewRestriction

from cms.models import OrganisationEditors, ProcedurePage
from organisations.models import Organisation
from tests.cms.admin_forms import web_editor
from tests.cms.factories import organisation_page, procedure_page
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _collection(organisation: Organisation) -> Collection:
    return OrganisationEditors.objects.get(organisation=organisation).collection


def _document(organisation: Organisation, name: str, title: str = "Referral form") -> Document:
    document = Document(title=title, collection=_collection(organisation))
    document.file.save(name, ContentFile(b"%PDF-1.4\nA referral form.\n%%EOF\n"), save=False)
    document.save()
    return document


def _page_linking(document: Document, parent: object = None) -> ProcedurePage:
    link = f'<p>Fill in the <a linktype="document" id="{document.pk}">referral form</a>.</p>'
    return procedure_page(
        parent,
        title="Making a referral",
        body=[{"type": "paragraph", "value": link}],
    )


def test_a_published_page_linking_a_document_shows_the_link(client: Client) -> None:
    """Anyone may read a published page whose text links a document; the link goes to the
    document's address under /documents/."""
    document = _document(OrganisationFactory.create(), "referral-form.pdf")
    page = _page_linking(document)
    response = client.get(page.url)
    assert response.status_code == 200
    assertContains(response, f'href="/documents/{document.pk}/referral-form.pdf"')


def test_a_pdf_opens_in_the_browser_under_a_policy_that_runs_nothing(client: Client) -> None:
    """A PDF is served inline, with its name, as a PDF the browser may not second-guess, and
    under a content security policy that lets nothing inside it run or load."""
    document = _document(OrganisationFactory.create(), "referral-form.pdf")
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="referral-form.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(response.streaming_content) == document.file.open("rb").read()


@pytest.mark.parametrize("name", ["referral-form.docx", "contacts.csv", "notes.txt"])
def test_other_documents_are_downloaded_rather_than_opened(client: Client, name: str) -> None:
    """Anything but a PDF is an attachment: a browser never shows it as a page of the site."""
    document = _document(OrganisationFactory.create(), name)
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_in_a_private_collection_asks_for_sign_in(client: Client) -> None:
    """Documents are served through Wagtail's view, so a collection's privacy setting holds: a
    document in a collection for signed-in people only is not served to anyone else."""
    organisation = OrganisationFactory.create()
    document = _document(organisation, "referral-form.pdf")
    CollectionViewRestriction.objects.create(
        collection=_collection(organisation), restriction_type=CollectionViewRestriction.LOGIN
    )
    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_document_address_with_the_wrong_name_is_not_found(client: Client) -> None:
    document = _document(OrganisationFactory.create(), "referral-form.pdf")
    assert client.get(f"/documents/{document.pk}/other-name.pdf").status_code == 404


def test_web_editor_lists_and_chooses_their_organisations_documents(client: Client) -> None:
    """The admin's documents list and the document chooser open for a web editor once a
    document exists, showing their organisation's documents and not another's; a page of
    theirs linking one opens in the editor."""
    organisation = OrganisationFactory.create()
    own = _document(organisation, "referral-form.pdf", title="Our referral form")
    _document(OrganisationFactory.create(), "other.pdf", title="Their referral form")
    page = _page_linking(own, organisation_page(organisation))
    client.force_login(web_editor(organisation))
    for url in (reverse("wagtaildocs:index"), reverse("wagtaildocs_chooser:choose")):
        response = client.get(url)
        assert response.status_code == 200, url
        assertContains(response, "Our referral form")
        assertNotContains(response, "Their referral form")
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
