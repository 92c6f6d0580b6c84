"""The register's lists and searches at a million rows: counts, pages and search plans.

A search word is either narrow (a rare name, a whole email address: a few
hundred matches) or common (a frequent surname, a company-name word: tens of
thousands). No one plan is cheap for both, and PostgreSQL's estimate for a
`LIKE '%word%'` over trigram indexes is too rough to choose between them (it
guessed 62,803 rows for "miettinen", which matched 7,748, and read the whole
table in name order: 2 s). So the paginator asks the data instead:

1. The matches are gathered through the indexes' bitmap, in no order, and at
   most SEARCH_PROBE + 1 of them (a probe of a few milliseconds).
2. A narrow search is complete: its keys are sorted once and give the exact
   count and every page.
3. A common word is dense in the name order, so its pages are read walking the
   name index and keeping the matches (an index-only scan over
   customers_contact_name_cover, which carries the searched columns): a
   hundred matches turn up within a few thousand entries. Its count is not
   worth its cost: the list says "more than SEARCH_PROBE" and offers the first
   COMMON_WORD_LISTED in order, and asks for a narrower search.
"""

from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import connections
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext as _

from audit.admin import COUNT_CAP, EstimatedCountPaginator
from caracom_register.changelist import FastRowsAdminMixin
from caracom_register.folding import fold
from caracom_register.queries import keys_in, planner_settings
from customers.validators import phone_search_variant

# More matches than this make a word common (the plan above, step 3). Sorting this many keys costs about as
# much as walking the name index to a page of a word this frequent (0.5% of a million rows).
SEARCH_PROBE = 5_000
# How far a common word's list goes, in pages of list_per_page: ten pages of a hundred.
COMMON_WORD_LISTED = 1_000

# The probe: only the bitmap of the trigram and key indexes, never a walk of the table or of one index.
_BITMAP_ONLY = {"enable_seqscan": "off", "enable_indexscan": "off", "enable_indexonlyscan": "off"}
# A common word's page: walk the ordering's index and keep the matches, never gather all of them first.
_ORDERED_WALK = {"enable_seqscan": "off", "enable_bitmapscan": "off"}


class LargeTablePaginator(EstimatedCountPaginator):
    """Estimated counts, deep pages by a "deferred join", and searches planned by the data (above).

    OFFSET 500000 over full rows reads and throws away half a million rows;
    here the offset runs over the ordering's index only (primary keys), and
    only the page's own rows are then fetched.
    """

    deferred_join_from = 1000
    # Set for a search (FastChangelistMixin.get_paginator).
    keys_first = False
    # Set when the search turned out to be a common word (the template says so).
    common_word = False

    @property
    def _postgresql(self):
        return connections[self.object_list.db].vendor == "postgresql"

    @cached_property
    def _keys(self):
        """A narrow search's primary keys in display order; None for a common word or no search."""
        if not self.keys_first:
            return None
        queryset = self.object_list
        if not self._postgresql:
            # Development copies (SQLite) are small: sorting every match is cheap there.
            keys = list(queryset.values_list("pk", flat=True)[: COUNT_CAP + 1])
            return keys if len(keys) <= COUNT_CAP else None
        with planner_settings(queryset.db, **_BITMAP_ONLY):
            found = list(queryset.order_by().values_list("pk", flat=True)[: SEARCH_PROBE + 1])
        if len(found) > SEARCH_PROBE:
            self.common_word = True
            return None
        return list(queryset.filter(keys_in("pk", found)).values_list("pk", flat=True))

    @cached_property
    def count(self):
        if self._keys is not None:
            return len(self._keys)
        if self.common_word:
            return COMMON_WORD_LISTED
        if not self._postgresql:
            return self.object_list.count()
        return super().count

    def common_word_note(self):
        return _(
            "More than %(found)s results match; the first %(listed)s in order are listed. Refine your search: "
            "add a word, such as a surname or a company name."
        ) % {
            "found": number_format(SEARCH_PROBE, force_grouping=True),
            "listed": number_format(COMMON_WORD_LISTED, force_grouping=True),
        }

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        if self._keys is not None:
            return self._get_page(list(queryset.filter(keys_in("pk", self._keys[bottom:top]))), number, self)
        if self.common_word:
            with planner_settings(queryset.db, **_ORDERED_WALK):
                pks = list(queryset.values_list("pk", flat=True)[bottom:top])
            return self._get_page(list(queryset.filter(keys_in("pk", pks))), number, self)
        if bottom < self.deferred_join_from or not self._postgresql:
            return self._get_page(queryset[bottom:top], number, self)
        pks = list(queryset.values_list("pk", flat=True)[bottom:top])
        return self._get_page(list(queryset.filter(pk__in=pks)), number, self)


