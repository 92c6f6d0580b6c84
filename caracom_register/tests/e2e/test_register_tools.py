"""A staff member's day with the register's tools, in a real browser, in Finnish and in English: import a
spreadsheet with three bad rows, fix it, import it, import it again, export the filtered list, find and merge a
duplicate. Screenshots in e2e-screenshots/register-tools/<language>/."""

import re
from pathlib import Path

import pytest

from accounts.tests.factories import StaffUserFactory
from caracom_register.tests.e2e.conftest import SCREENSHOTS, BrowserPage
from caracom_register.tests.e2e.test_main_flows import sign_in_with_code
from customers.models import Contact, ContactImport
from customers.tests.test_import import FI_HEADER, a_row, csv_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXTS = {
    "en": {"errors": "Nothing was imported: the file has 3 errors", "row": "row", "imported": "Imported"},
    "fi": {"errors": "Mitään ei tuotu: tiedostossa on 3 virhettä", "row": "rivi", "imported": "Tuotu"},
}


FIRST = "Aino Eero Helmi Ilkka Juho Kaisa Lauri Minna Niko Oona Pekka Riikka Sami Tiina Ulla Ville Wilma Yrjö"
FIRST += " Aapo Elina"
LAST = "Aalto Berg Heino Jokela Kallio Laine Mäki Niemi Ojala Peltola Rantanen Salo Toivonen Uotila Vainio Wikström"
LAST += " Ylönen Hakala Koski Lindqvist"


def person(n):
    # Twenty people a company with no first or last name in common: no near-identical names but the planted pair.
    first, last = FIRST.split(), LAST.split()
    return {"Etunimi": first[n % 20], "Sukunimi": last[(n * 7) % 20]}


def contact_rows(bad=False):
    rows = [a_row(n, company=f"Asiakas {n // 20} Oy", business_id="", **person(n)) for n in range(1, 199)]
    # One person twice in one company, typed differently: the duplicate to find and merge.
    rows.append(a_row(900, company="Asiakas 1 Oy", business_id="", Etunimi="Maija", Sukunimi="Meikäläinen"))
    rows.append(a_row(901, company="Asiakas 1 Oy", business_id="", Etunimi="Meikalainen", Sukunimi="Maija", Titteli=""))
    if bad:
        rows[9] = a_row(10, company="Asiakas 0 Oy", business_id="", Puhelin="0456393329x", **person(10))
        rows[49] = a_row(50, company="Asiakas 2 Oy", business_id="", Postinumero="851", **person(50))
        rows[149] = a_row(150, company="Asiakas 7 Oy", business_id="", Sähköposti="ei-osoite", **person(150))
    return rows


def upload(page, path):
    page.set_input_files("#id_file", str(path))
    page.click("#import-preview-button")


@pytest.mark.parametrize(("locale", "lang"), [("en-GB", "en"), ("fi-FI", "fi")])
def test_import_fix_reimport_export_and_merge_in_the_browser(browser, live_server, tmp_path, locale, lang):
    context = browser.new_context(base_url=live_server.url, locale=locale, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    shots = BrowserPage(page, SCREENSHOTS / "register-tools" / lang)
    texts = TEXTS[lang]
    sign_in_with_code(shots, StaffUserFactory())

    bad, good = tmp_path / "yhteystiedot-virheet.csv", tmp_path / "yhteystiedot.csv"
    bad.write_bytes(csv_bytes(contact_rows(bad=True)))
    good.write_bytes(csv_bytes(contact_rows()))
    assert FI_HEADER[0] == "Yritys"

    # 1. Three bad rows: all three errors by row, nothing imported.
    page.goto("/admin/customers/contact/")
    page.click("#contact-import-link")
    upload(page, bad)
    errors = page.locator("#import-errors li")
    assert errors.count() == 3
    assert texts["errors"] in page.inner_text("#import-errors")
    assert [errors.nth(i).inner_text().split(":")[0] for i in range(3)] == [
        f"{texts['row']} 11, Puhelin",
        f"{texts['row']} 51, Postinumero",
        f"{texts['row']} 151, Sähköposti",
    ]
    shots.screenshot("three-errors-by-row")
    assert not Contact.objects.exists()

    # 2. Fixed: the preview, then the import.
    upload(page, good)
    assert page.inner_text("#preview-created") == "200"
    shots.screenshot("preview-200-to-create")
    page.click("#import-confirm")
    page.wait_for_url(re.compile(r"/admin/customers/contact/$"))
    assert texts["imported"] in page.inner_text(".messagelist")
    shots.screenshot("imported")
    assert Contact.objects.count() == 200

    # 3. The same file again changes nothing.
    before = sorted(Contact.objects.values_list("pk", "updated_at"))
    page.click("#contact-import-link")
    upload(page, good)
    assert page.inner_text("#preview-created") == "0"
    assert page.inner_text("#preview-unchanged") == "200"
    shots.screenshot("reimport-preview-nothing-changes")
    page.click("#import-confirm")
    page.wait_for_url(re.compile(r"/admin/customers/contact/$"))
    assert sorted(Contact.objects.values_list("pk", "updated_at")) == before
    assert ContactImport.objects.count() == 2

    # 4. The filtered list exported.
    page.goto("/admin/customers/contact/?q=Meik")
    shots.screenshot("filtered-list")
    with page.expect_download() as download:
        page.click("#contact-export-csv")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3
    assert all("Meik" in line for line in lines[1:])

    # 5. The duplicate found and merged.
    page.click("#contact-duplicates-link")
    assert page.locator("#duplicates tbody tr").count() == 1
    shots.screenshot("duplicates")
    page.click(".merge-link")
    page.check("input[name=title][value=keep]")
    shots.screenshot("merge-choices")
    page.click("#merge-submit")
    page.wait_for_url(re.compile(r"/admin/customers/contact/\d+/change/$"))
    shots.screenshot("merged")
    assert Contact.objects.count() == 199
    assert not shots.problems
    context.close()
