"""The search words staff type: the benchmark and the load test measure every one, not one sample.

The most common Finnish surnames and first names (Statistics Finland's name
lists), the same without their accents (staff type "hamalainen"), words that
occur in many company names, email fragments and phone prefixes as staff type
them. Common surnames are also in company names ("Virtanen Rakennus Oy"), which
is what made them slow.
"""


def _names(text):
    return tuple(text.split())


SURNAMES = _names(
    "Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen Lehtinen "
    "Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Salo Laitinen Tuominen Rantanen "
    "Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen Hiltunen Ojala Leinonen Miettinen Väisänen Pitkänen "
    "Hirvonen Leppänen Aaltonen Manninen Kärkkäinen Hakala Laaksonen Anttila Rissanen Niskanen Kallio Peltonen "
    "Koivisto Lindholm"
)
FIRST_NAMES = _names(
    "Juha Timo Matti Kari Mikko Jari Antti Jukka Mika Markku Pekka Hannu Heikki Seppo Janne Ari Sami Petri Ville "
    "Marko Tuula Anne Päivi Ritva Leena Pirjo Sari Minna Marja Tiina Riitta Anna Eila Kaarina Johanna Liisa Maria "
    "Helena Sirpa Merja Elina Laura Satu Hanna Katja Outi Kirsi Jaana Eeva Aino"
)
WITHOUT_ACCENTS = ("hamalainen", "makinen", "jarvinen", "vaisanen", "karkkainen", "paivi", "MÄKELÄ", "heikkila")
COMPANY_WORDS = ("Rakennus", "Logistiikka", "Palvelu", "Konsultointi", "Kiinteistö", "Energia", "Oyj", "Tmi")
EMAIL_FRAGMENTS = ("matti.virtanen", "korhonen@", "@virtanen", ".fi", "anna.", "juha.makinen")
PHONE_PREFIXES = ("040", "045 639", "050 12", "+358 44 1", "0401234")


def search_words():
    """(kind, word) for every word of the set, in a fixed order."""
    return [
        *(("surname", word) for word in SURNAMES),
        *(("first name", word) for word in FIRST_NAMES),
        *(("without accents", word) for word in WITHOUT_ACCENTS),
        *(("company word", word) for word in COMPANY_WORDS),
        *(("email fragment", word) for word in EMAIL_FRAGMENTS),
        *(("phone prefix", word) for word in PHONE_PREFIXES),
    ]