class FastChangelistMixin(FastRowsAdminMixin):
    """The changelist of a large table: estimated counts, deferred-join pages, fast rows, a cheap row checkbox."""

    paginator = LargeTablePaginator
    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        paginator.keys_first = bool(request.GET.get(SEARCH_VAR, "").strip())
        return paginator

    def action_checkbox(self, obj):
        # The same markup as ModelAdmin.action_checkbox, without rendering a form widget
        # through the template engine for every row (about half of a 100-row page's time).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


def word_lookup(name, word):
    if name.endswith("_folded"):
        return Q(**{f"{name}__contains": fold(word)})
    return Q(**{f"{name}__icontains": word})


class IndexedSearchMixin:
    """The admin search as one indexed scan of the table.

    Stock admin search ORs `UPPER(field) LIKE '%term%'` over the fields; an OR
    that spans a join (company__name) can use no index at all and reads every
    row. Here a field across a relation is looked up on its own table first
    (the companies whose name contains the word) and becomes `company_id IN
    (...)`, so every branch of the OR is an index condition on this table:
    PostgreSQL ORs the trigram indexes (customers/migrations/0003) and the
    foreign key's index into one bitmap and reads each matching row once.
    Like the stock search, every word must match some field. A field named
    `*_folded` is a folded shadow column (caracom_register.folding): the word
    is folded the same way and matched exactly, so accents and case do not
    matter.
    """

    # A word in more company names than this (a 2-letter word: "oy") stays a subquery, which no bitmap can
    # serve; below it the list of keys is one more index in the bitmap. A common surname is in ~2,000 company
    # names of 100,000, a common company-name word ("rakennus") in ~12,000.
    related_search_limit = 20_000

    def search_condition(self, word, skip=()):
        condition = Q()
        for name in self.search_fields:
            if name in skip:
                continue
            path, _, column = name.rpartition("__")
            if not path or "__" in path:
                condition |= word_lookup(name, word)
                continue
            related = (
                self.model._meta.get_field(path)
                .related_model._default_manager.filter(word_lookup(column, word))
                .order_by()
            )
            keys = list(related.values_list("pk", flat=True)[: self.related_search_limit + 1])
            if len(keys) > self.related_search_limit:
                condition |= Q(**{f"{path}__in": related.values("pk")})
            else:
                condition |= keys_in(path, keys)
        return condition

    def get_search_results(self, request, queryset, search_term):
        words = [
            unescape_string_literal(word) if word[0] in "\"'" and word[-1] == word[0] else word
            for word in smart_split(search_term)
        ]
        for word in words:
            if word:
                queryset = queryset.filter(self.search_condition(word))
        return queryset, False


class PhoneAwareSearchMixin:
    """Lets staff search a phone number the way they would type it (045 639 3329).

    A term that is a phone number and nothing else searches the phone column
    only, by prefix of its E.164 form: split into words ("045", "639",
    "3329"), it would otherwise also be looked for in every name, email and
    company name, three-digit fragments that match a large part of a million
    rows and find nothing the phone match does not.
    """

    phone_search_field = "phone"

    def search_condition(self, word, skip=()):
        # A phone number is digits and "+": a word without a digit cannot match it, so its index is not read.
        if not any(char.isdigit() for char in word):
            skip = (*skip, self.phone_search_field)
        return super().search_condition(word, skip=skip)

    def get_search_results(self, request, queryset, search_term):
        variant = phone_search_variant(search_term)
        if variant:
            return queryset.filter(**{f"{self.phone_search_field}__startswith": variant}), False
        return super().get_search_results(request, queryset, search_term)
