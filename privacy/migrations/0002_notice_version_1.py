"""Version 1 of the customer register's privacy notice, from the facts of Caracom's notice.

The facts (names, addresses, periods, processors) are the controller's; the
wording is the project's own, in Finnish and English. Version 1 is taken to be
in force from 2026-01-01, the start of the year the register went into use.
"""

import datetime

from django.db import migrations
from django.utils import timezone

EFFECTIVE_ON = datetime.date(2026, 1, 1)

VERSION = {
    "number": 1,
    "status": "published",
    "effective_on": EFFECTIVE_ON,
    "change_summary_fi": "Ensimmäinen versio: asiakasrekisterin tietosuojaseloste rakenteisena tietona.",
    "change_summary_en": "First version: the customer register's privacy notice as structured data.",
    "controller_name": "Caracom Group Oy",
    "controller_street_address": "Kalakuja 2-4 B105",
    "controller_postal_code": "85100",
    "controller_city": "Kalajoki",
    "controller_phone": "+358 45 639 3329",
    "contact_name": "Santtu Harjuhahto",
    "contact_street_address": "Kalakuja 2-4 B105",
    "contact_postal_code": "85100",
    "contact_city": "Kalajoki",
    "contact_phone": "+358 45 639 3329",
    "contact_email": "info@caracom.fi",
    "services_context_fi": (
        "Caracom tuottaa asiakkailleen kaksi verkkopalvelua: CaraID:n, jolla asiakas hallitsee vierailuja "
        "toimipaikkoihinsa ja tiloihinsa, sekä Crewcaren, jolla asiakas hallitsee työntekijöidensä tehtäviä, "
        "resursseja, työturvallisuutta ja pätevyyksiä.\n\n"
        "Tämä seloste koskee asiakasrekisteriä: Caracom on rekisterinpitäjä niille henkilötiedoille, jotka "
        "liittyvät Caracomin ja sen asiakkaan väliseen asiakassuhteeseen.\n\n"
        "Kun asiakas tallentaa CaraID- tai Crewcare-palveluun tietoja omista työntekijöistään, kumppaneistaan "
        "tai vierailijoistaan, rekisterinpitäjä on asiakas ja Caracom käsittelee tietoja asiakkaan lukuun "
        "erillisen henkilötietojen käsittelysopimuksen mukaisesti. Näitä tietoja koskevissa asioissa käänny "
        "kyseisen asiakkaan eli rekisterinpitäjän puoleen."
    ),
    "services_context_en": (
        "Caracom provides two online services to its customers: CaraID, with which a customer manages visits "
        "to its sites and premises, and Crewcare, with which a customer manages its workers' assignments, "
        "resources, occupational safety and qualifications.\n\n"
        "This notice covers the customer register: Caracom is the controller of the personal data that "
        "relates to the customer relationship between Caracom and its customer.\n\n"
        "When a customer stores data about its own employees, partners or visitors in CaraID or Crewcare, the "
        "customer is the controller and Caracom processes that data on the customer's behalf under a separate "
        "data processing agreement. For questions about that data, contact the customer who is its controller."
    ),
    "data_subjects_fi": "Asiakasyritysten yhteyshenkilöt.",
    "data_subjects_en": "Contact persons of customer companies.",
    "transfers_outside_eea": False,
    "transfers_fi": "Henkilötietoja ei luovuteta eikä siirretä EU:n tai ETA-alueen ulkopuolelle.",
    "transfers_en": "Personal data is not disclosed or transferred outside the EU or the EEA.",
    "security_fi": (
        "Järjestelmää saavat käyttää vain ne työntekijämme, joiden työtehtävät edellyttävät asiakastietojen "
        "käsittelyä, ja jokaisella käyttäjällä on oma käyttäjätunnus ja salasana.\n\n"
        "Jokaisesta henkilötietojen lisäyksestä, muutoksesta ja poistosta tallentuu lokimerkintä, josta näkyy "
        "muutoksen tekijän sähköpostiosoite sekä päivämäärä ja kellonaika. Lokimerkinnät säilytetään kaksi "
        "vuotta niiden syntymisestä.\n\n"
        "Tietokannat on suojattu palomuurein, salasanoin ja muin teknisin keinoin. Tietokannat ja niiden "
        "varmuuskopiot ovat lukituissa tiloissa, joihin on pääsy vain erikseen nimetyillä henkilöillä."
    ),
    "security_en": (
        "Only those of our employees whose work requires handling customer data may use the system, and every "
        "user has a personal username and password.\n\n"
        "Every creation, change and deletion of personal data is logged with the email address of the person "
        "who made it and the date and time. The log entries are kept for two years from when they were made.\n\n"
        "The databases are protected by firewalls, passwords and other technical means. The databases and "
        "their backups are kept in locked premises that only specifically named persons can access."
    ),
    "retention_months_after_relationship": 24,
    "audit_log_retention_days": 730,
    "retention_fi": (
        "Säilytämme henkilötiedot asiakassuhteen ajan ja enintään 24 kuukautta asiakassuhteen päättymisen "
        "jälkeen, ellei sopimus tai pakottava lainsäädäntö edellytä pidempää säilytystä.\n\n"
        "Arvioimme säilyttämisen tarvetta säännöllisesti sovellettavan lainsäädännön valossa ja huolehdimme "
        "kohtuullisin toimin siitä, ettei rekisterissä ole käsittelyn tarkoituksiin sopimattomia, vanhentuneita "
        "tai virheellisiä tietoja."
    ),
    "retention_en": (
        "We keep personal data for as long as the customer relationship lasts and for at most 24 months after "
        "it ends, unless a contract or mandatory law requires keeping it longer.\n\n"
        "We review the need to keep the data regularly in light of the applicable law, and take reasonable "
        "steps to make sure the register holds no data that is incompatible with its purposes, outdated or "
        "incorrect."
    ),
    "rights_fi": (
        "Sinulla on oikeus saada tietää, mitä tietoja sinusta on rekisterissä, ja vaatia virheellisen tiedon "
        "korjaamista tai tietojesi poistamista. Voit perua antamasi suostumuksen tai muuttaa sitä.\n\n"
        "Voit vastustaa tietojesi käsittelyä tai pyytää käsittelyn rajoittamista. Sinulla on myös oikeus tehdä "
        "valitus valvontaviranomaiselle.\n\n"
        "Pyynnön yhteydessä sinun tulee varautua todistamaan henkilöllisyytesi, ja jos vastustat käsittelyä, "
        "kertomaan mihin vastustus perustuu. Caracom voi jättää pyynnön toteuttamatta laissa säädetyllä "
        "perusteella, ja kerromme silloin perusteen."
    ),
    "rights_en": (
        "You have the right to know what data about you the register holds, and to have incorrect data "
        "corrected or your data erased. You can withdraw or change a consent you have given.\n\n"
        "You can object to the processing of your data or ask for it to be restricted. You also have the "
        "right to lodge a complaint with the supervisory authority.\n\n"
        "When you make a request, be prepared to prove your identity and, if you object to processing, to "
        "state the grounds for your objection. Caracom may decline a request on grounds laid down by law, "
        "and will then tell you the ground."
    ),
    "requests_fi": (
        "Tee kaikki tätä selostetta koskevat yhteydenotot ja pyynnöt kirjallisesti tai henkilökohtaisesti "
        "rekisterin yhteyshenkilölle (kohta 2). Henkilöllisyytesi tarkistetaan ennen kuin pyyntöön vastataan."
    ),
    "requests_en": (
        "Make any contact or request about this notice in writing or in person to the register's contact "
        "person (section 2). Your identity will be verified before the request is answered."
    ),
    "supervisory_authority_fi": "Tietosuojavaltuutetun toimisto",
    "supervisory_authority_en": "Office of the Data Protection Ombudsman",
    "supervisory_authority_url": "https://tietosuoja.fi/",
    "changes_fi": (
        "Kun tämä seloste muuttuu, uusi versio julkaistaan tällä sivulla päivättynä ja muutokset kuvataan "
        "alla olevassa versiohistoriassa. Merkittävistä muutoksista voimme kertoa myös sähköpostitse tai "
        "verkkosivuillamme. Suosittelemme tutustumaan selosteeseen aika ajoin."
    ),
    "changes_en": (
        "When this notice changes, the new version is published on this page with its date, and the version "
        "history below says what changed. We may also announce significant changes by email or on our "
        "website. We recommend checking the notice from time to time."
    ),
}

