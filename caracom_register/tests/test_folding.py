import pytest

from caracom_register.folding import fold


@pytest.mark.parametrize("written", ["Meikäläinen", "meikäläinen", "MEIKÄLÄINEN", "Meikalainen", "MEIKALAINEN"])
def test_a_name_folds_the_same_however_its_accents_and_case_are_typed(written):
    assert fold(written) == "meikalainen"


@pytest.mark.parametrize(
    ("written", "folded"),
    [("Åström", "astrom"), ("Søren", "soren"), ("Straße", "strasse"), ("Łukasz", "lukasz"), ("Ærø", "aero")],
)
def test_letters_without_a_unicode_decomposition_fold_to_their_base_letters(written, folded):
    assert fold(written) == folded


def test_folding_keeps_digits_punctuation_and_spaces():
    assert fold("Oy Ab-Ä 12 / ö.") == "oy ab-a 12 / o."


def test_folding_nothing_gives_an_empty_string():
    assert fold(None) == ""
    assert fold("") == ""
