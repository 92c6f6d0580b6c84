"""The benchmark's full scale and the targets each figure is measured against."""

FULL = {"companies": 100_000, "contacts_per_company": 10, "audit_entries": 5_000_000}


PURGE_SIZES = (10_000, 100_000, 1_000_000)


LIST_TARGET_MS, LIST_TARGET_RATIO, AUDIT_TARGET_MS = 50, 5, 100


LOOKUP_TARGET_MS, EXPORT_TARGET_MS, WRITE_TARGET_RATIO, PURGE_TARGET_RATIO, PURGE_RSS_MB = 50, 300, 3, 0.5, 250
