"""Items 7 and 8 of the benchmark: importing a contact list, and the duplicate scan.

7. ``contacts_import`` of a CSV as Finnish Excel writes it (100,000 rows at scale 1): every row validated and
   written through the services with its audit entry, then the same file again (which changes nothing). The
   imported companies and contacts are erased afterwards, so a --reuse run starts from the same data.
8. ``duplicate_pairs`` over every contact of the benchmark (1,000,000 at scale 1).
"""

import time

IMPORT_ROWS, IMPORT_TARGET_S, SCAN_TARGET_S = 100_000, 60, 60
HEADER = "Yritys;Etunimi;Sukunimi;Titteli;Sähköposti;Puhelin;Postinumero;Postitoimipaikka;Maa"


def import_file(rows):
    from faker import Faker

    fake = Faker("fi_FI")
    fake.seed_instance(16)
    lines = [HEADER]
    for n in range(rows):
        # Ten contacts a company, companies new to the register (found by name, created by the import).
        lines.append(
            f"Bench-tuonti {n // 10} Oy;{fake.first_name()};{fake.last_name()};Myyntipäällikkö;"
            f"tuonti{n}@bench-tuonti.example;050 {n:07d};00100;Helsinki;FI"
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _erase_imported():
    from audit.services import erase_objects
    from customers.models import Company, Contact

    contacts = list(Contact.objects.filter(email__endswith="@bench-tuonti.example").values_list("pk", flat=True))
    companies = list(Company.objects.filter(name__startswith="Bench-tuonti ").values_list("pk", flat=True))
    erase_objects(model=Contact, pks=contacts)
    erase_objects(model=Company, pks=companies)


def bench_register_tools(*, scale, user, log):
    from audit.context import user_actor
    from customers.duplicates import duplicate_pairs
    from customers.importing import contacts_import

    rows = []
    size = max(10, int(IMPORT_ROWS * scale))
    data = import_file(size)
    _erase_imported()
    log(f"Item 7: import of {size:,} rows")
    with user_actor(user):
        started = time.perf_counter()
        report = contacts_import(data=data, file_name="bench.csv", user=user)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = contacts_import(data=data, file_name="bench.csv", user=user)
        second = time.perf_counter() - started
    if len(report.created) != size or len(again.unchanged) != size:
        raise RuntimeError(f"import created {len(report.created)}, re-import left {len(again.unchanged)} unchanged")
    _erase_imported()
    target = IMPORT_TARGET_S * scale
    rows.append(
        {
            "item": 7,
            "name": f"Import {size:,} contact rows (CSV, audited); then the same file again (no change)",
            "median": first * 1000,
            "p95": None,
            "baseline": f"re-import {second:.1f} s",
            "ratio": f"{size / first:,.0f} rows/s",
            "target": f"< {target:g} s",
            "met": first < target,
        }
    )
    log("Item 8: duplicate scan")
    started = time.perf_counter()
    pairs = duplicate_pairs()
    scan = time.perf_counter() - started
    rows.append(
        {
            "item": 8,
            "name": f"Duplicate scan over all contacts ({len(pairs):,} candidate pairs)",
            "median": scan * 1000,
            "p95": None,
            "baseline": "",
            "ratio": None,
            "target": f"< {SCAN_TARGET_S * scale:g} s",
            "met": scan < SCAN_TARGET_S * scale,
        }
    )
    return rows
