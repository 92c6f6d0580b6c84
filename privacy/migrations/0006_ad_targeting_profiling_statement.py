"""Notice § 4 lists ad targeting, which is profiling (Art. 4(4)) when it uses this register's data.

Version 1 stated the purpose but not what the targeting does; the access letters now say it from these
fields instead of a fixed "no profiling" sentence. The wording restates § 4 and § 8 (no recipient other than
the processor named there); it adds no new processing.
"""

from django.db import migrations

PROFILING_FI = (
    "Kohdennamme mainontaamme käyttämällä asiakasrekisterin tietoja sinusta (nimi, sähköpostiosoite ja "
    "asiakasyrityksesi nimi) valitaksemme, mitä mainoksiamme sinulle näytetään omissa ja muiden tahojen "
    "verkkopalveluissa. Tämä on profilointia. Emme luovuta näitä tietoja tähän tarkoitukseen muille kuin "
    "tietosuojaselosteen 8 kohdassa nimetyille käsittelijöille. Kohdentaminen vaikuttaa vain siihen, mitä "
    "mainoksiamme näet; voit vastustaa sitä milloin tahansa."
)
PROFILING_EN = (
    "We target our advertising by using the register's data about you (your name, email address and your "
    "company's name) to choose which of our advertisements you are shown in our own and other parties' online "
    "services. This is profiling. For this purpose we give the data to no one other than the processors named "
    "in section 8 of the privacy notice. Targeting affects only which of our advertisements you see; you can "
    "object to it at any time."
)


def fill(apps, schema_editor):
    Purpose = apps.get_model("privacy", "NoticePurpose")
    alias = schema_editor.connection.alias
    Purpose.objects.using(alias).filter(code="ad_targeting", version__number=1, profiling_en="").update(
        profiling_fi=PROFILING_FI, profiling_en=PROFILING_EN
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_letters_outbox_and_profiling")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
