"""The register's bulk writes keep the folded search columns in step with the text they fold."""

from django.db import models

from audit.querysets import AuditedQuerySet


class FoldedColumnsQuerySet(AuditedQuerySet):
    """`bulk_create`, `bulk_update` and `update` of a model declaring `FOLDED_FIELDS` refold as `save()` does.

    `update()` runs in SQL, where the fold cannot: an update that sets a folded
    column's source without the column itself is refused rather than leaving a
    row its search cannot find.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fold_search_columns()
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        fields = list(fields)
        for column, sources in self.model.FOLDED_FIELDS.items():
            if set(sources) & set(fields) and column not in fields:
                fields.append(column)
        for obj in objs:
            obj.fold_search_columns()
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True

    def update(self, **kwargs):
        for column, sources in self.model.FOLDED_FIELDS.items():
            if set(sources) & set(kwargs) and column not in kwargs:
                raise ValueError(
                    f"update() of {', '.join(sorted(set(sources) & set(kwargs)))} on "
                    f"{self.model._meta.label} would leave {column} stale; save the rows or use bulk_update()."
                )
        return super().update(**kwargs)

    update.alters_data = True


FoldedColumnsManager = models.Manager.from_queryset(FoldedColumnsQuerySet, "FoldedColumnsManager")