PURPOSES = [
    (
        "services",
        "Tuotteiden ja palvelujen toimittaminen ja kehittäminen",
        "Delivering and developing our products and services",
        "legitimate_interest",
        False,
    ),
    (
        "contracts",
        "Sopimusten, sitoumusten ja velvoitteiden täyttäminen",
        "Fulfilling our contracts, commitments and obligations",
        "contract",
        False,
    ),
    (
        "customer_relationship",
        "Asiakassuhteen hoitaminen",
        "Managing the customer relationship",
        "legitimate_interest",
        False,
    ),
    (
        "direct_marketing",
        "Sähköinen markkinointi ja suoramarkkinointi",
        "Electronic and direct marketing",
        "legitimate_interest",
        True,
    ),
    (
        "ad_targeting",
        "Mainonnan kohdentaminen omissa ja muiden verkkopalveluissa",
        "Targeting advertising in our own and other online services",
        "legitimate_interest",
        True,
    ),
]

CATEGORIES = [
    (
        "contact_details",
        "Asiakkaan yhteyshenkilön yhteystiedot",
        "Contact details of the customer's contact person",
        "Asiakasyrityksen nimi sekä yhteyshenkilön nimi, titteli, sähköpostiosoite, puhelinnumero ja osoite.",
        "The customer company's name and the contact person's name, title, email address, phone number "
        "and address.",
    ),
]

SOURCES = [
    ("data_subject", "Rekisteröity itse", "The data subject"),
    ("customer_company", "Asiakasyritys", "The customer company"),
    ("public_register", "Julkiset rekisterit ja lähteet", "Public registers and sources"),
]

RECIPIENTS = [
    (
        "Ficolo Oy",
        True,
        "IT-hallinta ja palvelinympäristö, jolle tiedot tallennetaan",
        "IT administration and the managed servers where the data is stored",
        "FI",
    ),
]


def create_version_1(apps, schema_editor):
    alias = schema_editor.connection.alias
    Version = apps.get_model("privacy", "PrivacyNoticeVersion")
    if Version.objects.using(alias).filter(number=1).exists():
        return
    version = Version.objects.using(alias).create(published_at=timezone.now(), **VERSION)
    Purpose = apps.get_model("privacy", "NoticePurpose")
    for position, (code, title_fi, title_en, legal_basis, refusable) in enumerate(PURPOSES):
        Purpose.objects.using(alias).create(
            version=version,
            position=position,
            code=code,
            title_fi=title_fi,
            title_en=title_en,
            legal_basis=legal_basis,
            can_be_refused=refusable,
        )
    Category = apps.get_model("privacy", "NoticeDataCategory")
    for position, (code, title_fi, title_en, description_fi, description_en) in enumerate(CATEGORIES):
        Category.objects.using(alias).create(
            version=version,
            position=position,
            code=code,
            title_fi=title_fi,
            title_en=title_en,
            description_fi=description_fi,
            description_en=description_en,
        )
    Source = apps.get_model("privacy", "NoticeSource")
    for position, (code, title_fi, title_en) in enumerate(SOURCES):
        Source.objects.using(alias).create(
            version=version, position=position, code=code, title_fi=title_fi, title_en=title_en
        )
    Recipient = apps.get_model("privacy", "NoticeRecipient")
    for position, (name, is_processor, role_fi, role_en, country) in enumerate(RECIPIENTS):
        Recipient.objects.using(alias).create(
            version=version,
            position=position,
            name=name,
            is_processor=is_processor,
            role_fi=role_fi,
            role_en=role_en,
            country=country,
        )


def remove_version_1(apps, schema_editor):
    # Unapplying the migration drops the tables next; the row goes with them.
    Version = apps.get_model("privacy", "PrivacyNoticeVersion")
    Version.objects.using(schema_editor.connection.alias).filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(create_version_1, remove_version_1)]
